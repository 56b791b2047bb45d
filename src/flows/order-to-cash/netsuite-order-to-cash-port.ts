/** @module flows/order-to-cash/netsuite-order-to-cash-port — the order-to-cash ERP port bound to a NetSuite account. */
import type { Order, Shipment } from '../../canonical/index.ts'
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import {
  canonicalOrderToNetSuiteSalesOrder,
  netsuiteSalesOrderExternalId,
} from '../../connectors/netsuite/netsuite-mapping.ts'
import { HubError } from '../../errors/hub-error.ts'
import { createNetSuiteOrderPort } from '../order-to-erp/netsuite-order-port.ts'
import type { ErpOrderToCashPort, ErpPlacement } from './erp-order-to-cash-port.ts'

export interface NetSuiteOrderToCashPortOptions {
  client: NetSuiteClient
  /** The governed target, e.g. `netsuite:1234567`. */
  target: string
  system?: string
}

/** NetSuite's salesOrder `orderStatus` ids: pending fulfillment, cancelled. */
export const NETSUITE_ORDER_STATUS = { pendingFulfillment: 'B', cancelled: 'C' } as const

/**
 * With "Customer Credit Limit Handling: Enforce Holds", NetSuite refuses to save an order for a
 * customer on hold with a USER_ERROR naming the hold; other USER_ERRORs (a mandatory field, a bad
 * line) are faults of the request, not answers to the order, and stay errors.
 */
const CREDIT_REFUSAL = /credit hold|credit limit/i

function statusOf(fields: Record<string, unknown>): unknown {
  const status = fields.orderStatus
  return typeof status === 'object' && status !== null
    ? (status as Record<string, unknown>).id
    : undefined
}

/**
 * Placing is the upsert by external id (repeat-safe); the item fulfillment carries an external id
 * per 3PL shipment, so a repeat is refused DUP_RCRD and read back by `eid:`; the invoice is the
 * connector's read-before-transform (`transformToInvoice`), one per sales order.
 */
export function createNetSuiteOrderToCashPort(
  options: NetSuiteOrderToCashPortOptions,
): ErpOrderToCashPort {
  const { client } = options
  const base = createNetSuiteOrderPort(options)
  const fulfillmentKey = (order: Order, shipment: Shipment): string =>
    `${netsuiteSalesOrderExternalId(order).replace('-O-', '-IF-')}-${shipment.fulfillmentOrderId ?? shipment.source.id}`
  return {
    ...base,
    cashOperations: {
      placeSalesOrder: 'salesOrder.place',
      recordFulfillment: 'itemFulfillment.create',
      invoice: 'invoice.create',
      cancelSalesOrder: 'salesOrder.cancel',
    },

    async placeSalesOrder(order, customerId, { idempotencyKey, signal }): Promise<ErpPlacement> {
      const body = {
        ...canonicalOrderToNetSuiteSalesOrder(order, customerId),
        orderStatus: { id: NETSUITE_ORDER_STATUS.pendingFulfillment },
      }
      try {
        const { id } = await client.upsertByExternalId(
          'salesOrder',
          netsuiteSalesOrderExternalId(order),
          body,
          { signal, idempotencyKey },
        )
        return { kind: 'placed', id }
      } catch (error) {
        if (
          HubError.is(error) &&
          error.type === 'validation' &&
          error.code === 'USER_ERROR' &&
          CREDIT_REFUSAL.test(error.message)
        ) {
          return { kind: 'refused', code: 'CREDIT_HOLD', reason: error.message }
        }
        throw error
      }
    },

    fulfillmentKey,
    async findFulfillment(order, shipment, signal) {
      const found = await client.getByExternalId(
        'itemFulfillment',
        fulfillmentKey(order, shipment),
        signal,
      )
      return found === null ? null : { id: found.id }
    },
    recordFulfillment: (order, salesOrderId, shipment, { idempotencyKey, signal }) =>
      // Everything left on the order: the warehouse ships an order whole.
      client.transformToItemFulfillment(salesOrderId, undefined, {
        signal,
        idempotencyKey,
        externalId: fulfillmentKey(order, shipment),
      }),

    async findInvoice(salesOrderId, signal) {
      const [first] = await client.invoicesFromSalesOrder(salesOrderId, signal)
      return first === undefined ? null : { id: first.id }
    },
    async invoiceOnce(salesOrderId, { idempotencyKey, signal }) {
      const { id } = await client.transformToInvoice(salesOrderId, { signal, idempotencyKey })
      return { id }
    },

    async findCancelledSalesOrder(order, signal) {
      const eid = netsuiteSalesOrderExternalId(order)
      const found = await client.getByExternalId('salesOrder', eid, signal)
      return found !== null && statusOf(found.record) === NETSUITE_ORDER_STATUS.cancelled
        ? { id: found.id }
        : null
    },
    cancelSalesOrder: (order, _salesOrderId, { idempotencyKey, signal }) =>
      client.upsertByExternalId(
        'salesOrder',
        netsuiteSalesOrderExternalId(order),
        { orderStatus: { id: NETSUITE_ORDER_STATUS.cancelled } },
        { signal, idempotencyKey },
      ),
  }
}
