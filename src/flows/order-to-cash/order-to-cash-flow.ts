/** @module flows/order-to-cash/order-to-cash-flow — a Shopify order carried to cash as one orchestrated saga.
 *
 *   ensure the customer in the ERP → place the sales order (the ERP may refuse: credit hold)
 *   → ask the 3PL to ship it (it may refuse) → wait, without a worker, for the 3PL's event on the
 *   order's key (`fulfillment:<external reference>`): shipped, or backordered
 *   → the shipment in the ERP (item fulfillment) and in Shopify (fulfillment with tracking)
 *   → the ERP invoice, once → the payment settled in Shopify.
 *
 * A refusal or a backorder cancels the order in every system that has it and opens a task for a
 * person (order-to-cash-compensation.ts). Every write is a delivery with its read-before-retry.
 */
import { Shipment, type Order } from '../../canonical/index.ts'
import {
  FULFILLMENT_EVENTS,
  fulfillmentCorrelationKey,
} from '../../connectors/threepl/threepl-fulfillment-signal.ts'
import { threePlExternalReference } from '../../connectors/threepl/threepl-outbound-mapping.ts'
import type { ShopifyPaymentResult } from '../../connectors/shopify/shopify-order-payment-client.ts'
import { defineFlow, type FlowDefinition, type RunContext } from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import { mapShopifyOrder } from '../order-to-erp/shopify-order-map-step.ts'
import { ensureCustomerDelivery } from '../order-to-erp/ensure-customer-delivery.ts'
import type { ErpOrderToCashPort, ErpPlacement } from './erp-order-to-cash-port.ts'
import { cancelEverywhere, type CancelledOutput } from './order-to-cash-compensation.ts'
import type { OrderException } from './order-to-cash-compensation.ts'
import { parseOrderToCashPolicy, type OrderToCashPolicyInput } from './order-to-cash-policy.ts'
import type { OrderToCashPolicy } from './order-to-cash-policy.ts'
import {
  fulfilInShopify,
  settleInShopify,
  type ShopifyBinding,
} from './shopify-order-settlement.ts'
import { readFulfillment, requestFulfillment } from './threepl-fulfillment-request.ts'
import type { ThreePlBinding } from './threepl-fulfillment-request.ts'

export const ORDER_TO_CASH = 'shopify-order-to-cash'

export interface OrderToCashDeps {
  /** Default `shopify-order-to-cash`; one name per ERP binding when a hub runs two. */
  name?: string
  erp: ErpOrderToCashPort
  threepl: ThreePlBinding
  shopify: ShopifyBinding
  policy?: OrderToCashPolicyInput
}

export interface CompletedOutput {
  [key: string]: JsonValue
  outcome: 'completed'
  customerId: string
  salesOrderId: string
  fulfillmentOrderId: string
  itemFulfillmentId: string
  shopifyFulfillmentId: string
  trackingNumber: string
  invoiceId: string
  payment: ShopifyPaymentResult
}

export function createOrderToCashFlow(deps: OrderToCashDeps): FlowDefinition {
  const policy = parseOrderToCashPolicy(deps.policy)
  const { erp, threepl, shopify } = deps
  const compensation = { erp, threepl, shopify, policy }

  return defineFlow({
    name: deps.name ?? ORDER_TO_CASH,
    domain: 'orderLifecycle' satisfies PolicyDomain,
    trigger: { sourceSystem: 'shopify', topics: ['orders/create'] },
    async run(ctx, message): Promise<CompletedOutput | CancelledOutput> {
      const order = await mapShopifyOrder(ctx, message)
      const customer = await ctx.deliver('ensure-customer', ensureCustomerDelivery(erp, order))

      const placed = await ctx.deliver<ErpPlacement>('place-sales-order', {
        target: erp.target,
        operation: erp.cashOperations.placeSalesOrder,
        businessKey: erp.salesOrderKey(order),
        async lookup({ signal }) {
          const found = await erp.findSalesOrder(order, undefined, signal)
          return found === null ? null : { kind: 'placed', id: found.id }
        },
        perform: (call) => erp.placeSalesOrder(order, customer.id, call),
        crossReferences: (result) =>
          result.kind === 'placed'
            ? [
                {
                  entityType: 'order',
                  businessKey: ctx.businessKey,
                  sourceSystem: order.source.system,
                  sourceId: order.source.id,
                  targetSystem: erp.system,
                  targetId: result.id,
                },
              ]
            : [],
      })
      const cancel = (exception: OrderException) =>
        cancelEverywhere(ctx, compensation, order, exception)
      if (placed.kind === 'refused') {
        return cancel({
          cause: 'erp_refused',
          reason: placed.reason,
          salesOrderId: null,
          fulfillmentOrderId: null,
        })
      }
      const salesOrderId = placed.id

      const request = await ctx.deliver('request-fulfillment', requestFulfillment(threepl, order))
      if (request.kind === 'refused') {
        return cancel({
          cause: 'warehouse_refused',
          reason: request.reason,
          salesOrderId,
          fulfillmentOrderId: null,
        })
      }

      const outcome = await awaitShipment(ctx, deps.threepl, policy, order)
      if (outcome.kind !== 'shipped') {
        return cancel({ ...outcome, salesOrderId, fulfillmentOrderId: request.id })
      }
      const shipment = outcome.shipment

      const itemFulfillment = await ctx.deliver('erp-item-fulfillment', {
        target: erp.target,
        operation: erp.cashOperations.recordFulfillment,
        businessKey: erp.fulfillmentKey(order, shipment),
        lookup: ({ signal }) => erp.findFulfillment(order, shipment, signal),
        perform: (call) => erp.recordFulfillment(order, salesOrderId, shipment, call),
      })
      const shopifyFulfillment = await ctx.deliver(
        'shopify-fulfillment',
        fulfilInShopify(shopify, order, shipment),
      )
      // Read before create, in the port and again by the engine when in doubt: one invoice per order.
      const invoice = await ctx.deliver('erp-invoice', {
        target: erp.target,
        operation: erp.cashOperations.invoice,
        businessKey: erp.salesOrderKey(order),
        lookup: ({ signal }) => erp.findInvoice(salesOrderId, signal),
        perform: (call) => erp.invoiceOnce(salesOrderId, call),
      })
      const payment = await ctx.deliver('shopify-payment', settleInShopify(shopify, order))
      return {
        outcome: 'completed',
        customerId: customer.id,
        salesOrderId,
        fulfillmentOrderId: request.id,
        itemFulfillmentId: itemFulfillment.id,
        shopifyFulfillmentId: shopifyFulfillment.id,
        trackingNumber: shopifyFulfillment.trackingNumber,
        invoiceId: invoice.id,
        payment,
      }
    },
  })
}

type ShipmentOutcome =
  | { kind: 'shipped'; shipment: Shipment }
  | { kind: 'exception'; cause: 'backordered' | 'not_shipped_in_time'; reason: string }

/**
 * Waits for the warehouse's word on the order. A backorder ends the wait as an exception, or, with
 * `backorder: wait`, is waited through up to `maxBackorders` times. When the wait times out the
 * order is read once: a shipment whose webhook was lost is still found.
 */
async function awaitShipment(
  ctx: RunContext,
  threepl: ThreePlBinding,
  policy: OrderToCashPolicy,
  order: Order,
): Promise<ShipmentOutcome> {
  const correlationKey = fulfillmentCorrelationKey(threePlExternalReference(order))
  for (let round = 0; ; round++) {
    const event = await ctx.waitForEvent(`await-shipment-${round}`, {
      correlationKey,
      timeoutMs: policy.shipmentTimeoutMs,
    })
    if (event.kind === 'timeout') {
      const state = await ctx.deliver(`read-fulfillment-${round}`, readFulfillment(threepl, order))
      if (state.kind === 'shipped') {
        return { kind: 'shipped', shipment: Shipment.parse(state.shipment) }
      }
      const status = state.kind === 'open' ? state.status : 'not found'
      return {
        kind: 'exception',
        cause: 'not_shipped_in_time',
        reason: `no shipment within ${policy.shipmentTimeoutMs} ms; the warehouse shows the order as ${status}`,
      }
    }
    if (event.name === FULFILLMENT_EVENTS.shipped) {
      return { kind: 'shipped', shipment: Shipment.parse(event.payload) }
    }
    const reason = describeBackorder(event.payload)
    if (policy.backorder === 'cancel' || round + 1 >= policy.maxBackorders) {
      return { kind: 'exception', cause: 'backordered', reason }
    }
  }
}

function describeBackorder(payload: JsonValue): string {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<
    string,
    unknown
  >
  return `fulfillment order ${String(p.fulfillmentOrderId)} backordered (${String(p.reason)})`
}
