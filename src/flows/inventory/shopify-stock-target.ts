/** @module flows/inventory/shopify-stock-target — Shopify as a mirror of the 3PL's on-hand: `available` set absolutely by SKU, read over GraphQL in pages for reconciliation. */
import type { ShopifyGraphqlClient } from '../../connectors/shopify/shopify-graphql-client.ts'
import type { ShopifyInventoryClient } from '../../connectors/shopify/shopify-inventory-client.ts'
import { HubError } from '../../errors/hub-error.ts'
import { digestOf } from '../../reconciliation/field-hash.ts'
import type { ReconciliationSide, ReconRecord } from '../../reconciliation/reconciliation-port.ts'
import { levelKey, splitLevelKey, type WarehouseMapping } from './inventory-sync-config.ts'
import type { InventoryTargetPort } from './inventory-target-port.ts'

/** Nodes per GraphQL page: 50 items with one nested level each stays far below the 1000-point cap. */
const PAGE_LIMIT = 50

const LEVELS = `query InventoryLevelsPage($first: Int!, $after: String, $location: ID!, $query: String) {
  inventoryItems(first: $first, after: $after, query: $query) {
    nodes { sku inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } } }
    pageInfo { hasNextPage endCursor }
  }
}`

interface LevelNode {
  sku: string
  available: number | null
}

function nodesOf(data: Record<string, unknown>): {
  nodes: LevelNode[]
  next: string | null
} {
  const conn = data.inventoryItems as
    | {
        nodes?: {
          sku?: unknown
          inventoryLevel?: { quantities?: { name?: unknown; quantity?: unknown }[] } | null
        }[]
        pageInfo?: { hasNextPage?: unknown; endCursor?: unknown }
      }
    | undefined
  if (!conn || !Array.isArray(conn.nodes)) {
    throw HubError.validation('Shopify inventoryItems page has no nodes', {
      code: 'UNEXPECTED_SHAPE',
    })
  }
  const nodes = conn.nodes.flatMap((n): LevelNode[] => {
    if (typeof n.sku !== 'string' || n.sku === '') return []
    const q = n.inventoryLevel?.quantities?.find((x) => x.name === 'available')
    return [{ sku: n.sku, available: typeof q?.quantity === 'number' ? q.quantity : null }]
  })
  const more = conn.pageInfo?.hasNextPage === true && typeof conn.pageInfo.endCursor === 'string'
  return { nodes, next: more ? (conn.pageInfo?.endCursor as string) : null }
}

export function createShopifyStockTarget(options: {
  inventory: ShopifyInventoryClient
  graphql: ShopifyGraphqlClient
  /** The governed account, e.g. `shopify:acme.myshopify.com`. */
  target: string
  warehouses: Readonly<Record<string, WarehouseMapping>>
}): InventoryTargetPort {
  const { inventory, graphql } = options
  const locationOf = new Map<string, string>()
  for (const [warehouse, m] of Object.entries(options.warehouses)) {
    if (m.shopifyLocationId !== undefined) locationOf.set(warehouse, m.shopifyLocationId)
  }
  const location = (warehouse: string): string => {
    const found = locationOf.get(warehouse)
    if (found === undefined) throw new Error(`warehouse ${warehouse} has no Shopify location`)
    return found
  }

  /** Pages of the levels at one location; items not stocked there are left out. */
  async function* pages(
    warehouse: string,
    pageSize: number,
    signal: AbortSignal,
    query?: string,
  ): AsyncGenerator<ReconRecord[]> {
    let after: string | null = null
    const first = Math.min(pageSize, PAGE_LIMIT)
    do {
      const { data } = await graphql.request(
        LEVELS,
        {
          first,
          after,
          location: `gid://shopify/Location/${location(warehouse)}`,
          ...(query === undefined ? {} : { query }),
        },
        { signal, expectedCost: 2 + first * 2 },
      )
      const page = nodesOf(data)
      yield page.nodes.flatMap((n) =>
        n.available === null
          ? []
          : [{ key: levelKey(n.sku, warehouse), fields: { onHand: n.available } }],
      )
      after = page.next
    } while (after !== null)
  }

  const side: ReconciliationSide = {
    system: 'shopify',
    maxPageSize: PAGE_LIMIT,
    async count(signal) {
      let n = 0
      for (const w of locationOf.keys()) {
        for await (const p of pages(w, PAGE_LIMIT, signal)) n += p.length
      }
      return n
    },
    async *digests(pageSize, signal) {
      for (const w of locationOf.keys()) {
        for await (const p of pages(w, pageSize, signal)) yield p.map(digestOf)
      }
    },
    async fetch(keys, signal) {
      const out: ReconRecord[] = []
      // The SKU filter matches one SKU per query; fetch is only asked for the few keys that differ.
      for (const k of keys) {
        const { sku, warehouse } = splitLevelKey(k)
        if (!locationOf.has(warehouse)) continue
        for await (const p of pages(warehouse, 1, signal, `sku:${JSON.stringify(sku)}`)) {
          out.push(...p.filter((r) => r.key === k))
        }
      }
      return out
    },
  }

  return {
    system: 'shopify',
    handles: (warehouse) => locationOf.has(warehouse),
    side: () => side,
    setLevel(level, entityVersion) {
      const key = levelKey(level.sku, level.warehouse)
      return {
        target: options.target,
        operation: 'inventoryLevel.set',
        businessKey: key,
        version: level.ref,
        ...(entityVersion === undefined ? {} : { entityVersion }),
        // An absolute set: repeating it after an unknown outcome cannot double a change.
        perform: async ({ signal }) => ({
          ...(await inventory.setAvailable(
            {
              sku: level.sku,
              locationId: location(level.warehouse),
              available: level.onHand,
              reason: 'correction',
              referenceDocumentUri: `syncline://threepl/inventory/${encodeURIComponent(key)}/${level.ref}`,
            },
            signal,
          )),
        }),
        lookup: async ({ signal }) => {
          const records = await side.fetch([key], signal)
          return records[0]?.fields.onHand === level.onHand
            ? { changed: false, delta: 0, inventoryItemId: null }
            : null
        },
      }
    },
  }
}
