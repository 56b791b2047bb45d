/** @module test/connectors/conformance/shopify-estate — a started Shopify simulator and the connector's clients wired to it, for the conformance suite and the fault checks. */
import { setMaxListeners } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { systemClock } from '../../../src/clock/clock.ts'
import { ShopifyAdminClient } from '../../../src/connectors/shopify/shopify-admin-client.ts'
import { shopifyConnectorSpec } from '../../../src/connectors/shopify/shopify-connector-spec.ts'
import { ShopifyFulfillmentClient } from '../../../src/connectors/shopify/shopify-fulfillment-client.ts'
import { parseShopifyConnectionConfig } from '../../../src/connectors/shopify/shopify-spec.ts'
import type { ShopifyConnectionConfig } from '../../../src/connectors/shopify/shopify-spec.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { createShopifySimulator } from '../../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../../src/sandbox/shopify/shopify-simulator.ts'
import type { ConformanceEstate } from './conformance-subject.ts'

/** A config that parses, for the suite's spec checks and the secret-rotation check. */
export const validConfig = {
  shopDomain: 'acme.myshopify.com',
  apiVersion: '2026-01',
  accessToken: 'shpat_conformance',
  webhookSecrets: [{ secret: 'shpss_conformance' }],
}

/** What the fault checks reach beyond the shared estate: the simulator and the connection. */
export interface ShopifyEstate extends ConformanceEstate {
  readonly sim: ShopifySimulator
  readonly config: ShopifyConnectionConfig
  readonly fulfillments: ShopifyFulfillmentClient
  readonly orderFor: (key: string) => string
}

export const configFor = (sim: ShopifySimulator, overrides: Record<string, unknown> = {}) =>
  parseShopifyConnectionConfig({
    shopDomain: sim.shopDomain,
    apiVersion: sim.apiVersion,
    adminBaseUrl: sim.baseUrl,
    accessToken: sim.accessToken,
    webhookSecrets: [{ secret: sim.webhookSecret }],
    requestTimeoutMs: 3_000,
    ...overrides,
  })

/** Scripts the simulator through its scenario API, as an operator or a test harness would. */
export async function scenario(
  sim: ShopifySimulator,
  body: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${sim.scenarioUrl}/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

export async function startShopifyEstate(): Promise<ShopifyEstate> {
  const sim = createShopifySimulator({ seed: 7 })
  await sim.start()
  const config = configFor(sim)
  const admin = new ShopifyAdminClient(config)
  const fulfillments = new ShopifyFulfillmentClient(admin.rest)
  // The hub knows each shipment's Shopify order from the order's cross-reference; here every
  // business key gets its own storefront order (made outside the Admin API and its bucket).
  const orders = new Map<string, string>()
  const orderFor = (key: string): string => {
    const known = orders.get(key)
    if (known !== undefined) return known
    const id = sim.generateOrders({ count: 1, skus: ['SKU-1', 'SKU-2'] }).orderIds[0] ?? ''
    orders.set(key, id)
    return id
  }
  // No carrier tracking number: the hub's key is sent as one, and the repeat is matched on it.
  const write = async (key: string, options: { signal?: AbortSignal }) => {
    const written = await fulfillments.ensureFulfillment(
      { orderId: orderFor(key), key, trackingNumbers: [], carrier: 'Other' },
      options.signal,
    )
    return { id: written.id }
  }
  return {
    sim,
    config,
    fulfillments,
    orderFor,
    async authenticatedRead() {
      await admin.listOrders({ limit: 1 })
    },
    // Offline access tokens do not expire: there is nothing to refresh, and no token endpoint.
    credentialRequests: () => 0,
    // The merchant uninstalls the app: Shopify refuses the token from then on.
    revokeCredentials() {
      sim.revokeAccessToken()
      return Promise.resolve()
    },
    write,
    async lookup(key) {
      const orderId = orders.get(key)
      if (orderId === undefined) return null
      const found = await fulfillments.findFulfillment(orderId, key)
      return found === null ? null : { id: String(found.id) }
    },
    countAtTarget: (key) =>
      sim
        .fulfillments()
        .filter((f) => Array.isArray(f.tracking_numbers) && f.tracking_numbers.includes(key))
        .length,
    // Faults apply to writes only (POST): the reads before the fulfillment POST are not faulted.
    commitThenDropNextWrite: () => scenario(sim, { sequence: ['commitThenDrop'] }),
    throttleNextWrite: () =>
      scenario(sim, { sequence: ['rateLimit'], retryAfterSeconds: { min: 1, max: 1 } }),
    async governorProbe(count) {
      const governance = shopifyConnectorSpec.governance(config)
      const gates = new TargetGates(systemClock, silentObserver)
      gates.configure(governance.target, {
        concurrency: governance.concurrency,
        ...(governance.rate === undefined ? {} : { rate: governance.rate }),
      })
      const keys = Array.from({ length: count }, (_, i) => `conf-governed-${i}`)
      for (const key of keys) orderFor(key)
      sim.setScenario({ latencyMs: { min: 20, max: 40 } })
      const signal = new AbortController().signal
      // Every queued write waits on this one signal, as the engine's runs share a lease signal.
      setMaxListeners(count * 4, signal)
      await Promise.all(
        keys.map((key) => gates.run(governance.target, signal, () => write(key, { signal }))),
      )
      // The rate governor charged each write the three requests it makes: the bucket never filled.
      expect(sim.ledger().requestsByStatus['429'] ?? 0).toBe(0)
      return { maxInFlightAtSimulator: sim.ledger().concurrency.max, limit: governance.concurrency }
    },
    async stop() {
      await sim.stop()
    },
  }
}

export interface Delivery {
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/** A webhook endpoint recording raw bytes and headers, as the hub's gateway receives them. */
export async function hookReceiver(
  answer = 200,
): Promise<{ url: string; got: Delivery[]; close(): Promise<void> }> {
  const got: Delivery[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      got.push({ headers: flat(req.headers), body: Buffer.concat(chunks) })
      res.statusCode = answer
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Runs `work` with a webhook endpoint open, closing it after, whatever happens. */
export async function withHook<T>(
  work: (hook: Awaited<ReturnType<typeof hookReceiver>>) => Promise<T>,
  answer = 200,
): Promise<T> {
  const hook = await hookReceiver(answer)
  try {
    return await work(hook)
  } finally {
    await hook.close()
  }
}

const flat = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
  )
export const shopify = (estate: ConformanceEstate) => estate as ShopifyEstate
