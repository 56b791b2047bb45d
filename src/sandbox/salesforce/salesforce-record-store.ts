/** @module sandbox/salesforce/salesforce-record-store — the org's Account and Contact rows in memory, with the recycle bin and external-id indexes. */

import { SOBJECT_TYPES } from './salesforce-fields.ts'
import type { SObjectType } from './salesforce-fields.ts'
import { KEY_PREFIXES, makeId, normaliseId } from './salesforce-ids.ts'

export type FieldValue = string | number | boolean | null

/** A row as stored: caller-settable fields by their canonical names, audit fields beside them. */
export interface SfRecord {
  readonly type: SObjectType
  readonly id: string
  readonly fields: Readonly<Record<string, FieldValue>>
  readonly createdDate: number
  readonly createdById: string
  readonly lastModifiedDate: number
  readonly lastModifiedById: string
  readonly systemModstamp: number
  /** In the recycle bin: invisible to query and upsert, visible to queryAll, undeletable. */
  readonly isDeleted: boolean
}

/** The first record number; ids of a fresh org start well above zero, as real ones do. */
const FIRST_COUNTER = 2_000_000

export class SalesforceRecordStore {
  #tables = new Map<SObjectType, Map<string, SfRecord>>()
  /** type → field (lower case) → value (lower case) → ids: external ids match case-insensitively. */
  #indexes = new Map<SObjectType, Map<string, Map<string, Set<string>>>>()
  #counter = FIRST_COUNTER

  constructor() {
    this.reset()
  }

  /** A new id for `type`; ids are never reused, even after a rollback. */
  nextId(type: SObjectType): string {
    this.#counter += 1
    return makeId(KEY_PREFIXES[type], this.#counter)
  }

  /** Looks a row up by a 15- or 18-character id, deleted ones included. */
  get(type: SObjectType, idText: string): SfRecord | undefined {
    const id = normaliseId(idText)
    return id === null ? undefined : this.#table(type).get(id)
  }

  /** Any type: references are typed by the id's key prefix. */
  find(idText: string): SfRecord | undefined {
    for (const type of SOBJECT_TYPES) {
      const found = this.get(type, idText)
      if (found) return found
    }
    return undefined
  }

  /** Live rows whose external id `field` equals `value`, case-insensitively, oldest first. */
  byExternalId(type: SObjectType, field: string, value: string): SfRecord[] {
    const ids = this.#index(type, field).get(value.toLowerCase()) ?? new Set<string>()
    return [...ids]
      .map((id) => this.#table(type).get(id))
      .filter((r): r is SfRecord => r !== undefined && !r.isDeleted)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
  }

  /** Rows in id (creation) order; deleted ones only when asked, as queryAll does. */
  list(type: SObjectType, includeDeleted = false): SfRecord[] {
    return [...this.#table(type).values()]
      .filter((r) => includeDeleted || !r.isDeleted)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Stores `next` as the row's state, or removes the row when undefined; returns the previous state. */
  replace(type: SObjectType, id: string, next: SfRecord | undefined): SfRecord | undefined {
    const table = this.#table(type)
    const previous = table.get(id)
    if (previous) this.#unindex(previous)
    if (next) {
      table.set(id, next)
      this.#reindex(next)
    } else {
      table.delete(id)
    }
    return previous
  }

  reset(): void {
    this.#tables = new Map(SOBJECT_TYPES.map((t) => [t, new Map<string, SfRecord>()]))
    this.#indexes = new Map()
    this.#counter = FIRST_COUNTER
  }

  #table(type: SObjectType): Map<string, SfRecord> {
    let table = this.#tables.get(type)
    if (!table) {
      table = new Map()
      this.#tables.set(type, table)
    }
    return table
  }

  /** Built on first use, since a test may declare a new external-id field at any time. */
  #index(type: SObjectType, field: string): Map<string, Set<string>> {
    let perType = this.#indexes.get(type)
    if (!perType) {
      perType = new Map()
      this.#indexes.set(type, perType)
    }
    const key = field.toLowerCase()
    let index = perType.get(key)
    if (!index) {
      index = new Map()
      perType.set(key, index)
      for (const record of this.#table(type).values()) add(index, valueOf(record, key), record.id)
    }
    return index
  }

  #reindex(record: SfRecord): void {
    for (const [field, index] of this.#indexes.get(record.type) ?? []) {
      add(index, valueOf(record, field), record.id)
    }
  }

  #unindex(record: SfRecord): void {
    for (const [field, index] of this.#indexes.get(record.type) ?? []) {
      const value = valueOf(record, field)
      if (value !== null) index.get(value)?.delete(record.id)
    }
  }
}

function valueOf(record: SfRecord, lowerField: string): string | null {
  for (const [name, value] of Object.entries(record.fields)) {
    if (name.toLowerCase() === lowerField && value !== null && value !== '') {
      return String(value).toLowerCase()
    }
  }
  return null
}

function add(index: Map<string, Set<string>>, value: string | null, id: string): void {
  if (value === null) return
  let ids = index.get(value)
  if (!ids) {
    ids = new Set()
    index.set(value, ids)
  }
  ids.add(id)
}
