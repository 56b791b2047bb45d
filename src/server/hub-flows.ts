/** @module server/hub-flows — flows bound to connections, and the targets they govern. */
import type { Clock } from '../clock/clock.ts'
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import { createShopifyOrderToNetSuiteFlow } from '../flows/order-to-erp/shopify-order-to-netsuite-flow.ts'
import type { ResolvedConnections } from './hub-connections.ts'

export interface GovernedTarget {
  key: string
  /** The account's limit as the target reports it, read once at start. */
  concurrencyLimit(): Promise<number | undefined>
  /** The connection's own caps, applied even when the target's limits cannot be read. */
  configured: { concurrency?: number; deliveriesPerSecond?: number }
}

export function buildFlows(
  connections: ResolvedConnections,
  clock: Clock,
): { flows: FlowDefinition[]; targets: GovernedTarget[] } {
  const clients = new Map<string, NetSuiteClient>()
  const targets = new Map<string, GovernedTarget>()
  const netsuiteClient = (name: string): { client: NetSuiteClient; target: string } => {
    const config = connections.netsuite.get(name)
    if (config === undefined) throw new Error(`no NetSuite connection named "${name}"`)
    // One client (and one token) per account: every flow calling it shares the governor.
    const target = `netsuite:${config.accountId}`
    let client = clients.get(target)
    if (client === undefined) {
      const created = new NetSuiteClient(config, { clock })
      client = created
      clients.set(target, created)
      targets.set(target, {
        key: target,
        concurrencyLimit: async () =>
          (await created.getGovernanceLimits()).effectiveConcurrencyLimit,
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
    return { client, target }
  }
  const flows = connections.flows.map((binding) => {
    const { client, target } = netsuiteClient(binding.netsuiteConnection)
    return createShopifyOrderToNetSuiteFlow({ netsuite: client, netsuiteTarget: target })
  })
  // Two bindings of the same flow would be two flows with one name: the first wins.
  const unique = [...new Map(flows.map((f) => [f.name, f])).values()]
  return { flows: unique, targets: [...targets.values()] }
}
