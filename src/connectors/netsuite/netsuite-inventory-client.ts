/** @module connectors/netsuite/netsuite-inventory-client — stock per item and location: read over SuiteQL, moved by inventoryAdjustment upserts. */
import { HubError } from '../../errors/hub-error.ts'
import type { NetSuiteClient } from './netsuite-client.ts'
import { SUITEQL_MAX_PAGE_SIZE } from './netsuite-suiteql.ts'

/** One item at one location as NetSuite reports it, by external ids. */
export interface NetSuiteStockRow {
  sku: string
  location: string
  quantityOnHand: number
}

export interface NetSuiteAdjustmentResult {
  adjustmentId: string | null
  /** The change made; 0 when NetSuite already held the number (nothing was written). */
  delta: number
}

/** A string literal for SuiteQL: quotes doubled, so a SKU can never end the literal. */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`

const count = (value: unknown, what: string): number => {
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(n)) {
    throw HubError.validation(`NetSuite sent ${what} ${JSON.stringify(value)}, not a number`, {
      code: 'UNEXPECTED_SHAPE',
    })
  }
  return n
}

/**
 * Stock is not a field of an item: NetSuite keeps it per location and changes it only through
 * transactions. Setting a level is therefore "read, then post an inventoryAdjustment of the
 * difference" — upserted by an external id the caller derives from the change, so a repeat
 * re-posts the same adjustment instead of adding a second one.
 */
export class NetSuiteInventoryClient {
  readonly #client: NetSuiteClient
  #locations: Map<string, string> | undefined

  constructor(client: NetSuiteClient) {
    this.#client = client
  }

  /** Location external id → internal id; read once (locations change rarely), then kept. */
  async locationIds(signal?: AbortSignal): Promise<Map<string, string>> {
    if (this.#locations) return this.#locations
    const rows = await this.#client.suiteqlAll(
      'SELECT id, externalid FROM location WHERE externalid IS NOT NULL ORDER BY id',
      { ...(signal ? { signal } : {}) },
    )
    this.#locations = new Map(rows.map((r) => [String(r.externalid), String(r.id)]))
    return this.#locations
  }

  async locationId(externalId: string, signal?: AbortSignal): Promise<string> {
    const id = (await this.locationIds(signal)).get(externalId)
    if (id === undefined) {
      throw HubError.validation(
        `NetSuite has no location with external id ${JSON.stringify(externalId)}: map the warehouse to an existing location`,
        { code: 'UNKNOWN_LOCATION', path: 'netsuiteLocation' },
      )
    }
    return id
  }

  /** The item's internal id and its on-hand at `location` (external ids), or null when no such item. */
  async level(
    sku: string,
    location: string,
    signal?: AbortSignal,
  ): Promise<{ itemId: string; locationId: string; quantityOnHand: number } | null> {
    const item = await this.#client.getByExternalId('inventoryItem', sku, signal)
    if (item === null) return null
    const locationId = await this.locationId(location, signal)
    const rows = await this.#client.suiteqlAll(
      `SELECT quantityonhand FROM inventoryitemlocations WHERE item = ${Number(item.id)} AND location = ${Number(locationId)}`,
      { ...(signal ? { signal } : {}) },
    )
    const onHand = rows[0] === undefined ? 0 : count(rows[0].quantityonhand, 'quantityonhand')
    return { itemId: item.id, locationId, quantityOnHand: onHand }
  }

  /**
   * Brings on-hand of `sku` at `location` to `quantityOnHand` with the adjustment `externalId`.
   * Nothing is written when NetSuite already holds the number.
   */
  async setOnHand(
    input: {
      sku: string
      location: string
      quantityOnHand: number
      externalId: string
      memo: string
    },
    options: { idempotencyKey?: string; signal?: AbortSignal } = {},
  ): Promise<NetSuiteAdjustmentResult> {
    const now = await this.level(input.sku, input.location, options.signal)
    if (now === null) {
      throw HubError.validation(
        `NetSuite has no inventory item with external id ${JSON.stringify(input.sku)}`,
        { code: 'UNKNOWN_SKU', path: 'sku' },
      )
    }
    const delta = input.quantityOnHand - now.quantityOnHand
    if (delta === 0) return { adjustmentId: null, delta: 0 }
    const { id } = await this.#client.upsertByExternalId(
      'inventoryAdjustment',
      input.externalId,
      {
        memo: input.memo,
        adjLocation: { id: now.locationId },
        inventory: {
          items: [
            { item: { id: now.itemId }, location: { id: now.locationId }, adjustQtyBy: delta },
          ],
        },
      },
      options,
    )
    return { adjustmentId: id, delta }
  }

  /** The adjustment with this external id, or null: the read-before-retry of `setOnHand`. */
  async findAdjustment(
    externalId: string,
    signal?: AbortSignal,
  ): Promise<NetSuiteAdjustmentResult | null> {
    const found = await this.#client.getByExternalId('inventoryAdjustment', externalId, signal)
    if (found === null) return null
    const inventory = found.record.inventory as { items?: { adjustQtyBy?: unknown }[] } | undefined
    const delta = (inventory?.items ?? []).reduce(
      (sum, l) => sum + count(l.adjustQtyBy ?? 0, 'adjustQtyBy'),
      0,
    )
    return { adjustmentId: found.id, delta }
  }

  /**
   * Every level at `locations` (external ids), in pages of `pageSize` rows (≤ 1000, SuiteQL's
   * page), ordered by item then location. Items without an external id are not synced, so skipped.
   */
  async *levelPages(
    locations: readonly string[],
    pageSize: number,
    signal?: AbortSignal,
  ): AsyncGenerator<NetSuiteStockRow[], void, undefined> {
    const size = Math.min(pageSize, SUITEQL_MAX_PAGE_SIZE)
    const ids = await this.locationIds(signal)
    const byId = new Map([...ids].map(([eid, id]) => [id, eid]))
    const wanted = locations.map((l) => ids.get(l)).filter((id) => id !== undefined)
    if (wanted.length === 0) return
    const skus = new Map<string, string>()
    for await (const row of this.#client.suiteql(
      'SELECT id, externalid FROM item WHERE externalid IS NOT NULL ORDER BY id',
      { pageSize: SUITEQL_MAX_PAGE_SIZE, ...(signal ? { signal } : {}) },
    )) {
      skus.set(String(row.id), String(row.externalid))
    }
    let page: NetSuiteStockRow[] = []
    for await (const row of this.#client.suiteql(
      `SELECT item, location, quantityonhand FROM inventoryitemlocations WHERE location IN (${wanted.map(Number).join(', ')}) ORDER BY item, location`,
      { pageSize: size, ...(signal ? { signal } : {}) },
    )) {
      const sku = skus.get(String(row.item))
      const location = byId.get(String(row.location))
      if (sku !== undefined && location !== undefined) {
        page.push({ sku, location, quantityOnHand: count(row.quantityonhand, 'quantityonhand') })
      }
      if (page.length === size) {
        yield page
        page = []
      }
    }
    if (page.length > 0) yield page
  }

  /** Levels of the given SKUs at `location`, read now (the confirming read of reconciliation). */
  async levelsOf(
    skus: readonly string[],
    location: string,
    signal?: AbortSignal,
  ): Promise<NetSuiteStockRow[]> {
    if (skus.length === 0) return []
    const items = await this.#client.suiteqlAll(
      `SELECT id, externalid FROM item WHERE externalid IN (${skus.map(literal).join(', ')})`,
      { ...(signal ? { signal } : {}) },
    )
    if (items.length === 0) return []
    const locationId = await this.locationId(location, signal)
    const skuOf = new Map(items.map((r) => [String(r.id), String(r.externalid)]))
    const rows = await this.#client.suiteqlAll(
      `SELECT item, quantityonhand FROM inventoryitemlocations WHERE location = ${Number(locationId)} AND item IN (${[...skuOf.keys()].map(Number).join(', ')})`,
      { ...(signal ? { signal } : {}) },
    )
    return rows.flatMap((r) => {
      const sku = skuOf.get(String(r.item))
      return sku === undefined
        ? []
        : [{ sku, location, quantityOnHand: count(r.quantityonhand, 'quantityonhand') }]
    })
  }
}
