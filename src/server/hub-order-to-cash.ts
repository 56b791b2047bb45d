/** @module server/hub-order-to-cash — binds the order-to-cash flow to its configured connections.
 *
 * The 3PL client and its governor are built once per connection, like the ERPs' (hub-flows.ts),
 * so every flow calling one warehouse account shares its limits.
 */
import type { Clock } from '../clock/clock.ts'
import { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'
import { shopifyConnectorSpec } from '../connectors/shopify/shopify-connector-spec.ts'
import { ShopifyFulfillmentClient } from '../connectors/shopify/shopify-fulfillment-client.ts'
import { ShopifyOrderPaymentClient } from '../connectors/shopify/shopify-order-payment-client.ts'
import { ThreePlClient } from '../connectors/threepl/threepl-client.ts'
import { threeplConnectorSpec } from '../connectors/threepl/threepl-connector-spec.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { ErpOrderToCashPort } from '../flows/order-to-cash/erp-order-to-cash-port.ts'
import { createOrderToCashFlow, ORDER_TO_CASH } from '../flows/order-to-cash/order-to-cash-flow.ts'
import type { ShopifyBinding } from '../flows/order-to-cash/shopify-order-settlement.ts'
import type { ThreePlBinding } from '../flows/order-to-cash/threepl-fulfillment-request.ts'
import type { FlowBinding } from './hub-config.ts'
import type { ResolvedConnections } from './hub-connections.ts'
import { governedByConnection, type GovernedTarget } from './hub-governed-target.ts'

type OrderToCashBinding = Extract<FlowBinding, { flow: 'shopify-order-to-cash' }>

export interface OrderToCashBindings {
  flow(binding: OrderToCashBinding, erp: ErpOrderToCashPort): FlowDefinition
  /** The ERP operations that acknowledge an order and create an invoice, for the business SLIs. */
  operations(): { order: string[]; invoice: string[] }
  targets(): GovernedTarget[]
  /** The 3PL connection's one client and target, for every flow that calls the warehouse. */
  warehouse(name: string): ThreePlBinding
  /** The Shopify connection's clients and target. */
  shop(name: string): ShopifyBinding
}

export function orderToCashBindings(
  connections: ResolvedConnections,
  clock: Clock,
): OrderToCashBindings {
  const threepl = new Map<string, ThreePlBinding>()
  const targets = new Map<string, GovernedTarget>()
  const order = new Set<string>()
  const invoice = new Set<string>()

  const warehouse = (name: string): ThreePlBinding => {
    const found = threepl.get(name)
    if (found !== undefined) return found
    const config = connections.threepl.get(name)
    if (config === undefined) throw new Error(`no 3PL connection named "${name}"`)
    const governance = threeplConnectorSpec.governance(config)
    const binding = { client: new ThreePlClient(config, { clock }), target: governance.target }
    threepl.set(name, binding)
    targets.set(governance.target, governedByConnection('wms', governance))
    return binding
  }

  const shop = (name: string) => {
    const config = connections.shopify.get(name)
    if (config === undefined) throw new Error(`no Shopify connection named "${name}"`)
    const admin = new ShopifyAdminClient(config)
    const governance = shopifyConnectorSpec.governance(config)
    targets.set(governance.target, governedByConnection('commerce', governance))
    return {
      fulfillments: new ShopifyFulfillmentClient(admin.rest),
      payments: new ShopifyOrderPaymentClient(admin.rest),
      target: governance.target,
    }
  }

  return {
    flow(binding, erp) {
      order.add(erp.cashOperations.placeSalesOrder)
      invoice.add(erp.cashOperations.invoice)
      return createOrderToCashFlow({
        name: binding.name ?? ORDER_TO_CASH,
        erp,
        threepl: warehouse(binding.threeplConnection),
        shopify: shop(binding.shopifyConnection),
        policy: binding.policy,
      })
    },
    operations: () => ({ order: [...order], invoice: [...invoice] }),
    targets: () => [...targets.values()],
    warehouse,
    shop,
  }
}
