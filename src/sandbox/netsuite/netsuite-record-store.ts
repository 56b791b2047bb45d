/** @module sandbox/netsuite/netsuite-record-store — the account's records in memory, addressed by internal id or by eid:externalId. */

export const RECORD_TYPES = [
  'customer',
  'salesOrder',
  'inventoryItem',
  'location',
  'invoice',
  'itemFulfillment',
  'creditMemo',
  // The general ledger: journal entries and what they post against. Not seeded (a test seeds the
  // chart of accounts it needs), so the internal ids of everything else stay as they were.
  'journalEntry',
  'account',
  'accountingPeriod',
  'subsidiary',
  'department',
  'classification',
  'currency',
] as const
export type RecordType = (typeof RECORD_TYPES)[number]

/** Transactions NetSuite numbers itself (`tranId`), each type with its own sequence. */
const TRAN_ID_PREFIX: Partial<Record<RecordType, string>> = {
  salesOrder: 'SO',
  invoice: 'INV',
  creditMemo: 'CM',
  itemFulfillment: 'IF',
  journalEntry: 'JE',
}

export const isRecordType = (value: string): value is RecordType =>
  (RECORD_TYPES as readonly string[]).includes(value)

/** A record as stored: references already resolved to internal ids (`{ id }`). */
export interface StoredRecord {
  readonly type: RecordType
  readonly id: string
  readonly externalId: string | null
  readonly fields: Readonly<Record<string, unknown>>
  readonly dateCreated: number
  readonly lastModifiedDate: number
}

/** Seeded catalogue: the SKUs the Shopify simulator sells, so flows resolve items by externalId. */
export const SEED_SKUS: readonly string[] = Array.from({ length: 20 }, (_, i) => `SKU-${i + 1}`)

/** Seeded locations (warehouses), each holding stock of every seeded SKU. */
export const SEED_LOCATIONS: readonly { externalId: string; name: string; onHand: number }[] = [
  { externalId: 'WH-MAIN', name: 'Main Warehouse', onHand: 100 },
  { externalId: 'WH-EAST', name: 'East Coast DC', onHand: 20 },
]

/** Internal ids start high so that an id can never be mistaken for a SKU number or a line index. */
const FIRST_INTERNAL_ID = 1000

export class NetSuiteRecordStore {
  readonly #now: () => number
  #records = new Map<RecordType, Map<string, StoredRecord>>()
  /**
   * `type` → external id → internal id. A scan of every record per `eid:` lookup made each request
   * cost grow with the account (the 100,000-order drain benchmark slowed to a crawl); NetSuite's
   * external id is unique per record type, so a map answers it.
   */
  #byExternalId = new Map<RecordType, Map<string, string>>()
  /** Source transaction id → ids of the transactions transformed from it (`createdFrom`). */
  #children = new Map<string, Set<string>>()
  #nextId = FIRST_INTERNAL_ID
  #nextTranId = new Map<RecordType, number>()

  constructor(now: () => number) {
    this.#now = now
    this.reset()
  }

  /** Looks up `123` (internal id) or `eid:X` (external id). */
  find(type: RecordType, ref: string): StoredRecord | undefined {
    if (ref.startsWith('eid:')) return this.byExternalId(type, ref.slice(4))
    return this.#table(type).get(ref)
  }

  byExternalId(type: RecordType, externalId: string): StoredRecord | undefined {
    const id = this.#externalIds(type).get(externalId)
    return id === undefined ? undefined : this.#table(type).get(id)
  }

  /** Resolves a `{id}` or `{externalId}` reference to a stored record, or undefined. */
  resolve(type: RecordType, reference: unknown): StoredRecord | undefined {
    if (typeof reference !== 'object' || reference === null) return undefined
    const ref = reference as { id?: unknown; externalId?: unknown }
    if (typeof ref.id === 'string' || typeof ref.id === 'number') {
      return this.#table(type).get(String(ref.id))
    }
    if (typeof ref.externalId === 'string') return this.byExternalId(type, ref.externalId)
    return undefined
  }

  insert(
    type: RecordType,
    externalId: string | null,
    fields: Record<string, unknown>,
  ): StoredRecord {
    const id = String(this.#nextId++)
    const at = this.#now()
    const prefix = TRAN_ID_PREFIX[type]
    const extra: Record<string, unknown> = {}
    if (prefix !== undefined) {
      const n = this.#nextTranId.get(type) ?? 1
      this.#nextTranId.set(type, n + 1)
      extra.tranId = `${prefix}${n}`
    }
    const record: StoredRecord = {
      type,
      id,
      externalId,
      fields: { ...extra, ...fields },
      dateCreated: at,
      lastModifiedDate: at,
    }
    this.#table(type).set(id, record)
    if (externalId !== null) this.#externalIds(type).set(externalId, id)
    const source = createdFromOf(record)
    if (source !== undefined) {
      const set = this.#children.get(source) ?? new Set<string>()
      set.add(id)
      this.#children.set(source, set)
    }
    return record
  }

  /** Replaces the field set; system fields (tranId, createdFrom) survive because the caller cannot set them. */
  update(record: StoredRecord, fields: Record<string, unknown>): StoredRecord {
    const keep: Record<string, unknown> = {}
    if (TRAN_ID_PREFIX[record.type] !== undefined) keep.tranId = record.fields.tranId
    if (record.fields.createdFrom !== undefined) keep.createdFrom = record.fields.createdFrom
    const next: StoredRecord = {
      ...record,
      fields: { ...fields, ...keep },
      lastModifiedDate: this.#now(),
    }
    this.#table(record.type).set(record.id, next)
    return next
  }

  remove(type: RecordType, ref: string): boolean {
    const found = this.find(type, ref)
    if (found === undefined) return false
    if (found.externalId !== null) this.#externalIds(type).delete(found.externalId)
    const source = createdFromOf(found)
    if (source !== undefined) this.#children.get(source)?.delete(found.id)
    this.#table(type).delete(found.id)
    return true
  }

  list(type: RecordType): StoredRecord[] {
    return [...this.#table(type).values()].sort((a, b) => Number(a.id) - Number(b.id))
  }

  /** Transactions of `type` transformed from the transaction `sourceId`, oldest first. */
  createdFrom(sourceId: string, type: RecordType): StoredRecord[] {
    const ids = [...(this.#children.get(sourceId) ?? [])]
    return ids
      .flatMap((id) => {
        const record = this.#table(type).get(id)
        return record === undefined ? [] : [record]
      })
      .sort((a, b) => Number(a.id) - Number(b.id))
  }

  /** Everything back to the seed: the catalogue and the locations only, ids restarting. */
  reset(): void {
    this.#records = new Map(RECORD_TYPES.map((t) => [t, new Map<string, StoredRecord>()]))
    this.#byExternalId = new Map(RECORD_TYPES.map((t) => [t, new Map<string, string>()]))
    this.#children = new Map()
    this.#nextId = FIRST_INTERNAL_ID
    this.#nextTranId = new Map()
    SEED_SKUS.forEach((sku, i) => {
      this.insert('inventoryItem', sku, {
        itemId: sku,
        displayName: `Widget ${i + 1}`,
        basePrice: 9.99 + i * 5,
        isInactive: false,
      })
    })
    // After the SKUs, so their internal ids (1000–1019) stay what they always were.
    for (const location of SEED_LOCATIONS) {
      this.insert('location', location.externalId, { name: location.name, isInactive: false })
    }
  }

  #externalIds(type: RecordType): Map<string, string> {
    let index = this.#byExternalId.get(type)
    if (!index) {
      index = new Map()
      this.#byExternalId.set(type, index)
    }
    return index
  }

  #table(type: RecordType): Map<string, StoredRecord> {
    let table = this.#records.get(type)
    if (!table) {
      table = new Map()
      this.#records.set(type, table)
    }
    return table
  }
}

/** The internal id of the transaction a record was transformed from, if any. */
export function createdFromOf(record: StoredRecord): string | undefined {
  const ref = record.fields.createdFrom
  if (typeof ref !== 'object' || ref === null) return undefined
  const id = (ref as { id?: unknown }).id
  return typeof id === 'string' ? id : undefined
}

/** The name NetSuite shows for a record in a reference's `refName`. */
export function refNameOf(record: StoredRecord): string {
  const f = record.fields
  const text = (value: unknown): string =>
    typeof value === 'string' && value !== '' ? value : record.id
  switch (record.type) {
    case 'inventoryItem':
      return text(f.itemId)
    case 'location':
      return text(f.name)
    case 'salesOrder':
      return `Sales Order #${text(f.tranId)}`
    case 'invoice':
      return `Invoice #${text(f.tranId)}`
    case 'creditMemo':
      return `Credit Memo #${text(f.tranId)}`
    case 'itemFulfillment':
      return `Item Fulfillment #${text(f.tranId)}`
    case 'journalEntry':
      return `Journal #${text(f.tranId)}`
    case 'account':
      return [f.acctNumber, f.acctName].filter((p) => typeof p === 'string').join(' ') || record.id
    case 'accountingPeriod':
      return text(f.periodName)
    case 'currency':
      return text(f.symbol)
    case 'subsidiary':
    case 'department':
    case 'classification':
      return text(f.name)
    case 'customer':
      if (typeof f.companyName === 'string' && f.companyName !== '') return f.companyName
      return [f.firstName, f.lastName].filter((p) => typeof p === 'string').join(' ') || record.id
  }
}
