/** @module sandbox/sandbox-host — starts the Shopify and NetSuite simulators, each on its own loopback port, and tells the hub how to reach them. */

import { createNetSuiteSimulator } from './netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator, NetSuiteSimulatorOptions } from './netsuite/netsuite-simulator.ts'
import { createSalesforceSimulator } from './salesforce/salesforce-simulator.ts'
import type {
  SalesforceSimulator,
  SalesforceSimulatorOptions,
} from './salesforce/salesforce-simulator.ts'
import { createSapSimulator } from './sap/sap-simulator.ts'
import type { SapSimulator, SapSimulatorOptions } from './sap/sap-simulator.ts'
import { createShopifySimulator } from './shopify/shopify-simulator.ts'
import type { ShopifySimulator, ShopifySimulatorOptions } from './shopify/shopify-simulator.ts'
import { createThreePlSimulator } from './threepl/threepl-simulator.ts'
import type { ThreePlSimulator, ThreePlSimulatorOptions } from './threepl/threepl-simulator.ts'

export interface SandboxOptions {
  /** Default interface for both simulators (each may override); default 127.0.0.1. */
  readonly host?: string
  /** Fault and data seed for both, unless a simulator's own options give one. */
  readonly seed?: number
  readonly now?: () => number
  readonly shopify?: ShopifySimulatorOptions
  readonly netsuite?: NetSuiteSimulatorOptions
  /** Starts the SAP S/4HANA simulator too; opt-in, and not in `simulators` until the hub has an SAP connector. */
  readonly sap?: SapSimulatorOptions
  /** Starts the 3PL (warehouse) simulator too; opt-in, and not in `simulators` until the hub has a 3PL connector. */
  readonly threepl?: ThreePlSimulatorOptions
  /** Starts the Salesforce simulator too; opt-in, and not in `simulators` until the hub has a Salesforce connector. */
  readonly salesforce?: SalesforceSimulatorOptions
}

/** What the hub needs to talk to the simulated Shopify shop. */
export interface ShopifyEndpoint {
  readonly name: 'shopify'
  readonly baseUrl: string
  readonly scenarioUrl: string
  readonly shopDomain: string
  readonly apiVersion: string
  readonly accessToken: string
  /** The secret at start; after a rotation read `sandbox.shopify.webhookSecret`. */
  readonly webhookSecret: string
}

/** What the hub needs to talk to the simulated NetSuite account. */
export interface NetSuiteEndpoint {
  readonly name: 'netsuite'
  readonly baseUrl: string
  readonly scenarioUrl: string
  readonly accountId: string
  readonly clientId: string
  readonly clientSecret: string
}

export type SimulatorEndpoint = ShopifyEndpoint | NetSuiteEndpoint

export interface Sandbox {
  readonly simulators: readonly SimulatorEndpoint[]
  readonly shopify: ShopifySimulator
  readonly netsuite: NetSuiteSimulator
  /** Present when `options.sap` was given. */
  readonly sap?: SapSimulator
  /** Present when `options.threepl` was given. */
  readonly threepl?: ThreePlSimulator
  /** Present when `options.salesforce` was given. */
  readonly salesforce?: SalesforceSimulator
  /** Stops both; safe to call more than once. */
  stop(): Promise<void>
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1'
  const shared = {
    host,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.now === undefined ? {} : { now: options.now }),
  }
  const shopify = createShopifySimulator({ ...shared, ...options.shopify })
  const netsuite = createNetSuiteSimulator({ ...shared, ...options.netsuite })
  const sap = options.sap && createSapSimulator({ ...shared, ...options.sap })
  const threepl = options.threepl && createThreePlSimulator({ ...shared, ...options.threepl })
  const salesforce =
    options.salesforce && createSalesforceSimulator({ ...shared, ...options.salesforce })
  const stop = async (): Promise<void> => {
    await Promise.all([
      shopify.stop(),
      netsuite.stop(),
      sap?.stop(),
      threepl?.stop(),
      salesforce?.stop(),
    ])
  }
  try {
    await Promise.all([
      shopify.start(),
      netsuite.start(),
      sap?.start(),
      threepl?.start(),
      salesforce?.start(),
    ])
  } catch (error) {
    // One port may have been taken: release the other before reporting.
    await stop()
    throw error
  }
  return {
    simulators: [
      {
        name: 'shopify',
        baseUrl: shopify.baseUrl,
        scenarioUrl: shopify.scenarioUrl,
        shopDomain: shopify.shopDomain,
        apiVersion: shopify.apiVersion,
        accessToken: shopify.accessToken,
        webhookSecret: shopify.webhookSecret,
      },
      {
        name: 'netsuite',
        baseUrl: netsuite.baseUrl,
        scenarioUrl: netsuite.scenarioUrl,
        accountId: netsuite.accountId,
        clientId: netsuite.clientId,
        clientSecret: netsuite.clientSecret,
      },
    ],
    shopify,
    netsuite,
    ...(sap ? { sap } : {}),
    ...(threepl ? { threepl } : {}),
    ...(salesforce ? { salesforce } : {}),
    stop,
  }
}
