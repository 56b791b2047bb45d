/** @module flows/order-to-cash/order-fulfilment-saga-flow — a Shopify order committed in four systems' steps, or undone by the engine's compensation.
 *
 *   (1) ERP sales order          undo: cancel it
 *   (2) 3PL fulfillment request  undo: cancel it
 *   (3) ERP invoice, dated the order's day  undo: a credit memo applied to it, same date
 *   (4) Shopify payment capture  (the last step: nothing after it can fail)
 *
 * Each step that a vendor refuses for a business reason fails for good: the ERP's credit hold,
 * the warehouse's unknown SKU, an invoice dated into a closed period, an order whose payment was
 * voided. The engine then runs the undos of the completed steps newest first (saga-compensation)
 * and the run ends `compensated`. A refused first step has nothing to undo, so the flow gives up
 * with `ctx.compensate` and the run ends compensated too, not as a dead letter: dead letters are
 * left for what a person must look at, an undo the engine could not make.
 *
 * Unlike order to cash (which waits for the shipment and cancels by hand-written steps), this
 * saga does not wait on the warehouse: the request is undone while it can still be cancelled.
 */
import type { Order } from '../../canonical/index.ts'
import type { ShopifyPaymentResult } from '../../connectors/shopify/shopify-order-payment-client.ts'
import {
  defineFlow,
  type CompensationSpec,
  type DeliverySpec,
  type FlowDefinition,
} from '../../engine/flow-definition.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import { ensureCustomerDelivery } from '../order-to-erp/ensure-customer-delivery.ts'
import type { ErpRecordRef } from '../order-to-erp/erp-order-port.ts'
import { mapShopifyOrder } from '../order-to-erp/shopify-order-map-step.ts'
import type { ErpInvoiceCreditPort } from './erp-invoice-credit-port.ts'
import type { ErpOrderToCashPort } from './erp-order-to-cash-port.ts'
import { settleInShopify, type ShopifyBinding } from './shopify-order-settlement.ts'
import {
  cancelFulfillment,
  requestFulfillment,
  type ThreePlBinding,
} from './threepl-fulfillment-request.ts'

export const ORDER_FULFILMENT_SAGA = 'shopify-order-fulfilment-saga'

/** The engine's step names of the four saga steps, in order (also what the saga log shows). */
export const SAGA_STEPS = [
  'place-sales-order',
  'request-fulfillment',
  'erp-invoice',
  'shopify-payment',
] as const

/** The code a refused sales order is thrown with; the ERP's own (e.g. CREDIT_HOLD) is in the message. */
const CREDIT_REFUSED = 'ERP_REFUSED'

export interface FulfilmentSagaDeps {
  /** Default `shopify-order-fulfilment-saga`. */
  name?: string
  erp: ErpOrderToCashPort
  billing: ErpInvoiceCreditPort
  threepl: ThreePlBinding
  shopify: ShopifyBinding
}

export interface FulfilmentSagaOutput {
  [key: string]: JsonValue
  outcome: 'committed'
  customerId: string
  salesOrderId: string
  fulfillmentOrderId: string
  invoiceId: string
  payment: ShopifyPaymentResult
}

interface AcceptedRequest {
  [key: string]: JsonValue
  id: string
  status: string
}

export function createOrderFulfilmentSagaFlow(deps: FulfilmentSagaDeps): FlowDefinition {
  const { erp, billing, threepl, shopify } = deps

  return defineFlow({
    name: deps.name ?? ORDER_FULFILMENT_SAGA,
    domain: 'orderLifecycle' satisfies PolicyDomain,
    trigger: { sourceSystem: 'shopify', topics: ['orders/create'] },
    async run(ctx, message): Promise<FulfilmentSagaOutput> {
      const order = await mapShopifyOrder(ctx, message)
      // Master data, not a step of the saga: a customer is shared by orders and is never undone.
      const customer = await ctx.deliver('ensure-customer', ensureCustomerDelivery(erp, order))

      const salesOrder = await ctx
        .deliver(SAGA_STEPS[0], salesOrderStep(erp, order, customer.id))
        .catch((error: unknown) => {
          if (!(HubError.is(error) && error.code === CREDIT_REFUSED)) throw error
          return ctx.compensate(`step ${SAGA_STEPS[0]} refused: ${error.message}`)
        })

      const request = await ctx.deliver(SAGA_STEPS[1], fulfillmentStep(threepl, order))

      // The order's own day (in the shop's time zone): revenue falls in the period of the sale,
      // and a credit dated the same reverses it there.
      const day = order.placedAt.slice(0, 10)
      const invoice = await ctx.deliver(SAGA_STEPS[2], {
        target: billing.target,
        operation: billing.operations.invoice,
        businessKey: erp.salesOrderKey(order),
        lookup: ({ signal }) => billing.findInvoice(salesOrder.id, signal),
        perform: (call) => billing.invoiceDated(salesOrder.id, day, call),
        compensate: (billed): CompensationSpec<ErpRecordRef> => ({
          target: billing.target,
          operation: billing.operations.creditInvoice,
          businessKey: `${erp.salesOrderKey(order)}:invoice:${billed.id}`,
          lookup: ({ signal }) => billing.findCredit(billed.id, signal),
          perform: (call) => billing.creditInvoice(billed.id, day, call),
        }),
      })

      const payment = await ctx.deliver(SAGA_STEPS[3], settleInShopify(shopify, order))
      return {
        outcome: 'committed',
        customerId: customer.id,
        salesOrderId: salesOrder.id,
        fulfillmentOrderId: request.id,
        invoiceId: invoice.id,
        payment,
      }
    },
  })
}

/** Step 1: the sales order, its refusal thrown (nothing to memoize: the run ends at once). */
function salesOrderStep(
  erp: ErpOrderToCashPort,
  order: Order,
  customerId: string,
): DeliverySpec<ErpRecordRef> {
  return {
    target: erp.target,
    operation: erp.cashOperations.placeSalesOrder,
    businessKey: erp.salesOrderKey(order),
    lookup: ({ signal }) => erp.findSalesOrder(order, undefined, signal),
    async perform(call) {
      const placed = await erp.placeSalesOrder(order, customerId, call)
      if (placed.kind === 'placed') return { id: placed.id }
      throw HubError.validation(
        `${erp.system} refused the sales order (${placed.code}): ${placed.reason}`,
        {
          code: CREDIT_REFUSED,
        },
      )
    },
    compensate: (placed) => ({
      target: erp.target,
      operation: erp.cashOperations.cancelSalesOrder,
      businessKey: erp.salesOrderKey(order),
      lookup: ({ signal }) => erp.findCancelledSalesOrder(order, signal),
      perform: (call) => erp.cancelSalesOrder(order, placed.id, call),
    }),
  }
}

/** Step 2: the warehouse's refusal (a SKU it does not stock) fails the run for good. */
function fulfillmentStep(threepl: ThreePlBinding, order: Order): DeliverySpec<AcceptedRequest> {
  const base = requestFulfillment(threepl, order)
  return {
    target: base.target,
    operation: base.operation,
    businessKey: base.businessKey,
    async lookup(call) {
      const found = await base.lookup(call)
      return found?.kind === 'accepted' ? { id: found.id, status: found.status } : null
    },
    async perform(call) {
      const answer = await base.perform(call)
      if (answer.kind === 'accepted') return { id: answer.id, status: answer.status }
      throw HubError.validation(`the warehouse refused the fulfillment request: ${answer.reason}`, {
        code: answer.code,
      })
    },
    // A request the warehouse shipped meanwhile cannot be cancelled (409): that undo fails for
    // good and the run is dead-lettered for a person, since the goods are gone.
    compensate: (accepted) =>
      cancelFulfillment(threepl, order, accepted.id, 'order saga compensated: a later step failed'),
  }
}
