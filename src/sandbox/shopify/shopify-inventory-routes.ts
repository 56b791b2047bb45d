/** @module sandbox/shopify/shopify-inventory-routes — locations.json and inventory_levels.json: list, set (absolute, repeatable) and adjust (relative, not). */

import type { FastifyRequest } from 'fastify'
import type { BusinessKey } from '../kit/effects-ledger.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import type { AdminRouter, ShopifyAdminDeps } from './shopify-admin-api.ts'
import { paramsOf, queryOf } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyJson } from './shopify-errors.ts'
import { inventoryLevelResource, LOCATIONS, locationResource } from './shopify-inventory.ts'
import type { InventoryChange } from './shopify-inventory.ts'
import { toId } from './shopify-wire.ts'

const MAX_IDS = 50

interface Target {
  readonly item: bigint
  readonly location: bigint
  readonly amount: number
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `1,2,3` → ids; null when one of them is not an id. */
function idList(value: string | undefined): bigint[] | null {
  if (value === undefined || value === '') return []
  const ids = value.split(',').map((part) => toId(part.trim()))
  return ids.every((id): id is bigint => id !== null) ? ids : null
}

/** The answer to a set or adjust, and its effects when it applied. */
export function inventoryChanged(deps: ShopifyAdminDeps, change: InventoryChange): void {
  if (!change.ok) return
  const { level } = change
  deps.ledger.recordEffect(
    { recordType: 'inventory_level', key: `${level.inventoryItemId}:${level.locationId}` },
    'update',
  )
  // A set to the level it already had is a write, but nothing changed to tell subscribers about.
  if (change.delta === 0) return
  deps.emit(
    'inventory_levels/update',
    inventoryLevelResource(level, (ms) => deps.store.time(ms)),
    level.inventoryItemId,
  )
}

export function mountInventoryRoutes(router: AdminRouter, deps: ShopifyAdminDeps): void {
  const { inventory, store } = deps
  const time = (ms: number): string => store.time(ms)
  const levelKey = (request: FastifyRequest): BusinessKey | null => {
    const body = isObject(request.body) ? request.body : {}
    const item = toId(body.inventory_item_id)
    const location = toId(body.location_id)
    return item === null || location === null
      ? null
      : { recordType: 'inventory_level', key: `${item}:${location}` }
  }
  const answer = (change: InventoryChange) => {
    if (!change.ok) {
      return shopifyErrors.invalid(change.status, { [change.field]: [change.message] })
    }
    inventoryChanged(deps, change)
    return shopifyJson(200, { inventory_level: inventoryLevelResource(change.level, time) })
  }
  /** Reads the two ids and the amount every inventory write names; a missing one is Shopify's 400. */
  const target = (request: FastifyRequest, amountField: string): Target | SimResponse => {
    const body = isObject(request.body) ? request.body : {}
    const item = toId(body.inventory_item_id)
    const location = toId(body.location_id)
    const amount = body[amountField]
    const missing = (field: string) =>
      shopifyErrors.invalid(400, { [field]: 'Required parameter missing or invalid' })
    if (item === null) return missing('inventory_item_id')
    if (location === null) return missing('location_id')
    if (typeof amount !== 'number' || !Number.isInteger(amount)) return missing(amountField)
    return { item, location, amount }
  }

  router.route('GET', 'locations.json', () =>
    shopifyJson(200, { locations: LOCATIONS.map((l) => locationResource(l, time)) }),
  )
  router.route('GET', 'locations/:id.json', (request) => {
    const id = toId(paramsOf(request).id)
    const location = id === null ? undefined : inventory.location(id)
    return location
      ? shopifyJson(200, { location: locationResource(location, time) })
      : shopifyErrors.notFound()
  })
  router.route('GET', 'inventory_levels.json', (request) => {
    const query = queryOf(request)
    const items = idList(query.inventory_item_ids)
    const locations = idList(query.location_ids)
    if (items === null || locations === null) {
      return shopifyErrors.invalid(422, [
        'inventory_item_ids and location_ids must be lists of ids',
      ])
    }
    if (items.length === 0 && locations.length === 0) {
      return shopifyErrors.invalid(422, ['inventory_item_ids, location_ids, or both are required'])
    }
    if (items.length > MAX_IDS || locations.length > MAX_IDS) {
      return shopifyErrors.invalid(422, [`at most ${MAX_IDS} ids per filter`])
    }
    const limit = Number(query.limit ?? 50)
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
      return shopifyErrors.invalid(400, { limit: 'Limit must be between 1 and 250' })
    }
    return shopifyJson(200, {
      inventory_levels: inventory
        .list(items, locations)
        .slice(0, limit)
        .map((l) => inventoryLevelResource(l, time)),
    })
  })
  router.route(
    'POST',
    'inventory_levels/set.json',
    (request) => {
      const t = target(request, 'available')
      if ('status' in t) return t
      return answer(inventory.set(t.item, t.location, t.amount))
    },
    levelKey,
  )
  router.route(
    'POST',
    'inventory_levels/adjust.json',
    (request) => {
      const t = target(request, 'available_adjustment')
      if ('status' in t) return t
      return answer(inventory.adjust(t.item, t.location, t.amount))
    },
    levelKey,
  )
}
