/** @module flows/order-to-erp/order-to-erp-flow — a Shopify order becomes a sales order in whichever
 * ERP the flow is bound to, its customer ensured first, both cross-referenced. Written against the
 * canonical Order and the `ErpOrderPort` only: NetSuite or SAP is a matter of configuration.
 * Creations and edits (`orders/create`, `orders/updated`) take the same path: an upsert of the whole
 * order, guarded by the order's `updated_at`, so duplicates and late arrivals never roll it back.
 */
import { defineFlow, type FlowDefinition } from '../../engine/flow-definition.ts'
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

export function createOrderToErpFlow({ name, erp }: OrderToErpOptions): FlowDefinition {
  return defineFlow({
    name,
    trigger: { sourceSystem: 'shopify', topics: ['orders/create', 'orders/updated'] },
    async run(ctx, message): Promise<OrderToErpOutput> {
      const order = await mapShopifyOrder(ctx, message)
      const customer = await ctx.deliver('ensure-customer', ensureCustomerDelivery(erp, order))

      const version = sourceVersionOrdinal(order.source.version)
      const salesOrder = await ctx.deliver('create-sales-order', {
        target: erp.target,
        operation: erp.operations.upsertSalesOrder,
        businessKey: erp.salesOrderKey(order),
        ...(order.source.version === undefined ? {} : { version: order.source.version }),
        ...(version === undefined ? {} : { entityVersion: version }),
        lookup: ({ signal }) => erp.findSalesOrder(order, version, signal),
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
