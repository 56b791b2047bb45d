/** @module test/flows/inventory-test-kit — the inventory sync wired to the 3PL, NetSuite and Shopify simulators over HTTP: a signed-webhook receiver that can drop events, clients, targets and flows. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { NetSuiteInventoryClient } from '../../src/connectors/netsuite/netsuite-inventory-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { ShopifyGraphqlClient } from '../../src/connectors/shopify/shopify-graphql-client.ts'
import { ShopifyInventoryClient } from '../../src/connectors/shopify/shopify-inventory-client.ts'
import { ShopifyRest } from '../../src/connectors/shopify/shopify-rest.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { ThreePlClient } from '../../src/connectors/threepl/threepl-client.ts'
import { parseThreePlConnectionConfig } from '../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../src/connectors/threepl/threepl-webhook-receiver.ts'
import type { HubEngine } from '../../src/engine/hub-engine.ts'
import {
  createInventoryHealFlow,
  createInventoryLevelFlow,
} from '../../src/flows/inventory/inventory-level-flow.ts'
import type { InventorySyncConfig } from '../../src/flows/inventory/inventory-sync-config.ts'
import type { InventoryTargetPort } from '../../src/flows/inventory/inventory-target-port.ts'
import { createNetSuiteStockTarget } from '../../src/flows/inventory/netsuite-stock-target.ts'
import { createShopifyStockTarget } from '../../src/flows/inventory/shopify-stock-target.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'

export interface Sims {
  threepl: ThreePlSimulator
  netsuite: NetSuiteSimulator
  shopify: ShopifySimulator
}

export function inventoryTargets(sims: Sims, config: InventorySyncConfig): InventoryTargetPort[] {
  const ns = new NetSuiteClient(
    parseNetSuiteConnectionConfig({
      accountId: sims.netsuite.accountId,
      baseUrl: sims.netsuite.baseUrl,
      clientId: sims.netsuite.clientId,
      clientSecret: sims.netsuite.clientSecret,
    }),
  )
  const rest = new ShopifyRest(
    parseShopifyConnectionConfig({
      shopDomain: sims.shopify.shopDomain,
      apiVersion: sims.shopify.apiVersion,
      adminBaseUrl: sims.shopify.baseUrl,
      accessToken: sims.shopify.accessToken,
      webhookSecrets: [{ secret: sims.shopify.webhookSecret }],
    }),
  )
  const graphql = new ShopifyGraphqlClient(rest)
  return [
    createNetSuiteStockTarget({
      client: new NetSuiteInventoryClient(ns),
      target: `netsuite:${sims.netsuite.accountId}`,
      warehouses: config.warehouses,
    }),
    createShopifyStockTarget({
      inventory: new ShopifyInventoryClient(rest, graphql),
      graphql,
      target: `shopify:${sims.shopify.shopDomain}`,
      warehouses: config.warehouses,
    }),
  ]
}

export const inventoryFlows = (targets: readonly InventoryTargetPort[]) =>
  targets.flatMap((t) => [createInventoryLevelFlow(t), createInventoryHealFlow(t)])

/**
 * The hub's 3PL webhook endpoint as the gateway would run it (verify the signature over the raw
 * bytes, then commit to the inbox before acknowledging), except that it loses the events
 * `drop` picks: acknowledged, never ingested — an event lost on the way.
 */
export interface ThreePlReceiver {
  client: ThreePlClient
  /** Where the next events go, and which of them are lost; clears the counts. */
  route(engine: HubEngine, drop: (sequence: number) => boolean): void
  readonly dropped: number[]
  ingested(): number
  close(): Promise<void>
}

/**
 * One per test file: the 3PL keeps configured endpoints across resets, so a receiver per test
 * would leave the earlier test's endpoint failing (and its deliveries retrying) behind.
 */
export async function startThreePlReceiver(sims: Sims): Promise<ThreePlReceiver> {
  const dropped: number[] = []
  let ingested = 0
  let engine: HubEngine | undefined
  let drop: (sequence: number) => boolean = () => false
  // Made once the endpoint (and so its secret) exists, which needs the server's port first.
  const ready: { receiver?: ReturnType<typeof createThreePlWebhookReceiver> } = {}
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        try {
          if (!ready.receiver || !engine) throw new Error('receiver not ready')
          const accepted = ready.receiver.accept({
            rawBody: Buffer.concat(chunks),
            headers: req.headers,
            now: Date.now(),
          })
          if (accepted.topic === 'inventory.adjusted' && drop(accepted.sequence)) {
            dropped.push(accepted.sequence)
          } else {
            await engine.ingest({
              sourceSystem: 'threepl',
              sourceMessageId: accepted.sourceMessageId,
              connection: 'main',
              topic: accepted.topic,
              payload: Buffer.concat(chunks).toString('utf8'),
              headers: {},
              triggeredAt: accepted.triggeredAt,
              businessKey: accepted.businessKey,
            })
            ingested += 1
          }
          res.writeHead(204).end()
        } catch (error) {
          res.writeHead(500).end(String(error))
        }
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const endpoint = sims.threepl.addWebhookSubscriber({
    url: `http://127.0.0.1:${port}/webhooks/threepl`,
    events: ['inventory.adjusted'],
  })
  const connection = parseThreePlConnectionConfig({
    baseUrl: sims.threepl.baseUrl,
    apiKey: sims.threepl.apiKey,
    webhookSecrets: [endpoint.secret],
  })
  ready.receiver = createThreePlWebhookReceiver({ tenantId: 'test', connection })
  return {
    client: new ThreePlClient(connection),
    route(next, lost) {
      engine = next
      drop = lost
      dropped.length = 0
      ingested = 0
    },
    dropped,
    ingested: () => ingested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Waits until the tenant has no run left to work (pending, running, retrying). */
export async function drained(engine: HubEngine, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // One statement, one snapshot: asked state by state, a run claimed between two reads (pending
    // when "running" was read, running when "pending" was) would be in neither.
    const stats = await engine.store.statsGet({
      tenantId: engine.tenantId,
      now: engine.clock.now(),
    })
    const busy = (['pending', 'running', 'retrying'] as const).some(
      (state) => stats.runsByState[state] > 0,
    )
    if (!busy) return
    if (Date.now() > deadline) throw new Error('runs did not drain in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}
