/** @module server/hub-inventory — binds the inventory process (docs/processes.md §3) from config: the 3PL's level events to NetSuite and Shopify, and the reconciliation the inventory policy schedules.
 *
 * The flows deliver through the connections' governed clients (built in hub-flows.ts); the
 * reconciliation reads with its own clients, outside the delivery governors, as the order
 * reconciliation does, and repairs through the heal flows.
 */
import type { Clock } from '../clock/clock.ts'
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import { netsuiteConnectorSpec } from '../connectors/netsuite/netsuite-connector-spec.ts'
import { NetSuiteInventoryClient } from '../connectors/netsuite/netsuite-inventory-client.ts'
import { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'
import { shopifyConnectorSpec } from '../connectors/shopify/shopify-connector-spec.ts'
import { ShopifyGraphqlClient } from '../connectors/shopify/shopify-graphql-client.ts'
import { ShopifyInventoryClient } from '../connectors/shopify/shopify-inventory-client.ts'
import { ThreePlClient } from '../connectors/threepl/threepl-client.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import {
  createInventoryHealFlow,
  createInventoryLevelFlow,
} from '../flows/inventory/inventory-level-flow.ts'
import {
  INVENTORY_DOMAIN,
  inventoryReconciliationLegs,
} from '../flows/inventory/inventory-reconciliation-job.ts'
import type { InventoryTargetPort } from '../flows/inventory/inventory-target-port.ts'
import { createNetSuiteStockTarget } from '../flows/inventory/netsuite-stock-target.ts'
import { createShopifyStockTarget } from '../flows/inventory/shopify-stock-target.ts'
import type { ToleranceRule } from '../reconciliation/tolerance-rules.ts'
import type { ResolvedConnections } from './hub-connections.ts'
import { THREEPL_INVENTORY, type InventoryFlowBinding } from './hub-inventory-config.ts'
import type { ReconciliationJob, ReconciliationJobContext } from './hub-reconciliation.ts'

interface StockClients {
  netsuite: NetSuiteClient
  netsuiteTarget: string
  /** Absent when no warehouse is mirrored in Shopify. */
  shopify?: { admin: ShopifyAdminClient; target: string }
}

/** NetSuite first, then Shopify: the order the reconciliation compares them in. */
function stockTargets(binding: InventoryFlowBinding, clients: StockClients): InventoryTargetPort[] {
  const targets = [
    createNetSuiteStockTarget({
      client: new NetSuiteInventoryClient(clients.netsuite),
      target: clients.netsuiteTarget,
      warehouses: binding.warehouses,
    }),
  ]
  if (clients.shopify !== undefined) {
    const graphql = new ShopifyGraphqlClient(clients.shopify.admin.rest)
    targets.push(
      createShopifyStockTarget({
        inventory: new ShopifyInventoryClient(clients.shopify.admin.rest, graphql),
        graphql,
        target: clients.shopify.target,
        warehouses: binding.warehouses,
      }),
    )
  }
  // A target no warehouse maps to would only be asked to skip every event.
  return targets.filter((t) => Object.keys(binding.warehouses).some((w) => t.handles(w)))
}

const shopifyAdmin = (
  connections: ResolvedConnections,
  binding: InventoryFlowBinding,
  clock: Clock | undefined,
): ShopifyAdminClient | undefined => {
  if (binding.shopifyConnection === undefined) return undefined
  const config = connections.shopify.get(binding.shopifyConnection)
  if (config === undefined) {
    throw new Error(`no Shopify connection named "${binding.shopifyConnection}"`)
  }
  return new ShopifyAdminClient(config, clock === undefined ? {} : { clock })
}

/**
 * `inventory-to-<system>` and `inventory-heal-<system>` per target. `netsuite` is the ERP
 * connection's governed client; `shopifyTarget` registers the shop as a governed target.
 */
export function inventoryFlows(
  binding: InventoryFlowBinding,
  parts: {
    connections: ResolvedConnections
    netsuite: NetSuiteClient
    netsuiteTarget: string
    shopifyTarget: (connection: string) => string
  },
): FlowDefinition[] {
  const admin = shopifyAdmin(parts.connections, binding, undefined)
  const targets = stockTargets(binding, {
    netsuite: parts.netsuite,
    netsuiteTarget: parts.netsuiteTarget,
    ...(admin === undefined || binding.shopifyConnection === undefined
      ? {}
      : { shopify: { admin, target: parts.shopifyTarget(binding.shopifyConnection) } }),
  })
  return targets.flatMap((t) => [createInventoryLevelFlow(t), createInventoryHealFlow(t)])
}

/** The policy's `{units, percent}` as the compare's rule on the one field it reads. */
export function inventoryTolerance(tolerance: { units: number; percent: number }): ToleranceRule[] {
  return [{ field: 'onHand', absolute: tolerance.units, relative: tolerance.percent / 100 }]
}

/**
 * The inventory domain's job: the 3PL's on hand (golden) against each mirror, on
 * `policies.inventory.reconciliation.everyMs` and on request. Undefined without a
 * `threepl-inventory` binding.
 */
export function inventoryReconciliationJob(
  parts: ReconciliationJobContext,
): ReconciliationJob | undefined {
  const { config, connections, clock } = parts
  const binding = config.flows.find((f): f is InventoryFlowBinding => f.flow === THREEPL_INVENTORY)
  if (binding === undefined) return undefined
  const warehouse = connections.threepl.get(binding.threeplConnection)
  const account = connections.netsuite.get(binding.erpConnection)
  if (warehouse === undefined || account === undefined) return undefined
  const threepl = new ThreePlClient(warehouse, { clock })
  // Its own client (reads only, so outside the delivery governor), sharing the account's token.
  const netsuite = new NetSuiteClient(account, {
    clock,
    ...(parts.sharedTokens === undefined ? {} : { sharedTokens: parts.sharedTokens }),
  })
  const admin = shopifyAdmin(connections, binding, clock)
  const shop =
    binding.shopifyConnection === undefined
      ? undefined
      : connections.shopify.get(binding.shopifyConnection)
  const targets = stockTargets(binding, {
    netsuite,
    netsuiteTarget: netsuiteConnectorSpec.governance(account).target,
    ...(admin === undefined || shop === undefined
      ? {}
      : { shopify: { admin, target: shopifyConnectorSpec.governance(shop).target } }),
  })
  const policy = config.policies.inventory.reconciliation
  const syncConfig = {
    warehouses: binding.warehouses,
    tolerance: inventoryTolerance(policy.tolerance),
    policy: binding.policy,
    pageSize: binding.pageSize,
  }
  return {
    domain: INVENTORY_DOMAIN,
    legs: () =>
      inventoryReconciliationLegs({ engine: parts.engine, threepl, targets, config: syncConfig }),
    tolerance: syncConfig.tolerance,
    policy: binding.policy,
    everyMs: policy.everyMs,
    pageSize: binding.pageSize,
  }
}
