/** @module sandbox/netsuite/netsuite-record-store — the account's records in memory, addressed by internal id or by eid:externalId. */

export const RECORD_TYPES = ['customer', 'salesOrder', 'inventoryItem'] as const
export type RecordType = (typeof RECORD_TYPES)[number]

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
  #nextId = FIRST_INTERNAL_ID
  #nextTranId = 1

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
    const extra = type === 'salesOrder' ? { tranId: `SO${this.#nextTranId++}` } : {}
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
    return record
  }

  /** Replaces the field set; system fields (tranId) survive because the caller cannot set them. */
  update(record: StoredRecord, fields: Record<string, unknown>): StoredRecord {
    const keep = record.type === 'salesOrder' ? { tranId: record.fields.tranId } : {}
    const next: StoredRecord = {
      ...record,
      fields: { ...keep, ...fields },
      lastModifiedDate: this.#now(),
    }
    this.#table(record.type).set(record.id, next)
    return next
  }

  remove(type: RecordType, ref: string): boolean {
    const found = this.find(type, ref)
    if (found === undefined) return false
    if (found.externalId !== null) this.#externalIds(type).delete(found.externalId)
    return this.#table(type).delete(found.id)
  }

  list(type: RecordType): StoredRecord[] {
    return [...this.#table(type).values()].sort((a, b) => Number(a.id) - Number(b.id))
  }

  /** Everything back to the seed: the catalogue only, ids restarting. */
  reset(): void {
    this.#records = new Map(RECORD_TYPES.map((t) => [t, new Map<string, StoredRecord>()]))
    this.#byExternalId = new Map(RECORD_TYPES.map((t) => [t, new Map<string, string>()]))
    this.#nextId = FIRST_INTERNAL_ID
    this.#nextTranId = 1
    SEED_SKUS.forEach((sku, i) => {
      this.insert('inventoryItem', sku, {
        itemId: sku,
        displayName: `Widget ${i + 1}`,
        basePrice: 9.99 + i * 5,
        isInactive: false,
      })
    })
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

/** The name NetSuite shows for a record in a reference's `refName`. */
export function refNameOf(record: StoredRecord): string {
  const f = record.fields
  const text = (value: unknown): string =>
    typeof value === 'string' && value !== '' ? value : record.id
  if (record.type === 'inventoryItem') return text(f.itemId)
  if (record.type === 'salesOrder') return `Sales Order #${text(f.tranId)}`
  if (typeof f.companyName === 'string' && f.companyName !== '') return f.companyName
  return [f.firstName, f.lastName].filter((p) => typeof p === 'string').join(' ') || record.id
}
