/** @module sandbox/netsuite/netsuite-record-view — records as the REST record API returns them: string ids, links, expanded references, collapsed sublists. */

import { JOURNAL_LINE_REFERENCES, journalLinesOf } from './netsuite-journal-rules.ts'
import { refNameOf } from './netsuite-record-store.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'
import type { NetSuiteStock } from './netsuite-stock.ts'
import { quantitiesDone } from './netsuite-transform.ts'

export const RECORD_PATH = '/services/rest/record/v1'

export interface Link {
  readonly rel: string
  readonly href: string
}

/** What rendering needs: the URL prefix for links, the records references point at, the stock. */
export interface ViewContext {
  readonly baseUrl: string
  readonly store: NetSuiteRecordStore
  readonly stock: NetSuiteStock
}

export const recordUrl = (baseUrl: string, type: string, id: string): string =>
  `${baseUrl}${RECORD_PATH}/${type}/${id}`

/** NetSuite prints timestamps to the second, in UTC. */
export const netsuiteTime = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The sublist each record type has in this simulator (`GET /{type}/{id}/{sublist}`). */
export const SUBLISTS: Partial<Record<RecordType, string>> = {
  salesOrder: 'item',
  invoice: 'item',
  itemFulfillment: 'item',
  inventoryItem: 'locations',
  journalEntry: 'line',
}

/** Body fields that reference another record, and the type they point at. */
const REFERENCES: Readonly<Record<string, RecordType>> = {
  entity: 'customer',
  createdFrom: 'salesOrder',
  location: 'location',
  subsidiary: 'subsidiary',
  postingPeriod: 'accountingPeriod',
  currency: 'currency',
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function reference(ctx: ViewContext, type: RecordType, ref: unknown): unknown {
  if (!isObject(ref) || typeof ref.id !== 'string') return ref
  const target = ctx.store.find(type, ref.id)
  const links: Link[] = [{ rel: 'self', href: recordUrl(ctx.baseUrl, type, ref.id) }]
  return target ? { links, id: ref.id, refName: refNameOf(target) } : { links, id: ref.id }
}

/** The lines of a record's sublist, references expanded, as the sublist endpoint shows them. */
function sublistLines(ctx: ViewContext, record: StoredRecord): Record<string, unknown>[] {
  if (record.type === 'inventoryItem') {
    return ctx.stock.levels(record.id, ctx.store.list('location')).map(({ location, level }) => ({
      links: [],
      location: reference(ctx, 'location', { id: location.id }),
      ...level,
    }))
  }
  if (record.type === 'journalEntry') {
    return journalLinesOf(record.fields).map((line) => {
      const out: Record<string, unknown> = { links: [], ...line }
      for (const [field, type] of Object.entries(JOURNAL_LINE_REFERENCES)) {
        if (line[field] !== undefined) out[field] = reference(ctx, type, line[field])
      }
      return out
    })
  }
  const item = record.fields.item
  const items =
    isObject(item) && Array.isArray(item.items) ? (item.items as Record<string, unknown>[]) : []
  const billed =
    record.type === 'salesOrder' ? quantitiesDone(ctx.store, record.id, 'invoice') : null
  const shipped =
    record.type === 'salesOrder' ? quantitiesDone(ctx.store, record.id, 'itemFulfillment') : null
  return items.map((line) => {
    const n = typeof line.line === 'number' ? line.line : 0
    return {
      links: [],
      ...line,
      item: reference(ctx, 'inventoryItem', line.item),
      ...(line.location === undefined
        ? {}
        : { location: reference(ctx, 'location', line.location) }),
      // What NetSuite tracks on each order line as invoices and fulfillments are made from it.
      ...(billed && shipped
        ? { quantityBilled: billed.get(n) ?? 0, quantityFulfilled: shipped.get(n) ?? 0 }
        : {}),
    }
  })
}

/**
 * One record. Sublists come back as a link only, as NetSuite does, unless the caller asks for
 * `expandSubResources=true`: a connector that forgets this reads an order without its lines.
 */
export function renderRecord(
  ctx: ViewContext,
  record: StoredRecord,
  expandSubResources: boolean,
): Record<string, unknown> {
  const self = recordUrl(ctx.baseUrl, record.type, record.id)
  const out: Record<string, unknown> = { links: [{ rel: 'self', href: self }] }
  const sublist = SUBLISTS[record.type]
  for (const [name, value] of Object.entries(record.fields)) {
    const refType = REFERENCES[name]
    if (name === sublist) continue
    out[name] = refType === undefined ? value : reference(ctx, refType, value)
  }
  if (record.type === 'inventoryItem') {
    const levels = ctx.stock.levels(record.id, ctx.store.list('location'))
    out.totalQuantityOnHand = levels.reduce((sum, l) => sum + l.level.quantityOnHand, 0)
  }
  if (sublist !== undefined) {
    const links = [{ rel: 'self', href: `${self}/${sublist}` }]
    out[sublist] = expandSubResources
      ? { links, ...sublistPage(sublistLines(ctx, record)) }
      : { links }
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

/** `GET /{type}/{id}/{sublist}`: the sublist collection the collapsed record links to. */
export function renderSublist(ctx: ViewContext, record: StoredRecord): Record<string, unknown> {
  const self = `${recordUrl(ctx.baseUrl, record.type, record.id)}/${SUBLISTS[record.type] ?? ''}`
  return { links: [{ rel: 'self', href: self }], ...sublistPage(sublistLines(ctx, record)) }
}

/** NetSuite's paging links for a collection at `at(offset)`. */
export function pageLinks(
  at: (offset: number) => string,
  limit: number,
  offset: number,
  total: number,
): Link[] {
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
  return links
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
  return {
    links: pageLinks(at, limit, offset, total),
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
