/** @module flows/order-to-erp/shopify-order-map-step — the first step of every Shopify order flow:
 * the webhook's body mapped to the canonical Order, memoized, so a replay after a mapping fix
 * re-maps only if this step failed. */
import { Order } from '../../canonical/index.ts'
import { parseShopifyJson } from '../../connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../connectors/shopify/shopify-mapping.ts'
import type { RunContext } from '../../engine/flow-definition.ts'
import type { InboxMessage, JsonValue } from '../../store/store-contract.ts'

/** Strips `undefined` so the value is plain JSON, as memoized step outputs must be. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue
}

export async function mapShopifyOrder(ctx: RunContext, message: InboxMessage): Promise<Order> {
  return Order.parse(
    await ctx.step('map-order', () =>
      toJson(
        shopifyOrderToCanonical(parseShopifyJson(message.payload), {
          receivedAt: message.receivedAt,
        }),
      ),
    ),
  )
}
