/** @module sandbox/netsuite/netsuite-record-view — records as the REST record API returns them: string ids, links, expanded references, collapsed sublists. */

import { refNameOf } from './netsuite-record-store.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'

export const RECORD_PATH = '/services/rest/record/v1'

export interface Link {
  readonly rel: string
  readonly href: string
}

export const recordUrl = (baseUrl: string, type: string, id: string): string =>
  `${baseUrl}${RECORD_PATH}/${type}/${id}`

/** NetSuite prints timestamps to the second, in UTC. */
export const netsuiteTime = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function reference(
  baseUrl: string,
  store: NetSuiteRecordStore,
  type: RecordType,
  ref: unknown,
): unknown {
  if (!isObject(ref) || typeof ref.id !== 'string') return ref
  const target = store.find(type, ref.id)
  const links: Link[] = [{ rel: 'self', href: recordUrl(baseUrl, type, ref.id) }]
  return target ? { links, id: ref.id, refName: refNameOf(target) } : { links, id: ref.id }
}

function lineItems(
  baseUrl: string,
  store: NetSuiteRecordStore,
  record: StoredRecord,
): Record<string, unknown>[] {
  const item = record.fields.item
  const items =
    isObject(item) && Array.isArray(item.items) ? (item.items as Record<string, unknown>[]) : []
  return items.map((line) => ({
    links: [],
    ...line,
    item: reference(baseUrl, store, 'inventoryItem', line.item),
  }))
}

/**
 * One record. Sublists come back as a link only, as NetSuite does, unless the caller asks for
 * `expandSubResources=true`: a connector that forgets this reads an order without its lines.
 */
export function renderRecord(
  baseUrl: string,
  store: NetSuiteRecordStore,
  record: StoredRecord,
  expandSubResources: boolean,
): Record<string, unknown> {
  const self = recordUrl(baseUrl, record.type, record.id)
  const out: Record<string, unknown> = { links: [{ rel: 'self', href: self }] }
  for (const [name, value] of Object.entries(record.fields)) {
    if (name === 'entity') out.entity = reference(baseUrl, store, 'customer', value)
    else if (name === 'item' && record.type === 'salesOrder') {
      const links = [{ rel: 'self', href: `${self}/item` }]
      out.item = expandSubResources
        ? { links, ...sublistPage(lineItems(baseUrl, store, record)) }
        : { links }
    } else out[name] = value
  }
  return {
    ...out,
    id: record.id,
    ...(record.externalId === null ? {} : { externalId: record.externalId }),
    dateCreated: netsuiteTime(record.dateCreated),
    lastModifiedDate: netsuiteTime(record.lastModifiedDate),
  }
}

function sublistPage(items: Record<string, unknown>[]): Record<string, unknown> {
  return { count: items.length, hasMore: false, items, offset: 0, totalResults: items.length }
}

/** `GET /salesOrder/{id}/item`: the sublist collection the collapsed record links to. */
export function renderSublist(
  baseUrl: string,
  store: NetSuiteRecordStore,
  record: StoredRecord,
): Record<string, unknown> {
  const self = `${recordUrl(baseUrl, record.type, record.id)}/item`
  return { links: [{ rel: 'self', href: self }], ...sublistPage(lineItems(baseUrl, store, record)) }
}

/** A page of a record collection: ids and links only, with NetSuite's paging links. */
export function renderList(
  baseUrl: string,
  type: RecordType,
  records: readonly StoredRecord[],
  limit: number,
  offset: number,
): Record<string, unknown> {
  const page = records.slice(offset, offset + limit)
  const total = records.length
  const at = (o: number): string => `${baseUrl}${RECORD_PATH}/${type}?limit=${limit}&offset=${o}`
  const links: Link[] = []
  if (offset > 0) {
    links.push({ rel: 'first', href: at(0) })
    links.push({ rel: 'prev', href: at(Math.max(0, offset - limit)) })
  }
  if (offset + limit < total) {
    links.push({ rel: 'next', href: at(offset + limit) })
    links.push({ rel: 'last', href: at(Math.max(0, Math.floor((total - 1) / limit) * limit)) })
  }
  links.push({ rel: 'self', href: at(offset) })
  return {
    links,
    count: page.length,
    hasMore: offset + limit < total,
    items: page.map((r) => ({
      links: [{ rel: 'self', href: recordUrl(baseUrl, type, r.id) }],
      id: r.id,
    })),
    offset,
    totalResults: total,
  }
}
