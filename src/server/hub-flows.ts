/** @module server/hub-flows — flows bound to connections, and the targets they govern. */
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import { netsuiteConnectorSpec } from '../connectors/netsuite/netsuite-connector-spec.ts'
import { SapClient } from '../connectors/sap/sap-client.ts'
import { sapConnectorSpec } from '../connectors/sap/sap-connector-spec.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { ErpOrderPort } from '../flows/order-to-erp/erp-order-port.ts'
import { createNetSuiteOrderPort } from '../flows/order-to-erp/netsuite-order-port.ts'
import {
  createOrderToErpFlow,
  SHOPIFY_ORDER_TO_ERP,
} from '../flows/order-to-erp/order-to-erp-flow.ts'
import { createSapOrderPort } from '../flows/order-to-erp/sap-order-port.ts'
import { SHOPIFY_ORDER_TO_NETSUITE } from '../flows/order-to-erp/shopify-order-to-netsuite-flow.ts'
import type { ResolvedConnections } from './hub-connections.ts'
import type { ErpSystem } from './hub-config.ts'
import type { ErpOrderToCashPort } from '../flows/order-to-cash/erp-order-to-cash-port.ts'
import { createNetSuiteOrderToCashPort } from '../flows/order-to-cash/netsuite-order-to-cash-port.ts'
import { createSapOrderToCashPort } from '../flows/order-to-cash/sap-order-to-cash-port.ts'
import { orderToCashBindings } from './hub-order-to-cash.ts'
import { fulfilmentSagaFlow } from './hub-fulfilment-saga.ts'
import { governedByConnection, type GovernedTarget } from './hub-governed-target.ts'
import { inventoryFlows } from './hub-inventory.ts'

/** Builds each ERP connection's port once: every flow calling one account shares its client, token and governor. */
function erpPorts(
  connections: ResolvedConnections,
  clock: Clock,
  sharedTokens: SharedTokenStore | undefined,
) {
  const ports = new Map<string, ErpOrderPort>()
  const targets = new Map<string, GovernedTarget>()
  const netsuiteClients = new Map<string, NetSuiteClient>()
  const sapClients = new Map<string, SapClient>()

  const netsuite = (name: string): ErpOrderPort => {
    const config = connections.netsuite.get(name)
    if (config === undefined) throw new Error(`no NetSuite connection named "${name}"`)
    const target = netsuiteConnectorSpec.governance(config).target
    let port = ports.get(target)
    if (port === undefined) {
      const client = new NetSuiteClient(config, {
        clock,
        ...(sharedTokens === undefined ? {} : { sharedTokens }),
      })
      port = createNetSuiteOrderPort({ client, target })
      ports.set(target, port)
      netsuiteClients.set(name, client)
      targets.set(target, {
        key: target,
        role: 'erp',
        concurrencyLimit: async () =>
          (await client.getGovernanceLimits()).effectiveConcurrencyLimit,
        configured: {
          ...(config.concurrencyLimit === undefined
            ? {}
            : { concurrency: config.concurrencyLimit }),
          ...(config.deliveriesPerSecond === undefined
            ? {}
            : { deliveriesPerSecond: config.deliveriesPerSecond }),
        },
      })
    }
    return port
  }

  const sap = (name: string): ErpOrderPort => {
    const config = connections.sap.get(name)
    if (config === undefined) throw new Error(`no SAP connection named "${name}"`)
    const governance = sapConnectorSpec.governance(config)
    let port = ports.get(governance.target)
    if (port === undefined) {
      const client = new SapClient(config, {
        clock,
        ...(sharedTokens === undefined ? {} : { sharedTokens }),
      })
      port = createSapOrderPort(client, config)
      ports.set(governance.target, port)
      sapClients.set(name, client)
      // SAP publishes no account limit to read: the connection's own caps govern it.
      targets.set(governance.target, governedByConnection('erp', governance))
    }
    return port
  }

  /**
   * The order-to-cash port of an ERP connection, on the connection's one client (built with its
   * order port, so both share its token and governor).
   */
  const cashPort = (erp: ErpSystem, name: string): ErpOrderToCashPort => {
    if (erp === 'netsuite') {
      const { target } = netsuite(name)
      const client = netsuiteClients.get(name)
      if (client === undefined) throw new Error(`no NetSuite client for connection "${name}"`)
      return createNetSuiteOrderToCashPort({ client, target })
    }
    sap(name)
    const client = sapClients.get(name)
    const config = connections.sap.get(name)
    if (client === undefined || config === undefined) {
      throw new Error(`no SAP client for connection "${name}"`)
    }
    return createSapOrderToCashPort({ client, config })
  }

  /** The NetSuite connection's one client (built with its order port). */
  const netsuiteClient = (name: string): NetSuiteClient => {
    netsuite(name)
    const client = netsuiteClients.get(name)
    if (client === undefined) throw new Error(`no NetSuite client for connection "${name}"`)
    return client
  }

  return { netsuite, sap, cashPort, netsuiteClient, targets, ports }
}

/** Which delivery operations the business SLIs measure (see store/sli-params.ts). */
export interface SliOperations {
  orderOperations: string[]
  invoiceOperations: string[]
}

/**
 * `sharedTokens`: the store, adapted, so the hub processes sharing it refresh each credential's
 * token one at a time and share the result.
 */
export function buildFlows(
  connections: ResolvedConnections,
  clock: Clock,
  sharedTokens?: SharedTokenStore,
): { flows: FlowDefinition[]; targets: GovernedTarget[]; sli: SliOperations } {
  const ports = erpPorts(connections, clock, sharedTokens)
  const cash = orderToCashBindings(connections, clock)
  const flows = connections.flows.flatMap((binding) => {
    switch (binding.flow) {
      case 'shopify-order-to-netsuite':
        return createOrderToErpFlow({
          name: SHOPIFY_ORDER_TO_NETSUITE,
          erp: ports.netsuite(binding.netsuiteConnection),
        })
      case 'shopify-order-to-erp':
        return createOrderToErpFlow({
          name: binding.name ?? SHOPIFY_ORDER_TO_ERP,
          erp: ports[binding.erp](binding.erpConnection),
        })
      case 'shopify-order-to-cash':
        return cash.flow(binding, ports.cashPort(binding.erp, binding.erpConnection))
      case 'shopify-order-fulfilment-saga':
        return fulfilmentSagaFlow(binding, {
          cash,
          erp: ports.cashPort(binding.erp, binding.erpConnection),
          netsuite: ports.netsuiteClient(binding.erpConnection),
        })
      case 'customer-master':
        // Bound in hub-customer-master.ts: it needs the store and a change-event subscription.
        return []
      case 'financial-postings':
        // Bound in hub-financial-postings.ts: it needs the policies, the store and a schedule.
        return []
      case 'threepl-inventory':
        // Through the ERP's and the shop's governed targets, as the order flows deliver.
        return inventoryFlows(binding, {
          connections,
          netsuite: ports.netsuiteClient(binding.erpConnection),
          netsuiteTarget: ports.netsuite(binding.erpConnection).target,
          shopifyTarget: (name) => cash.shop(name).target,
        })
    }
  })
  // Two bindings of the same flow would be two flows with one name: the first wins.
  const unique = [...new Map(flows.map((f) => [f.name, f])).values()]
  const bound = [...ports.ports.values()]
  const { order, invoice } = cash.operations()
  return {
    flows: unique,
    targets: [...ports.targets.values(), ...cash.targets()],
    sli: {
      orderOperations: [...new Set([...bound.map((p) => p.operations.upsertSalesOrder), ...order])],
      invoiceOperations: invoice,
    },
  }
}
