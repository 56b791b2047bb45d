/** @module connectors/sap/sap-delivery-operations — outbound deliveries for a sales order (API_OUTBOUND_DELIVERY_SRV): found by the hub's reference, created with reference to the order's items, goods issue posted. */
import { HubError } from '../../errors/hub-error.ts'
import type { SapCall, SapClient } from './sap-client.ts'
import { textOf } from './sap-odata-json.ts'
import type { ODataEntity } from './sap-odata-json.ts'
import { alphaOut, eq, odataString, OUTBOUND_DELIVERY_SERVICE } from './sap-odata-path.ts'
import { queryEntities } from './sap-odata-query.ts'
import { readSalesOrderItems } from './sap-sales-order-credit.ts'

/** `OverallGoodsMovementStatus` once goods issue is posted. */
export const GOODS_ISSUED = 'C'

export interface SapDeliveryRef {
  delivery: string
  goodsMovementStatus: string
  etag: string | undefined
}

function deliveryOf(entity: ODataEntity, key?: string): SapDeliveryRef {
  const id = key ?? textOf(entity, 'DeliveryDocument')
  if (id === undefined) {
    throw HubError.retryable('SAP answered for A_OutbDeliveryHeader without DeliveryDocument', {
      code: 'MALFORMED_RESPONSE',
    })
  }
  const meta = entity.__metadata as { etag?: unknown } | undefined
  return {
    delivery: alphaOut(id),
    goodsMovementStatus: textOf(entity, 'OverallGoodsMovementStatus') ?? '',
    etag: typeof meta?.etag === 'string' ? meta.etag : undefined,
  }
}

/**
 * The delivery carrying `reference` in `DeliveryDocumentBySupplier` (the external delivery id, the
 * one free reference on the header), or null. Deliveries have no idempotency key either: this
 * query guards every create and is its in-doubt read.
 */
export async function findDeliveryByReference(
  client: SapClient,
  reference: string,
  signal?: AbortSignal,
): Promise<SapDeliveryRef | null> {
  const [found] = await queryEntities(
    client,
    OUTBOUND_DELIVERY_SERVICE,
    'A_OutbDeliveryHeader',
    {
      filter: eq('DeliveryDocumentBySupplier', reference),
      select: ['DeliveryDocument', 'OverallGoodsMovementStatus'],
      orderby: 'DeliveryDocument',
      limit: 1,
    },
    signal,
  )
  return found === undefined ? null : deliveryOf(found)
}

/**
 * Creates the delivery for every item of the order that is not rejected, each with reference to
 * its order item and no quantity (SAP takes the open quantity): the warehouse ships orders whole.
 */
export async function createDeliveryForSalesOrder(
  client: SapClient,
  salesOrder: string,
  reference: string,
  signal?: AbortSignal,
): Promise<SapDeliveryRef> {
  const { items: all } = await readSalesOrderItems(client, salesOrder, 'deliver', signal)
  const items = all.filter((i) => textOf(i, 'SalesDocumentRjcnReason') === undefined)
  const body = {
    DeliveryDocumentBySupplier: reference,
    to_DeliveryDocumentItem: {
      results: items.map((i) => ({
        ReferenceSDDocument: alphaOut(salesOrder),
        ReferenceSDDocumentItem: textOf(i, 'SalesOrderItem') ?? '',
      })),
    },
  }
  const created = await client.create(
    OUTBOUND_DELIVERY_SERVICE,
    'A_OutbDeliveryHeader',
    'DeliveryDocument',
    body,
    signal,
  )
  return { ...deliveryOf(created.entity, created.key), etag: created.etag }
}

/**
 * The function import `PostGoodsIssue`, under the delivery's ETag. SAP refuses a second posting
 * rather than posting twice, so its outcome is that of an update: an unknown one is settled by
 * reading the delivery's goods movement status.
 */
export async function postGoodsIssue(
  client: SapClient,
  delivery: SapDeliveryRef,
  signal?: AbortSignal,
): Promise<SapDeliveryRef> {
  const call: SapCall = {
    method: 'POST',
    service: OUTBOUND_DELIVERY_SERVICE,
    path: 'PostGoodsIssue',
    operation: 'update',
    query: { DeliveryDocument: odataString(alphaOut(delivery.delivery)) },
    headers: { 'if-match': delivery.etag ?? '*' },
    signal,
  }
  const response = await client.send(call)
  client.expectSuccess(call, response)
  return { ...delivery, goodsMovementStatus: GOODS_ISSUED }
}
