/** @module test/flows/order-to-cash-kit — the order-to-cash bench: the Shopify, NetSuite and 3PL simulators on their ports, a real store and engine, and the hub's gateway receiving both vendors' signed webhooks over HTTP. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { pino } from 'pino'
import type { FastifyInstance } from 'fastify'
import { systemClock } from '../../src/clock/clock.ts'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { ShopifyFulfillmentClient } from '../../src/connectors/shopify/shopify-fulfillment-client.ts'
import { ShopifyOrderPaymentClient } from '../../src/connectors/shopify/shopify-order-payment-client.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { ThreePlClient } from '../../src/connectors/threepl/threepl-client.ts'
import { parseThreePlConnectionConfig } from '../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../src/connectors/threepl/threepl-webhook-receiver.ts'
import type { FlowDefinition } from '../../src/engine/flow-definition.ts'
import { HubEngine } from '../../src/engine/hub-engine.ts'
import { buildGateway } from '../../src/gateway/gateway-app.ts'
import { createEngineMetrics } from '../../src/observability/engine-metrics.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import {
  netsuiteConnectionFields,
  shopifyConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { createThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import type {
  ThreePlSimulator,
  ThreePlSimulatorOptions,
} from '../../src/sandbox/threepl/threepl-simulator.ts'
import { buildGatewayDeps } from '../../src/server/hub-gateway-deps.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { resolveConnections } from '../../src/server/hub-connections.ts'
import { createEmbeddedStore } from '../../src/store-embedded/embedded-store.ts'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import type { Store } from '../../src/store/store-contract.ts'

/** The warehouse stocks SKU-1..SKU-19; SKU-19 has none (orders with it are backordered); SKU-20 it does not carry. */
export const OUT_OF_STOCK_SKU = 'SKU-19'
export const UNSTOCKED_SKU = 'SKU-20'

export interface OrderToCashBench {
  shopify: ShopifySimulator
  netsuite: NetSuiteSimulator
  threepl: ThreePlSimulator
  store: Store
  engine: HubEngine
  tenantId: string
  hubUrl: string
  netsuiteClient: NetSuiteClient
  shopifyAdmin: ShopifyAdminClient
  shopifyFulfillments: ShopifyFulfillmentClient
  shopifyPayments: ShopifyOrderPaymentClient
  threeplClient: ThreePlClient
  targets: { netsuite: string; shopify: string; threepl: string }
  stop(): Promise<void>
}

export interface BenchOptions {
  /** PostgreSQL when given, else the embedded store. */
  pgUrl: string | undefined
  flows: (
    bench: Omit<OrderToCashBench, 'engine' | 'hubUrl' | 'stop' | 'store' | 'tenantId'>,
  ) => FlowDefinition[]
  /** Overrides for the warehouse (e.g. webhook faults). */
  threepl?: Partial<ThreePlSimulatorOptions>
}

export async function startOrderToCashBench(options: BenchOptions): Promise<OrderToCashBench> {
  const shopify = createShopifySimulator({
    seed: 61,
    // A Plus shop's bucket, so 200 orders are not paced at 2 calls a second.
    bucketSize: 4000,
    leakPerSecond: 2000,
    webhookRetryScheduleMs: [100, 200, 400, 800],
  })
  const netsuite = createNetSuiteSimulator({ seed: 62, concurrencyLimit: 15 })
  const threepl = createThreePlSimulator({
    seed: 63,
    inventory: Array.from({ length: 18 }, (_, i) => ({
      sku: `SKU-${i + 1}`,
      warehouse: 'WH-EAST',
      onHand: 100_000,
    })).concat([{ sku: OUT_OF_STOCK_SKU, warehouse: 'WH-EAST', onHand: 0 }]),
    // The floor ships as soon as it can: allocate, pick and ship on the next tick.
    progression: { allocateAfterMs: 0, pickAfterMs: 0, shipAfterMs: 0 },
    progressionTickMs: 50,
    rateLimit: { burst: 5000, perSecond: 5000 },
    webhookRetryScheduleMs: [100, 200, 400, 800],
    webhookConcurrency: 32,
    ...options.threepl,
  })
  await Promise.all([shopify.start(), netsuite.start(), threepl.start()])

  let store: Store
  let dispose: () => Promise<void>
  if (options.pgUrl !== undefined) {
    const url = options.pgUrl
    const schema = `otc_${randomBytes(5).toString('hex')}`
    store = createPostgresStore({ connectionString: url, schema, poolSize: 8 })
    dispose = async () => {
      await store.close()
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      await admin.query(`drop schema if exists "${schema}" cascade`).finally(() => admin.end())
    }
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'syncline-otc-'))
    store = await createEmbeddedStore({ dataDir })
    dispose = async () => {
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  await store.migrate()

  const shopifyConfig = parseShopifyConnectionConfig(shopifyConnectionFields(shopify))
  const shopifyAdmin = new ShopifyAdminClient(shopifyConfig)
  const netsuiteClient = new NetSuiteClient(
    parseNetSuiteConnectionConfig(netsuiteConnectionFields(netsuite)),
  )
  const threeplKey = threepl.apiKey
  const parts = {
    shopify,
    netsuite,
    threepl,
    netsuiteClient,
    shopifyAdmin,
    shopifyFulfillments: new ShopifyFulfillmentClient(shopifyAdmin.rest),
    shopifyPayments: new ShopifyOrderPaymentClient(shopifyAdmin.rest),
    threeplClient: new ThreePlClient(
      parseThreePlConnectionConfig({
        baseUrl: threepl.baseUrl,
        apiKey: threeplKey,
        // Replaced below by the endpoint's own secret once the hub's address is known.
        webhookSecrets: [`whsec_${randomBytes(24).toString('base64')}`],
      }),
    ),
    targets: {
      netsuite: `netsuite:${netsuite.accountId}`,
      shopify: `shopify:${shopify.shopDomain}`,
      threepl: `threepl:${new URL(threepl.baseUrl).host}`,
    },
  }
  const tenantId = `otc-${process.pid}`
  const engine = new HubEngine({
    store,
    tenantId,
    flows: options.flows(parts),
    concurrency: 48,
    claimBatch: 48,
    idlePollMs: 20,
    defaultTargetLimits: { concurrency: 12 },
    retryPolicy: { baseDelayMs: 50, maxDelayMs: 1000 },
  })

  const config = parseHubConfig({
    tenantId,
    connections: { shopify: { main: shopifyConnectionFields(shopify) } },
    flows: [],
    summaryIntervalMs: 0,
  })
  const base = buildGatewayDeps({
    config,
    connections: resolveConnections(config, undefined),
    engine,
    store,
    metrics: createEngineMetrics(),
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    sandbox: undefined,
  })
  // Made once the hub's address is known: the endpoint's secret comes with its subscription.
  const threeplReceivers = new Map<string, ReturnType<typeof createThreePlWebhookReceiver>>()
  const gateway: FastifyInstance = buildGateway({
    ...base,
    webhookReceiver: (system, connection) =>
      system === 'threepl' && connection === 'main'
        ? threeplReceivers.get('main')
        : base.webhookReceiver(system, connection),
    signal: async (input) => {
      await engine.signal(input)
    },
  })
  const hubUrl = await gateway.listen({ port: 0, host: '127.0.0.1' })
  const endpoint = threepl.addWebhookSubscriber({ url: `${hubUrl}/webhooks/threepl/main` })
  threeplReceivers.set(
    'main',
    createThreePlWebhookReceiver({
      tenantId,
      connection: parseThreePlConnectionConfig({
        baseUrl: threepl.baseUrl,
        apiKey: threeplKey,
        webhookSecrets: [endpoint.secret],
      }),
    }),
  )
  shopify.addWebhookSubscriber({
    address: `${hubUrl}/webhooks/shopify/main`,
    topics: ['orders/create'],
  })
  engine.start()

  return {
    ...parts,
    store,
    engine,
    tenantId,
    hubUrl,
    async stop() {
      await engine.stop()
      await gateway.close()
      await Promise.all([shopify.stop(), netsuite.stop(), threepl.stop()])
      await dispose()
    },
  }
}

/** Polls until `check` is true; throws with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
