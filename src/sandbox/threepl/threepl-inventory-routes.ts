/** @module sandbox/threepl/threepl-inventory-routes — GET /v1/inventory: a paged stock snapshot per SKU and warehouse, stamped with the last event it includes. */

import { jsonResponse } from '../kit/sim-response.ts'
import { paginate } from './threepl-api.ts'
import type { ApiRouter } from './threepl-api.ts'
import { threeplErrors } from './threepl-errors.ts'
import type { InventoryRow } from './threepl-inventory.ts'
import type { ThreePlRouteDeps } from './threepl-vendor-routes.ts'

const bySku = (a: string, b: string): number =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })

export function mountInventoryRoutes(router: ApiRouter, deps: ThreePlRouteDeps): void {
  const { inventory, warehouse } = deps
  router.route('GET', '/inventory', (request) => {
    warehouse.run()
    const page = paginate(
      request,
      ['sku', 'warehouse'],
      (filters) => {
        const only = filters.warehouse
        if (only !== undefined && !inventory.warehouses.includes(only)) {
          return threeplErrors.badRequest(
            `warehouse must be one of ${inventory.warehouses.join(', ')}.`,
          )
        }
        const wanted = filters.sku?.split(',').map((s) => s.trim())
        // Unknown SKUs in the filter are simply absent, as in a search.
        const skus = wanted ? inventory.skus().filter((s) => wanted.includes(s)) : inventory.skus()
        return skus.flatMap((sku): InventoryRow[] => {
          const row = inventory.row(sku, only)
          return row && row.warehouses.length > 0 ? [row] : []
        })
      },
      (row) => row.sku,
      bySku,
      { default: 50, max: 200 },
    )
    if ('status' in page) return page
    // as_of_sequence lets a consumer of the event stream line a snapshot up with the events:
    // everything up to that sequence is in these numbers, nothing after it.
    return jsonResponse(200, {
      data: page.items,
      has_more: page.hasMore,
      next_cursor: page.nextCursor,
      as_of: new Date(deps.now()).toISOString(),
      as_of_sequence: deps.events.lastSequence,
    })
  })
}
