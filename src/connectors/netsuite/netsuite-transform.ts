/** @module connectors/netsuite/netsuite-transform — sales order → invoice and invoice → credit memo (each guarded to happen once) and sales order → item fulfillment, through NetSuite's non-idempotent `!transform`. */
import { HubError } from '../../errors/hub-error.ts'
import type { NetSuiteHttp } from './netsuite-http.ts'
import type { NetSuiteRef } from './netsuite-mapping.ts'
import { RECORD_PATH } from './netsuite-record-path.ts'
import { suiteqlRows } from './netsuite-suiteql.ts'

export interface NetSuiteTransformOptions {
  signal?: AbortSignal
  /**
   * Sent as `X-NetSuite-Idempotency-Key`. Default for invoices: one key per sales order, so a
   * repeat after a lost answer is the same request to an account that honours keys.
   */
  idempotencyKey?: string
  /**
   * The new record's external id. NetSuite refuses a second record with it (DUP_RCRD), which
   * makes a keyed transform (an item fulfillment per 3PL shipment) safe to repeat, and lets the
   * in-doubt read find it by `eid:`.
   */
  externalId?: string
  /** The transaction date, `YYYY-MM-DD`; NetSuite's default is today. It picks the posting period. */
  tranDate?: string
}

export interface NetSuiteFulfillmentLine {
  /** The sales order's line number (`line` on the order). */
  orderLine: number
  quantity: number
  location?: NetSuiteRef
}

export interface NetSuiteInvoiceRef {
  id: string
  tranId: string | undefined
}

/** Transaction internal ids go into a URL and a query: digits only. */
function orderId(salesOrderId: string): string {
  if (/^\d{1,18}$/.test(salesOrderId)) return salesOrderId
  throw HubError.validation(
    `a NetSuite transaction internal id is digits only, got ${JSON.stringify(salesOrderId.slice(0, 40))}`,
    { code: 'INVALID_ID' },
  )
}

/** The invoices transformed from this sales order, oldest first (the in-doubt read). */
export function invoicesFromSalesOrder(
  http: NetSuiteHttp,
  salesOrderId: string,
  signal?: AbortSignal,
): Promise<NetSuiteInvoiceRef[]> {
  return transactionsCreatedFrom(http, 'CustInvc', orderId(salesOrderId), signal)
}

/** The credit memos transformed from this invoice, oldest first (the in-doubt read). */
export function creditMemosFromInvoice(
  http: NetSuiteHttp,
  invoiceId: string,
  signal?: AbortSignal,
): Promise<NetSuiteInvoiceRef[]> {
  return transactionsCreatedFrom(http, 'CustCred', orderId(invoiceId), signal)
}

async function transactionsCreatedFrom(
  http: NetSuiteHttp,
  typeCode: 'CustInvc' | 'CustCred',
  id: string,
  signal: AbortSignal | undefined,
): Promise<NetSuiteInvoiceRef[]> {
  const found: NetSuiteInvoiceRef[] = []
  const query = `SELECT id, tranid FROM transaction WHERE type = '${typeCode}' AND createdfrom = ${id} ORDER BY id`
  for await (const row of suiteqlRows(http, query, signal === undefined ? {} : { signal })) {
    if (typeof row.id !== 'string' || !/^\d+$/.test(row.id)) continue
    found.push({ id: row.id, tranId: typeof row.tranid === 'string' ? row.tranid : undefined })
  }
  return found
}

/**
 * Invoices the whole sales order, once. A transform is not idempotent in NetSuite (a second one
 * bills whatever is left, a second invoice), so this first looks for an invoice already created
 * from the order and returns it (`created: false`); only when there is none does it transform,
 * with an idempotency key. After an unknown outcome, calling it again is the safe retry.
 */
export async function transformToInvoice(
  http: NetSuiteHttp,
  salesOrderId: string,
  options: NetSuiteTransformOptions = {},
): Promise<{ id: string; created: boolean }> {
  return guardedTransform(http, {
    from: 'salesOrder',
    fromId: orderId(salesOrderId),
    to: 'invoice',
    existing: (id) => invoicesFromSalesOrder(http, id, options.signal),
    options,
  })
}

/**
 * Takes the invoice back with one credit memo, applied to it: NetSuite's way to cancel a bill
 * (REST has no void). Guarded like `transformToInvoice`, since each transform makes a new memo:
 * a memo already created from the invoice is returned instead (`created: false`).
 */
export async function transformToCreditMemo(
  http: NetSuiteHttp,
  invoiceId: string,
  options: NetSuiteTransformOptions = {},
): Promise<{ id: string; created: boolean }> {
  return guardedTransform(http, {
    from: 'invoice',
    fromId: orderId(invoiceId),
    to: 'creditMemo',
    existing: (id) => creditMemosFromInvoice(http, id, options.signal),
    options,
  })
}

/**
 * Ships from the sales order: the given lines only (`replace=item`), or everything not yet
 * shipped when `lines` is omitted. Partial shipments are normal, so nothing guards a second call:
 * the caller keys each shipment (e.g. by the 3PL's shipment id) and reads before repeating.
 */
export async function transformToItemFulfillment(
  http: NetSuiteHttp,
  salesOrderId: string,
  lines: readonly NetSuiteFulfillmentLine[] | undefined,
  options: NetSuiteTransformOptions = {},
): Promise<{ id: string }> {
  const id = orderId(salesOrderId)
  const query = lines === undefined ? '' : '?replace=item'
  const path = `${RECORD_PATH}/salesOrder/${id}/!transform/itemFulfillment${query}`
  const response = await http.send({
    method: 'POST',
    path,
    operation: 'write',
    body: {
      ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
      ...(lines === undefined ? {} : { item: { items: lines } }),
    },
    signal: options.signal,
    idempotencyKey: options.idempotencyKey,
  })
  return { id: http.idFromLocation(response, 'itemFulfillment', 'write', `POST ${path}`) }
}

/**
 * One transform of `from` into `to`, made once: what an earlier call (or its unknown outcome)
 * already made from the record is returned instead of a second one.
 */
async function guardedTransform(
  http: NetSuiteHttp,
  spec: {
    from: string
    fromId: string
    to: string
    existing: (fromId: string) => Promise<ReadonlyArray<{ id: string }>>
    options: NetSuiteTransformOptions
  },
): Promise<{ id: string; created: boolean }> {
  const { from, fromId, to, options } = spec
  const [existing] = await spec.existing(fromId)
  if (existing !== undefined) return { id: existing.id, created: false }
  const path = `${RECORD_PATH}/${from}/${fromId}/!transform/${to}`
  const response = await http.send({
    method: 'POST',
    path,
    operation: 'write',
    body: options.tranDate === undefined ? {} : { tranDate: options.tranDate },
    signal: options.signal,
    idempotencyKey: options.idempotencyKey ?? `syncline-${to}-${from}-${fromId}`,
  })
  return { id: http.idFromLocation(response, to, 'write', `POST ${path}`), created: true }
}
