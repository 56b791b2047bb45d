/** @module server/hub-connections — connections from the config, plus the sandbox's `demo` ones. */
import {
  parseNetSuiteConnectionConfig,
  type NetSuiteConnectionConfig,
} from '../connectors/netsuite/netsuite-spec.ts'
import {
  parseShopifyConnectionConfig,
  type ShopifyConnectionConfig,
} from '../connectors/shopify/shopify-spec.ts'
import type { SapConnectionConfig } from '../connectors/sap/sap-spec.ts'
import {
  parseSalesforceConnectionConfig,
  type SalesforceConnectionConfig,
} from '../connectors/salesforce/salesforce-spec.ts'
import type { ThreePlConnectionConfig } from '../connectors/threepl/threepl-spec.ts'
import type { Sandbox } from '../sandbox/sandbox-host.ts'
import {
  netsuiteConnectionFields,
  salesforceConnectionFields,
  shopifyConnectionFields,
} from '../sandbox/sandbox-connections.ts'
import type { HubConfig } from './hub-config.ts'

export const SANDBOX_CONNECTION = 'demo'

export interface ResolvedConnections {
  shopify: Map<string, ShopifyConnectionConfig>
  netsuite: Map<string, NetSuiteConnectionConfig>
  sap: Map<string, SapConnectionConfig>
  threepl: Map<string, ThreePlConnectionConfig>
  salesforce: Map<string, SalesforceConnectionConfig>
  flows: HubConfig['flows']
}

/**
 * With the sandbox running, its simulators become connections named `demo` (unless the config
 * already defines one) and, when no flow is configured, the order flow is bound demo → demo.
 */
export function resolveConnections(
  config: HubConfig,
  sandbox: Sandbox | undefined,
): ResolvedConnections {
  const shopify = new Map(Object.entries(config.connections.shopify))
  const netsuite = new Map(Object.entries(config.connections.netsuite))
  const sap = new Map(Object.entries(config.connections.sap))
  const threepl = new Map(Object.entries(config.connections.threepl))
  const salesforce = new Map(Object.entries(config.connections.salesforce))
  let flows = config.flows
  if (sandbox !== undefined) {
    for (const sim of sandbox.simulators) {
      if (sim.name === 'shopify' && !shopify.has(SANDBOX_CONNECTION)) {
        shopify.set(SANDBOX_CONNECTION, parseShopifyConnectionConfig(shopifyConnectionFields(sim)))
      }
      if (sim.name === 'netsuite' && !netsuite.has(SANDBOX_CONNECTION)) {
        netsuite.set(
          SANDBOX_CONNECTION,
          parseNetSuiteConnectionConfig(netsuiteConnectionFields(sim)),
        )
      }
    }
    if (sandbox.salesforce !== undefined && !salesforce.has(SANDBOX_CONNECTION)) {
      const fields = salesforceConnectionFields(sandbox.salesforce)
      salesforce.set(SANDBOX_CONNECTION, parseSalesforceConnectionConfig(fields))
    }
    if (flows.length === 0) {
      flows = [
        {
          flow: 'shopify-order-to-netsuite',
          shopifyConnection: SANDBOX_CONNECTION,
          netsuiteConnection: SANDBOX_CONNECTION,
        },
      ]
    }
  }
  return { shopify, netsuite, sap, threepl, salesforce, flows }
}
