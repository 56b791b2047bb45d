/** @module flows/order-to-cash/sap-order-to-cash-port — the order-to-cash ERP port bound to an SAP S/4HANA Cloud system: credit check status, deliveries with goods issue, billing by SOAP request, rejection instead of cancel. */
import type { Order, Shipment } from '../../canonical/index.ts'
import {
  createDeliveryForSalesOrder,
  findDeliveryByReference,
  GOODS_ISSUED,
  postGoodsIssue,
} from '../../connectors/sap/sap-delivery-operations.ts'
import {
  deliveriesOfSalesOrder,
  findBillingDocumentForSalesOrder,
  requestBilling,
} from '../../connectors/sap/sap-billing-operations.ts'
import type { SapClient } from '../../connectors/sap/sap-client.ts'
import {
  SALES_ORDER_REFERENCE_LENGTH,
  sapBusinessKey,
} from '../../connectors/sap/sap-business-key.ts'
import {
  canonicalOrderToSapSalesOrder,
  sapSalesOrderReference,
} from '../../connectors/sap/sap-mapping.ts'
import {
  CREDIT_BLOCKED,
  findSalesOrderState,
  FULLY_REJECTED,
  placeSalesOrderOnce,
  rejectSalesOrderItems,
} from '../../connectors/sap/sap-sales-order-credit.ts'
import type { SapConnectionConfig } from '../../connectors/sap/sap-spec.ts'
import { HubError } from '../../errors/hub-error.ts'
import { createSapOrderPort } from '../order-to-erp/sap-order-port.ts'
import type { ErpOrderToCashPort, ErpPlacement } from './erp-order-to-cash-port.ts'

export interface SapOrderToCashPortOptions {
  client: SapClient
  config: SapConnectionConfig
  /** The reason for rejection items get when the hub takes an order out (customizing, CHAR 2). */
  rejectionReason?: string
  /** How long to look for the billing document after SAP accepted the request; default 10 s. */
  billingWaitMs?: number
  /** How often to look meanwhile; default 200 ms. */
  billingPollMs?: number
}

const delay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })

/**
 * SAP deduplicates none of these writes, so each is guarded by a read of the hub's reference:
 * `PurchaseOrderByCustomer` for the order, `DeliveryDocumentBySupplier` for the delivery, and the
 * billing items' `SalesDocument` for the invoice (SAP itself also refuses to bill a delivery twice).
 *
 * Credit management does not refuse the POST: SAP saves the order with `TotalCreditCheckStatus`
 * B and blocks it for delivery. The port answers that as the ERP refusing the order, and takes
 * the saved order out (every item rejected) before answering, so nothing is left for a credit
 * manager to release into a delivery the hub no longer expects. A blocked order therefore never
 * counts as placed: the in-doubt read ignores it, and the repeat reads the refusal again.
 */
export function createSapOrderToCashPort(options: SapOrderToCashPortOptions): ErpOrderToCashPort {
  const { client, config } = options
  const reason = options.rejectionReason ?? '10'
  const waitMs = options.billingWaitMs ?? 10_000
  const pollMs = options.billingPollMs ?? 200
  const base = createSapOrderPort(client, config)
  const fulfillmentKey = (order: Order, shipment: Shipment): string =>
    sapBusinessKey(
      order.source.system,
      `IF-${order.source.id}-${shipment.fulfillmentOrderId ?? shipment.source.id}`,
      SALES_ORDER_REFERENCE_LENGTH,
    )
  const findInvoice = async (salesOrderId: string, signal: AbortSignal) => {
    const found = await findBillingDocumentForSalesOrder(client, salesOrderId, signal)
    return found === null ? null : { id: found.billingDocument }
  }

  return {
    ...base,
    cashOperations: {
      placeSalesOrder: 'salesOrder.place',
      recordFulfillment: 'outboundDelivery.createAndPostGoodsIssue',
      invoice: 'billingDocument.request',
      cancelSalesOrder: 'salesOrder.reject',
    },

    async findSalesOrder(order, _minimumVersion, signal) {
      const found = await findSalesOrderState(client, sapSalesOrderReference(order), signal)
      return found === null || found.creditCheckStatus === CREDIT_BLOCKED
        ? null
        : { id: found.salesOrder }
    },

    async placeSalesOrder(order, customerId, { signal }): Promise<ErpPlacement> {
      const body = canonicalOrderToSapSalesOrder(order, customerId, config)
      const state = await placeSalesOrderOnce(client, body, signal)
      if (state.creditCheckStatus !== CREDIT_BLOCKED) {
        return { kind: 'placed', id: state.salesOrder }
      }
      await rejectSalesOrderItems(client, state.salesOrder, reason, signal)
      return {
        kind: 'refused',
        code: 'CREDIT_BLOCK',
        reason: `SAP credit management blocked sales order ${state.salesOrder} (TotalCreditCheckStatus B); its items were rejected with reason ${reason}`,
      }
    },

    fulfillmentKey,
    async findFulfillment(order, shipment, signal) {
      const found = await findDeliveryByReference(client, fulfillmentKey(order, shipment), signal)
      // A delivery without goods issue is half done: the repeat posts it.
      return found?.goodsMovementStatus === GOODS_ISSUED ? { id: found.delivery } : null
    },
    async recordFulfillment(order, salesOrderId, shipment, { signal }) {
      const reference = fulfillmentKey(order, shipment)
      const delivery =
        (await findDeliveryByReference(client, reference, signal)) ??
        (await createDeliveryForSalesOrder(client, salesOrderId, reference, signal))
      if (delivery.goodsMovementStatus !== GOODS_ISSUED) {
        await postGoodsIssue(client, delivery, signal)
      }
      return { id: delivery.delivery }
    },

    findInvoice,
    async invoiceOnce(salesOrderId, { signal }) {
      const existing = await findInvoice(salesOrderId, signal)
      if (existing !== null) return existing
      const deliveries = await deliveriesOfSalesOrder(client, salesOrderId, signal)
      if (deliveries.length === 0) {
        throw HubError.validation(`SAP sales order ${salesOrderId} has no delivery to bill`, {
          code: 'NOTHING_TO_BILL',
        })
      }
      await requestBilling(client, deliveries, signal)
      // The request is queued: its billing document (or its error) appears later, so read for it.
      for (let waited = 0; waited < waitMs; waited += pollMs) {
        await delay(pollMs, signal)
        const found = await findInvoice(salesOrderId, signal)
        if (found !== null) return found
      }
      throw HubError.unknownOutcome(
        `SAP accepted the billing request for sales order ${salesOrderId} but no billing document appeared within ${waitMs} ms; see the SOAP message monitor`,
        { code: 'BILLING_PENDING' },
      )
    },

    async findCancelledSalesOrder(order, signal) {
      const found = await findSalesOrderState(client, sapSalesOrderReference(order), signal)
      return found !== null && found.rejectionStatus === FULLY_REJECTED
        ? { id: found.salesOrder }
        : null
    },
    async cancelSalesOrder(_order, salesOrderId, { signal }) {
      await rejectSalesOrderItems(client, salesOrderId, reason, signal)
      return { id: salesOrderId }
    },
  }
}
