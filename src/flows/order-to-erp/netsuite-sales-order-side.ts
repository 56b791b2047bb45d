/** @module flows/order-to-erp/netsuite-sales-order-side — NetSuite's sales orders from Shopify as reconciliation reads them: SuiteQL pages of headers, their lines, customers and items, in the comparison form. */
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import { SUITEQL_MAX_PAGE_SIZE } from '../../connectors/netsuite/netsuite-suiteql.ts'
import type { SuiteQlRow } from '../../connectors/netsuite/netsuite-suiteql.ts'
import { digestOf } from '../../reconciliation/field-hash.ts'
import type { ReconciliationSide, ReconRecord } from '../../reconciliation/reconciliation-port.ts'
import {
  orderComparisonRecord,
  shopifyOrderIdOfKey,
  SHOPIFY_SALES_ORDER_PREFIX,
  type ComparedLine,
} from './order-recon-record.ts'

/** The order flow's sales orders: only those a Shopify order made are the flow's to reconcile. */
const OWNED = `FROM transaction WHERE type = 'SalesOrd' AND externalid LIKE '${SHOPIFY_SALES_ORDER_PREFIX}%'`
const HEADERS = `SELECT id, externalid, entity, otherrefnum, foreigntotal ${OWNED}`

/** SuiteQL answers numbers as strings; an absent value is left out of the row. */
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null
const numeric = (v: unknown): number | null => {
  const s = str(v)
  return s === null || s.trim() === '' || !Number.isFinite(Number(s)) ? null : Number(s)
}

/** `IN (…)` of internal ids, which are digits only (anything else is dropped, never quoted in). */
const idList = (ids: Iterable<string>): string =>
  [...new Set(ids)].filter((id) => /^\d+$/.test(id)).join(', ')

async function all(client: NetSuiteClient, query: string, signal: AbortSignal) {
  return client.suiteqlAll(query, { signal, pageSize: SUITEQL_MAX_PAGE_SIZE })
}

/**
 * A page of headers made whole: their item lines (`transactionline`), and the external ids of
 * their customers and items, one query each, so a page costs four requests however many orders
 * it holds. Items are remembered for the run (a catalogue is small and does not churn).
 */
async function recordsOf(
  client: NetSuiteClient,
  headers: readonly SuiteQlRow[],
  itemIds: Map<string, string | null>,
  signal: AbortSignal,
): Promise<ReconRecord[]> {
  if (headers.length === 0) return []
  const ids = headers.flatMap((h) => str(h.id) ?? [])
  const lines = await all(
    client,
    `SELECT transaction, linesequencenumber, item, quantity, rate FROM transactionline
     WHERE transaction IN (${idList(ids)}) AND mainline = 'F' ORDER BY transaction, linesequencenumber`,
    signal,
  )
  const entities = idList(headers.flatMap((h) => str(h.entity) ?? []))
  const customers = new Map<string, string | null>()
  if (entities !== '') {
    const rows = await all(
      client,
      `SELECT id, externalid FROM customer WHERE id IN (${entities})`,
      signal,
    )
    for (const r of rows) customers.set(str(r.id) ?? '', str(r.externalid))
  }
  const unknownItems = idList(
    lines.flatMap((l) => {
      const id = str(l.item)
      return id === null || itemIds.has(id) ? [] : [id]
    }),
  )
  if (unknownItems !== '') {
    const rows = await all(
      client,
      `SELECT id, externalid FROM item WHERE id IN (${unknownItems})`,
      signal,
    )
    for (const r of rows) itemIds.set(str(r.id) ?? '', str(r.externalid))
  }
  const linesOf = new Map<string, ComparedLine[]>()
  for (const l of lines) {
    const tx = str(l.transaction) ?? ''
    const item = str(l.item)
    const line: ComparedLine = {
      // An item without an external id shows as its internal id, which no SKU equals: a mismatch.
      sku: (item === null ? null : itemIds.get(item)) ?? `#${item ?? '?'}`,
      quantity: numeric(l.quantity) ?? 0,
      rate: numeric(l.rate) ?? 0,
    }
    linesOf.set(tx, [...(linesOf.get(tx) ?? []), line])
  }
  return headers.map((h) => {
    const id = str(h.id) ?? ''
    const entity = str(h.entity)
    const total = numeric(h.foreigntotal)
    return orderComparisonRecord({
      key: str(h.externalid) ?? '',
      customer: entity === null ? null : (customers.get(entity) ?? `#${entity}`),
      orderName: str(h.otherrefnum),
      lines: linesOf.get(id) ?? [],
      totalCents: total === null ? null : Math.round(total * 100),
    })
  })
}

/** NetSuite's `SHOPIFY-O-…` sales orders, paged by SuiteQL (at most 1000 rows a request). */
export function netsuiteSalesOrderSide(client: NetSuiteClient): ReconciliationSide {
  let itemIds = new Map<string, string | null>()
  return {
    system: 'netsuite',
    maxPageSize: SUITEQL_MAX_PAGE_SIZE,
    async count(signal) {
      // Also the start of a compare: items learnt by an earlier run may have changed since.
      itemIds = new Map()
      let n = 0
      for await (const _ of client.suiteql(`SELECT id ${OWNED}`, { signal })) n += 1
      return n
    },
    async *digests(pageSize, signal) {
      let page: SuiteQlRow[] = []
      // Rows arrive in requests of `pageSize`, so each yielded page is exactly one request's rows.
      for await (const row of client.suiteql(`${HEADERS} ORDER BY id`, { signal, pageSize })) {
        page.push(row)
        if (page.length === pageSize) {
          yield (await recordsOf(client, page, itemIds, signal)).map(digestOf)
          page = []
        }
      }
      if (page.length > 0) yield (await recordsOf(client, page, itemIds, signal)).map(digestOf)
    },
    async fetch(keys, signal) {
      // Keys are checked to be `SHOPIFY-O-<digits>` before they go into the query text.
      const wanted = keys.filter((k) => shopifyOrderIdOfKey(k) !== undefined)
      if (wanted.length === 0) return []
      const headers = await all(
        client,
        `${HEADERS} AND externalid IN (${wanted.map((k) => `'${k}'`).join(', ')}) ORDER BY id`,
        signal,
      )
      return recordsOf(client, headers, itemIds, signal)
    },
  }
}
