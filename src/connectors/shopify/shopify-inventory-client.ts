/** @module connectors/shopify/shopify-inventory-client — stock levels: read and set over REST, or set by SKU over GraphQL with an optional compare-and-set. */
import { HubError } from '../../errors/hub-error.ts'
import type { ShopifyGraphqlClient } from './shopify-graphql-client.ts'
import { userErrorsOf } from './shopify-graphql-errors.ts'
import { isRecord, member, numericId, records } from './shopify-rest.ts'
import type { ShopifyRecord, ShopifyRest } from './shopify-rest.ts'

export interface ShopifyLevelKey {
  /** Numeric REST ids. */
  inventoryItemId: string
  locationId: string
}

export interface ShopifySetAvailableInput {
  sku: string
  /** The numeric location id. */
  locationId: string
  available: number
  /**
   * Compare-and-set: apply only if Shopify still holds this many (a stale value is `conflict`).
   * Omitted: an absolute set, which a repeat cannot get wrong.
   */
  compareQuantity?: number | null
  /** Shopify's reason code; default `correction`. */
  reason?: string
  /** Where the number came from, e.g. `syncline://threepl/adjustment/42`. */
  referenceDocumentUri?: string
}

export interface ShopifySetAvailableResult {
  /** false when Shopify already held the number (it answers with no adjustment group). */
  changed: boolean
  delta: number
  inventoryItemId: string
}

/** Costs as the GraphQL Admin API prices these documents: a connection of 1 node, a mutation. */
const FIND_ITEM_COST = 3
const SET_COST = 10

const FIND_ITEM = `query InventoryItemBySku($query: String!) {
  inventoryItems(first: 1, query: $query) { nodes { id sku } }
}`

const SET_QUANTITIES = `mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`

const gidNumber = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1)

/**
 * An inventory mutation's userErrors: a stale compareQuantity means someone else moved the stock
 * since it was read (`conflict`: read again, then retry); anything else is `validation`.
 */
export function inventoryUserErrors(payload: unknown): HubError | null {
  const refused = userErrorsOf(payload, 'inventorySetQuantities')
  if (refused?.code !== 'COMPARE_QUANTITY_STALE') return refused
  return HubError.conflict(refused.message, {
    code: refused.code,
    cause: refused,
    ...(refused.path === undefined ? {} : { path: refused.path }),
  })
}

export class ShopifyInventoryClient {
  readonly #rest: ShopifyRest
  readonly #graphql: ShopifyGraphqlClient

  constructor(rest: ShopifyRest, graphql: ShopifyGraphqlClient) {
    this.#rest = rest
    this.#graphql = graphql
  }

  /** REST `inventory_levels.json` for the given items and/or locations (≤ 50 ids each). */
  async listLevels(
    filter: { inventoryItemIds?: readonly string[]; locationIds?: readonly string[] },
    signal?: AbortSignal,
  ): Promise<ShopifyRecord[]> {
    const ids = (list: readonly string[] | undefined, what: string) =>
      list === undefined || list.length === 0
        ? undefined
        : list.map((id) => numericId(id, what)).join(',')
    const body = await this.#rest.call('GET', 'inventory_levels.json', {
      query: {
        inventory_item_ids: ids(filter.inventoryItemIds, 'inventory item'),
        location_ids: ids(filter.locationIds, 'location'),
        limit: '250',
      },
      signal,
    })
    return records(body, 'inventory_levels', 'GET inventory_levels')
  }

  /** The in-doubt read for a set: the level now, or null when the item is not stocked there. */
  async getLevel(key: ShopifyLevelKey, signal?: AbortSignal): Promise<ShopifyRecord | null> {
    const levels = await this.listLevels(
      { inventoryItemIds: [key.inventoryItemId], locationIds: [key.locationId] },
      signal,
    )
    return levels[0] ?? null
  }

  /** REST `inventory_levels/set.json`: absolute, so a repeat after an unknown outcome is harmless. */
  async setLevel(
    key: ShopifyLevelKey & { available: number },
    signal?: AbortSignal,
  ): Promise<ShopifyRecord> {
    const body = await this.#rest.call('POST', 'inventory_levels/set.json', {
      body: {
        inventory_item_id: numericId(key.inventoryItemId, 'inventory item'),
        location_id: numericId(key.locationId, 'location'),
        available: key.available,
      },
      idempotent: true,
      signal,
    })
    return member(body, 'inventory_level', 'set inventory_level')
  }

  /** The numeric inventory item id of a SKU, or null when the shop has no such SKU. */
  async findInventoryItemId(sku: string, signal?: AbortSignal): Promise<string | null> {
    const { data } = await this.#graphql.request(
      FIND_ITEM,
      { query: `sku:${JSON.stringify(sku)}` },
      { signal, expectedCost: FIND_ITEM_COST },
    )
    const items = isRecord(data.inventoryItems) ? data.inventoryItems.nodes : undefined
    const first = Array.isArray(items) ? (items[0] as unknown) : undefined
    return isRecord(first) && typeof first.id === 'string' ? gidNumber(first.id) : null
  }

  /** GraphQL `inventorySetQuantities` for a SKU at a location. */
  async setAvailable(
    input: ShopifySetAvailableInput,
    signal?: AbortSignal,
  ): Promise<ShopifySetAvailableResult> {
    const itemId = await this.findInventoryItemId(input.sku, signal)
    if (itemId === null) {
      throw HubError.validation(
        `Shopify has no inventory item with SKU ${JSON.stringify(input.sku)}`,
        {
          code: 'UNKNOWN_SKU',
          path: 'sku',
        },
      )
    }
    const compare = input.compareQuantity
    const { data } = await this.#graphql.request(
      SET_QUANTITIES,
      {
        input: {
          name: 'available',
          reason: input.reason ?? 'correction',
          ...(input.referenceDocumentUri === undefined
            ? {}
            : { referenceDocumentUri: input.referenceDocumentUri }),
          ...(compare === undefined ? { ignoreCompareQuantity: true } : {}),
          quantities: [
            {
              inventoryItemId: `gid://shopify/InventoryItem/${itemId}`,
              locationId: `gid://shopify/Location/${numericId(input.locationId, 'location')}`,
              quantity: input.available,
              ...(compare === undefined ? {} : { compareQuantity: compare }),
            },
          ],
        },
      },
      // An absolute set is as harmless to repeat as a query; only a compare-and-set is not.
      { signal, expectedCost: SET_COST, mutation: compare !== undefined },
    )
    const payload = data.inventorySetQuantities
    const refused = inventoryUserErrors(payload)
    if (refused) throw refused
    const group = isRecord(payload) ? payload.inventoryAdjustmentGroup : undefined
    const changes = isRecord(group) && Array.isArray(group.changes) ? group.changes : []
    const delta = changes.reduce<number>(
      (sum, c) => sum + (isRecord(c) && typeof c.delta === 'number' ? c.delta : 0),
      0,
    )
    return { changed: isRecord(group), delta, inventoryItemId: itemId }
  }
}
