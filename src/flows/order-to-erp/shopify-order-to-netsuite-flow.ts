/** @module flows/order-to-erp/shopify-order-to-netsuite-flow — the first flow, by its original name:
 * the order-to-ERP flow bound to a NetSuite account. Kept so configs and runs that name
 * `shopify-order-to-netsuite` go on working; new configs bind `shopify-order-to-erp` to any ERP.
 */
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import type { FlowDefinition } from '../../engine/flow-definition.ts'
import { createNetSuiteOrderPort } from './netsuite-order-port.ts'
import { createOrderToErpFlow } from './order-to-erp-flow.ts'

export const SHOPIFY_ORDER_TO_NETSUITE = 'shopify-order-to-netsuite'

export interface OrderToNetSuiteDeps {
  netsuite: NetSuiteClient
  /** The governed target: every flow calling this NetSuite account shares its slots. */
  netsuiteTarget: string
  netsuiteSystem?: string
}

export type { OrderToErpOutput as OrderToNetSuiteOutput } from './order-to-erp-flow.ts'

export function createShopifyOrderToNetSuiteFlow(deps: OrderToNetSuiteDeps): FlowDefinition {
  return createOrderToErpFlow({
    name: SHOPIFY_ORDER_TO_NETSUITE,
    erp: createNetSuiteOrderPort({
      client: deps.netsuite,
      target: deps.netsuiteTarget,
      ...(deps.netsuiteSystem === undefined ? {} : { system: deps.netsuiteSystem }),
    }),
  })
}
