/** @module flows/order-to-erp/order-to-erp-flow — a Shopify order becomes a sales order in whichever
 * ERP the flow is bound to, its customer ensured first, both cross-referenced. Written against the
 * canonical Order and the `ErpOrderPort` only: NetSuite or SAP is a matter of configuration.
 * Creations and edits (`orders/create`, `orders/updated`) take the same path: an upsert of the whole
 * order, guarded by the order's `updated_at`, so duplicates and late arrivals never roll it back.
 */
import { defineFlow, type FlowDefinition } from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import type { ErpOrderPort } from './erp-order-port.ts'
import { mapShopifyOrder } from './shopify-order-map-step.ts'
import { ensureCustomerDelivery } from './ensure-customer-delivery.ts'
import { sourceVersionOrdinal } from './source-version.ts'

export const SHOPIFY_ORDER_TO_ERP = 'shopify-order-to-erp'

export interface OrderToErpOptions {
  /** The flow's name; runs, metrics and the flow list show it. */
  name: string
  erp: ErpOrderPort
}

export interface OrderToErpOutput {
  [key: string]: JsonValue
  salesOrderId: string
  customerId: string
}

/**
 * The topic a reconciliation heal of this flow's orders arrives on (order-heal-port.ts): the
 * order as Shopify has it now, sent by the hub itself. No webhook can carry it: the gateway
 * accepts only `resource/event` topics (shopify-webhook-headers.ts).
 */
export const orderHealTopic = (flowName: string): string => `reconciliation/heal/${flowName}`

export function createOrderToErpFlow({ name, erp }: OrderToErpOptions): FlowDefinition {
  return defineFlow({
    name,
    domain: 'orderLifecycle' satisfies PolicyDomain,
    trigger: {
      sourceSystem: 'shopify',
      topics: ['orders/create', 'orders/updated', orderHealTopic(name)],
    },
    async run(ctx, message): Promise<OrderToErpOutput> {
      const order = await mapShopifyOrder(ctx, message)
      const customer = await ctx.deliver('ensure-customer', ensureCustomerDelivery(erp, order))

      const version = sourceVersionOrdinal(order.source.version)
      // A heal rewrites the version the ERP already has (changed or deleted out of band), so the
      // guard lets the equal version through, and its key carries the break's message id: a new
      // effect, once per break. Its in-doubt read cannot tell a repaired order from a drifted one
      // by the version, so it sends the upsert again (by external id, with the same key).
      const heal = message.topic === orderHealTopic(name)
      const keyVersion = heal
        ? `${order.source.version ?? ''}#${message.sourceMessageId}`
        : order.source.version
      const salesOrder = await ctx.deliver('create-sales-order', {
        target: erp.target,
        operation: erp.operations.upsertSalesOrder,
        businessKey: erp.salesOrderKey(order),
        ...(keyVersion === undefined ? {} : { version: keyVersion }),
        ...(version === undefined ? {} : { entityVersion: version }),
        ...(heal ? { reapplyEqualVersion: true } : {}),
        lookup: ({ signal }) =>
          heal ? Promise.resolve(null) : erp.findSalesOrder(order, version, signal),
        perform: (call) => erp.upsertSalesOrder(order, customer.id, call),
        crossReferences: (result) => [
          {
            entityType: 'order',
            businessKey: ctx.businessKey,
            sourceSystem: order.source.system,
            sourceId: order.source.id,
            targetSystem: erp.system,
            targetId: result.id,
          },
        ],
      })
      return { salesOrderId: salesOrder.id, customerId: customer.id }
    },
  })
}
