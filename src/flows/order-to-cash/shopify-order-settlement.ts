/** @module flows/order-to-cash/shopify-order-settlement — the saga's deliveries back to Shopify: the fulfillment with its tracking number, the payment, the cancellation. */
import type { Order, Shipment } from '../../canonical/index.ts'
import type { ShopifyFulfillmentClient } from '../../connectors/shopify/shopify-fulfillment-client.ts'
import { fulfillmentMatchKey } from '../../connectors/shopify/shopify-fulfillment-client.ts'
import type {
  ShopifyCancelReason,
  ShopifyCancelResult,
  ShopifyOrderPaymentClient,
  ShopifyPaymentResult,
} from '../../connectors/shopify/shopify-order-payment-client.ts'
import type { DeliverySpec } from '../../engine/flow-definition.ts'
import type { JsonValue } from '../../store/store-contract.ts'

export interface ShopifyBinding {
  fulfillments: ShopifyFulfillmentClient
  payments: ShopifyOrderPaymentClient
  /** The governed target, e.g. `shopify:example.myshopify.com`. */
  target: string
}

export interface ShopifyFulfillmentOutput {
  [key: string]: JsonValue
  id: string
  trackingNumber: string
}

/** Records the shipment in Shopify with the carrier's tracking number; a repeat finds it by that number. */
export function fulfilInShopify(
  shopify: ShopifyBinding,
  order: Order,
  shipment: Shipment,
): DeliverySpec<ShopifyFulfillmentOutput> {
  const input = {
    orderId: order.source.id,
    key: shipment.fulfillmentOrderId ?? shipment.source.id,
    trackingNumbers: shipment.trackingNumbers,
    carrier: shipment.carrier,
  }
  const trackingNumber = fulfillmentMatchKey(input)
  return {
    target: shopify.target,
    operation: 'fulfillment.create',
    businessKey: `${order.source.id}:${trackingNumber}`,
    async lookup({ signal }) {
      const found = await shopify.fulfillments.findFulfillment(
        order.source.id,
        trackingNumber,
        signal,
      )
      return found === null ? null : { id: String(found.id), trackingNumber }
    },
    async perform({ signal }) {
      const written = await shopify.fulfillments.ensureFulfillment(input, signal)
      return { id: written.id, trackingNumber }
    },
  }
}

/** Settles the payment once the ERP has invoiced: the authorization captured, or an external payment recorded. */
export function settleInShopify(
  shopify: ShopifyBinding,
  order: Order,
): DeliverySpec<ShopifyPaymentResult> {
  return {
    target: shopify.target,
    operation: 'payment.capture',
    businessKey: order.source.id,
    lookup: ({ signal }) => shopify.payments.findPayment(order.source.id, signal),
    perform: ({ signal }) => shopify.payments.settlePayment(order.source.id, signal),
  }
}

export function cancelInShopify(
  shopify: ShopifyBinding,
  order: Order,
  reason: ShopifyCancelReason,
  notifyCustomer: boolean,
): DeliverySpec<ShopifyCancelResult> {
  return {
    target: shopify.target,
    operation: 'order.cancel',
    businessKey: order.source.id,
    lookup: ({ signal }) => shopify.payments.findCancellation(order.source.id, signal),
    perform: ({ signal }) =>
      shopify.payments.cancelOrder(order.source.id, { reason, notifyCustomer, signal }),
  }
}
