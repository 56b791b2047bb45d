/** @module connectors/sap/sap-sales-order-credit — what SD decided about a sales order after saving it: credit management's check status, and taking the order out by rejecting its items. */
import { HubError } from '../../errors/hub-error.ts'
import type { SapClient } from './sap-client.ts'
import type { SapSalesOrderBody } from './sap-mapping.ts'
import { expandedOf, textOf } from './sap-odata-json.ts'
import type { ODataEntity } from './sap-odata-json.ts'
import { alphaOut, entityPath, eq, odataString, SALES_ORDER_SERVICE } from './sap-odata-path.ts'
import { queryEntities } from './sap-odata-query.ts'

/** `TotalCreditCheckStatus`: B is a failed check (blocked for delivery until credit releases it). */
export const CREDIT_BLOCKED = 'B'
/** `OverallSDDocumentRejectionSts`: C when every item carries a rejection reason. */
export const FULLY_REJECTED = 'C'

export interface SapSalesOrderState {
  salesOrder: string
  creditCheckStatus: string
  rejectionStatus: string
  /** Whether this call created it (false: it was found by its reference). */
  created: boolean
}

const STATE_FIELDS = ['SalesOrder', 'TotalCreditCheckStatus', 'OverallSDDocumentRejectionSts']

function stateOf(entity: ODataEntity, created: boolean): SapSalesOrderState {
  const id = textOf(entity, 'SalesOrder')
  if (id === undefined) {
    throw HubError.retryable('SAP answered for A_SalesOrder without SalesOrder', {
      code: 'MALFORMED_RESPONSE',
    })
  }
  return {
    salesOrder: alphaOut(id),
    creditCheckStatus: textOf(entity, 'TotalCreditCheckStatus') ?? '',
    rejectionStatus: textOf(entity, 'OverallSDDocumentRejectionSts') ?? '',
    created,
  }
}

/** The order with this `PurchaseOrderByCustomer` and its statuses; the oldest when there are two. */
export async function findSalesOrderState(
  client: SapClient,
  reference: string,
  signal?: AbortSignal,
): Promise<SapSalesOrderState | null> {
  const [found] = await queryEntities(
    client,
    SALES_ORDER_SERVICE,
    'A_SalesOrder',
    {
      filter: eq('PurchaseOrderByCustomer', reference),
      select: STATE_FIELDS,
      orderby: 'SalesOrder',
      limit: 1,
    },
    signal,
  )
  return found === undefined ? null : stateOf(found, false)
}

/**
 * Creates the order unless its reference is taken, and reports credit management's verdict: SAP
 * saves an order that fails the credit check (it does not refuse the POST), so the status on the
 * saved order is the answer.
 */
export async function placeSalesOrderOnce(
  client: SapClient,
  body: SapSalesOrderBody,
  signal?: AbortSignal,
): Promise<SapSalesOrderState> {
  const existing = await findSalesOrderState(client, body.PurchaseOrderByCustomer, signal)
  if (existing !== null) return existing
  const created = await client.create(
    SALES_ORDER_SERVICE,
    'A_SalesOrder',
    'SalesOrder',
    body,
    signal,
  )
  return stateOf({ ...created.entity, SalesOrder: created.key }, true)
}

/**
 * The order with its items' numbers and reasons for rejection, and its ETag: what rejecting the
 * items and delivering them both start from. An order SAP does not have is a validation error
 * naming what the hub meant to do with it (`purpose`).
 */
export async function readSalesOrderItems(
  client: SapClient,
  salesOrder: string,
  purpose: string,
  signal?: AbortSignal,
): Promise<{ etag: string | null; items: ODataEntity[] }> {
  const read = await client.read(
    SALES_ORDER_SERVICE,
    entityPath('A_SalesOrder', salesOrder),
    {
      $expand: 'to_Item',
      $select: 'SalesOrder,to_Item/SalesOrderItem,to_Item/SalesDocumentRjcnReason',
    },
    signal,
  )
  if (read === null) {
    throw HubError.validation(`SAP has no sales order ${salesOrder} to ${purpose}`, {
      code: 'NOT_FOUND',
    })
  }
  return { etag: read.etag ?? null, items: expandedOf(read.entity, 'to_Item') }
}

/**
 * SAP has no cancel for a sales order: each item gets a reason for rejection (PATCH under the
 * order's ETag, which moves with every item saved). Items already rejected are left alone, so a
 * repeat after an unknown outcome finishes the job instead of failing.
 */
export async function rejectSalesOrderItems(
  client: SapClient,
  salesOrder: string,
  reason: string,
  signal?: AbortSignal,
): Promise<{ rejected: number }> {
  const read = await readSalesOrderItems(client, salesOrder, 'reject', signal)
  const items = read.items
  let etag = read.etag ?? '*'
  let rejected = 0
  for (const item of items) {
    if (textOf(item, 'SalesDocumentRjcnReason') !== undefined) continue
    const number = textOf(item, 'SalesOrderItem')
    if (number === undefined) continue
    const path = `A_SalesOrderItem(SalesOrder=${odataString(alphaOut(salesOrder))},SalesOrderItem=${odataString(alphaOut(number))})`
    const updated = await client.update(
      SALES_ORDER_SERVICE,
      path,
      { SalesDocumentRjcnReason: reason },
      etag,
      signal,
    )
    etag = updated.etag ?? '*'
    rejected++
  }
  return { rejected }
}
