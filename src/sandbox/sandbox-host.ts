/** @module sandbox/sandbox-host — starts the Shopify and NetSuite simulators, each on its own loopback port, and tells the hub how to reach them. */

import { createNetSuiteSimulator } from './netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator, NetSuiteSimulatorOptions } from './netsuite/netsuite-simulator.ts'
import { createShopifySimulator } from './shopify/shopify-simulator.ts'
import type { ShopifySimulator, ShopifySimulatorOptions } from './shopify/shopify-simulator.ts'

export interface SandboxOptions {
  /** Default interface for both simulators (each may override); default 127.0.0.1. */
  readonly host?: string
  /** Fault and data seed for both, unless a simulator's own options give one. */
  readonly seed?: number
  readonly now?: () => number
  readonly shopify?: ShopifySimulatorOptions
  readonly netsuite?: NetSuiteSimulatorOptions
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
  const stop = async (): Promise<void> => {
    await Promise.all([shopify.stop(), netsuite.stop()])
  }
  try {
    await Promise.all([shopify.start(), netsuite.start()])
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
    stop,
  }
}
