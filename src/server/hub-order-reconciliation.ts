/** @module server/hub-order-reconciliation — the order domain's reconciliation job, as the hub binds it from its order flow's connections (run by hub-reconciliation.ts). */
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'
import { netsuiteSalesOrderSide } from '../flows/order-to-erp/netsuite-sales-order-side.ts'
import { orderHealPort } from '../flows/order-to-erp/order-heal-port.ts'
import { ORDER_DOMAIN } from '../flows/order-to-erp/order-recon-record.ts'
import { SHOPIFY_ORDER_TO_ERP } from '../flows/order-to-erp/order-to-erp-flow.ts'
import { shopifyOrderSide } from '../flows/order-to-erp/shopify-order-side.ts'
import { SHOPIFY_ORDER_TO_NETSUITE } from '../flows/order-to-erp/shopify-order-to-netsuite-flow.ts'
import type { ReconciliationJob, ReconciliationJobContext } from './hub-reconciliation.ts'

/**
 * The order domain's job: Shopify's orders (golden for the lines, customer and name the order flow
 * writes) against the sales orders of the NetSuite account the order flow is bound to. Undefined
 * when no order flow goes to NetSuite (SAP has no order compare yet: its sales orders carry no
 * field the order flow could be matched by in bulk).
 */
export function orderReconciliationJob(
  parts: ReconciliationJobContext,
): ReconciliationJob | undefined {
  const { config, connections } = parts
  for (const binding of config.flows) {
    const bound =
      binding.flow === 'shopify-order-to-netsuite'
        ? {
            flowName: SHOPIFY_ORDER_TO_NETSUITE,
            shop: binding.shopifyConnection,
            netsuite: binding.netsuiteConnection,
          }
        : binding.flow === 'shopify-order-to-erp' && binding.erp === 'netsuite'
          ? {
              flowName: binding.name ?? SHOPIFY_ORDER_TO_ERP,
              shop: binding.shopifyConnection,
              netsuite: binding.erpConnection,
            }
          : undefined
    if (bound === undefined) continue
    const shop = connections.shopify.get(bound.shop)
    const account = connections.netsuite.get(bound.netsuite)
    if (shop === undefined || account === undefined) continue
    const shopify = new ShopifyAdminClient(shop, { clock: parts.clock })
    // Its own client (reads only, so outside the delivery governor), sharing the account's token.
    const netsuite = new NetSuiteClient(account, {
      clock: parts.clock,
      ...(parts.sharedTokens === undefined ? {} : { sharedTokens: parts.sharedTokens }),
    })
    const policy = config.policies.orderLifecycle.reconciliation
    const heal = orderHealPort({
      engine: parts.engine,
      shopify,
      connection: bound.shop,
      flowName: bound.flowName,
    })
    return {
      domain: ORDER_DOMAIN,
      legs: () => [
        { source: shopifyOrderSide(shopify), target: netsuiteSalesOrderSide(netsuite), heal },
      ],
      policy: {
        autoHeal: ['missing_in_target', 'field_mismatch'],
        maxAutoHealDiff: null,
        assignee: policy.assignee,
      },
      everyMs: policy.everyMs,
    }
  }
  return undefined
}
