/** @module test/connectors/conformance/shopify-subject — the Shopify connector as the conformance suite drives it: fulfillments written to the simulator, webhooks received from it. */
import { setMaxListeners } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { systemClock } from '../../../src/clock/clock.ts'
import { ShopifyAdminClient } from '../../../src/connectors/shopify/shopify-admin-client.ts'
import { shopifyConnectorSpec } from '../../../src/connectors/shopify/shopify-connector-spec.ts'
import { ShopifyFulfillmentClient } from '../../../src/connectors/shopify/shopify-fulfillment-client.ts'
import { ShopifyGraphqlClient } from '../../../src/connectors/shopify/shopify-graphql-client.ts'
import { parseShopifyJson } from '../../../src/connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../../src/connectors/shopify/shopify-mapping.ts'
import { parseShopifyConnectionConfig } from '../../../src/connectors/shopify/shopify-spec.ts'
import type { ShopifyConnectionConfig } from '../../../src/connectors/shopify/shopify-spec.ts'
import { createShopifyWebhookReceiver } from '../../../src/connectors/shopify/shopify-webhook-receiver.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { createShopifySimulator } from '../../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../../src/sandbox/shopify/shopify-simulator.ts'
import { rejection } from './conformance-subject.ts'
import type { ConformanceEstate, ConformanceSubject, FaultRowCheck } from './conformance-subject.ts'

const validConfig = {
  shopDomain: 'acme.myshopify.com',
  apiVersion: '2026-01',
  accessToken: 'shpat_conformance',
  webhookSecrets: [{ secret: 'shpss_conformance' }],
}

/** What the fault checks reach beyond the shared estate: the simulator and the connection. */
interface ShopifyEstate extends ConformanceEstate {
  readonly sim: ShopifySimulator
  readonly config: ShopifyConnectionConfig
  readonly fulfillments: ShopifyFulfillmentClient
  readonly orderFor: (key: string) => string
}

const configFor = (sim: ShopifySimulator, overrides: Record<string, unknown> = {}) =>
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
async function scenario(sim: ShopifySimulator, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sim.scenarioUrl}/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

async function start(): Promise<ShopifyEstate> {
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

interface Delivery {
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/** A webhook endpoint recording raw bytes and headers, as the hub's gateway receives them. */
async function hookReceiver(
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

const flat = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
  )
const shopify = (estate: ConformanceEstate) => estate as ShopifyEstate

const faultChecks: FaultRowCheck[] = [
  {
    row: 1,
    name: 'a redelivered webhook gets the same inbox key',
    async run(estate) {
      const { sim, config } = shopify(estate)
      const hook = await hookReceiver()
      try {
        sim.addWebhookSubscriber({ address: hook.url, topics: ['orders/create'] })
        sim.generateOrders({ count: 1 })
        await sim.deliveriesSettled(5000)
        await sim.redeliver(sim.deliveries()[0]?.webhookId ?? '')
        const receiver = createShopifyWebhookReceiver({ tenantId: 't1', connection: config })
        const ids = hook.got.map(
          (d) =>
            receiver.accept({ rawBody: d.body, headers: d.headers, now: Date.now() })
              .sourceMessageId,
        )
        expect(ids).toHaveLength(2)
        expect(new Set(ids).size).toBe(1)
      } finally {
        await hook.close()
      }
    },
  },
  {
    row: 2,
    name: 'one action delivered to two subscriptions is one inbox key',
    async run(estate) {
      const { sim, config } = shopify(estate)
      const hook = await hookReceiver()
      try {
        sim.addWebhookSubscriber({ address: `${hook.url}?a`, topics: ['orders/create'] })
        sim.addWebhookSubscriber({ address: `${hook.url}?b`, topics: ['orders/create'] })
        sim.generateOrders({ count: 1 })
        await sim.deliveriesSettled(5000)
        const receiver = createShopifyWebhookReceiver({ tenantId: 't1', connection: config })
        expect(new Set(hook.got.map((d) => d.headers['x-shopify-webhook-id'])).size).toBe(2)
        const keys = hook.got.map((d) =>
          receiver.accept({ rawBody: d.body, headers: d.headers, now: Date.now() }),
        )
        expect(new Set(keys.map((k) => k.sourceMessageId)).size).toBe(1)
      } finally {
        await hook.close()
      }
    },
  },
  {
    row: 3,
    name: 'an older payload carries an older source version; a day-old delivery is flagged stale',
    async run(estate) {
      const { sim, config } = shopify(estate)
      const hook = await hookReceiver()
      try {
        sim.addWebhookSubscriber({ address: hook.url, topics: ['orders/create', 'orders/updated'] })
        const [id] = sim.generateOrders({ count: 1 }).orderIds
        await sim.deliveriesSettled(5000)
        await new Promise((resolve) => setTimeout(resolve, 1100))
        sim.merchantUpdate(id ?? '', { tags: 'rush' })
        await sim.deliveriesSettled(5000)
        const byTopic = (t: string) => hook.got.find((d) => d.headers['x-shopify-topic'] === t)
        const version = (d: Delivery | undefined) =>
          shopifyOrderToCanonical(parseShopifyJson(d?.body ?? Buffer.alloc(0))).source.version ?? ''
        const created = version(byTopic('orders/create'))
        const updated = version(byTopic('orders/updated'))
        expect(Date.parse(updated)).toBeGreaterThan(Date.parse(created))
        const receiver = createShopifyWebhookReceiver({ tenantId: 't1', connection: config })
        const late = byTopic('orders/create') as Delivery
        const dayLater = Date.parse(late.headers['x-shopify-triggered-at'] ?? '') + 25 * 3600_000
        expect(
          receiver.accept({ rawBody: late.body, headers: late.headers, now: dayLater }).stale,
        ).toBe(true)
      } finally {
        await hook.close()
      }
    },
  },
  {
    row: 5,
    name: 'a changed body is refused as auth; both secrets verify within the rotation window',
    async run(estate) {
      const { sim, config } = shopify(estate)
      const hook = await hookReceiver()
      try {
        sim.addWebhookSubscriber({ address: hook.url, topics: ['orders/create'] })
        sim.generateOrders({ count: 1 })
        await sim.deliveriesSettled(5000)
        const oldSecret = sim.webhookSecret
        const rotatedAt = sim.rotateSecret('shpss_rotated').rotatedAt
        sim.generateOrders({ count: 1 })
        await sim.deliveriesSettled(5000)
        const [before, after] = hook.got
        if (!before || !after) throw new Error('expected two deliveries')
        const rotating = parseShopifyConnectionConfig({
          ...validConfig,
          shopDomain: config.shopDomain,
          webhookSecrets: [
            { secret: oldSecret },
            { secret: 'shpss_rotated', activeFrom: rotatedAt },
          ],
        })
        const receiver = createShopifyWebhookReceiver({ tenantId: 't1', connection: rotating })
        const now = Date.parse(rotatedAt) + 60_000
        for (const d of [before, after]) {
          expect(receiver.accept({ rawBody: d.body, headers: d.headers, now }).topic).toBe(
            'orders/create',
          )
        }
        const tampered = Buffer.from(
          before.body.toString('utf8').replace('"currency":"USD"', '"currency":"EUR"'),
        )
        let error: unknown
        try {
          receiver.accept({ rawBody: tampered, headers: before.headers, now })
        } catch (e) {
          error = e
        }
        expect(error).toMatchObject({ type: 'auth', code: 'INVALID_SIGNATURE' })
      } finally {
        await hook.close()
      }
    },
  },
  {
    row: 6,
    name: 'GraphQL THROTTLED is throttled with the wait the deficit and restore rate give',
    async run(estate) {
      const { sim } = shopify(estate)
      const graphql = new ShopifyGraphqlClient(new ShopifyAdminClient(shopify(estate).config).rest)
      sim.setScenario({ sequence: ['rateLimit'], retryAfterSeconds: { min: 3, max: 3 } })
      const error = await rejection(graphql.request('query Shop { shop { name } }'))
      // The simulated answer needs 300 points with none left, restoring 100/s.
      expect(error).toMatchObject({ type: 'throttled', retryAfterMs: 3000, code: 'THROTTLED' })
      const { data, cost } = await graphql.request('query Shop { shop { name } }')
      expect(data).toEqual({ shop: { name: 'demo-shop' } })
      expect(cost?.throttleStatus.maximumAvailable).toBe(2000)
    },
  },
  {
    row: 10,
    name: 'a replayed fulfillment is found by its tracking number and not posted again',
    async run(estate) {
      const { sim, fulfillments, orderFor } = shopify(estate)
      const input = {
        orderId: orderFor('conf-row10'),
        key: 'conf-row10',
        trackingNumbers: ['1Z999AA10123456784'],
        carrier: 'UPS',
      }
      const first = await fulfillments.ensureFulfillment(input)
      const again = await fulfillments.ensureFulfillment(input)
      expect([first.created, again.created]).toEqual([true, false])
      expect(again.id).toBe(first.id)
      const posts = sim
        .requests()
        .filter((r) => r.method === 'POST' && r.path.endsWith('/fulfillments.json'))
      expect(posts).toHaveLength(1)
    },
  },
  {
    row: 11,
    name: 'the same fulfillment POST twice is refused 422 by Shopify; the guarded write answers from the read',
    async run(estate) {
      const { fulfillments, orderFor } = shopify(estate)
      const orderId = orderFor('conf-row11')
      const fos = (await fulfillments.listFulfillmentOrders(orderId)) ?? []
      const body = {
        line_items_by_fulfillment_order: [{ fulfillment_order_id: String(fos[0]?.id) }],
        tracking_info: { number: 'conf-row11' },
      }
      await fulfillments.createFulfillment(body)
      const refused = await rejection(fulfillments.createFulfillment(body))
      expect(refused).toMatchObject({ type: 'validation', status: 422 })
      const guarded = await fulfillments.ensureFulfillment({
        orderId,
        key: 'conf-row11',
        trackingNumbers: [],
      })
      expect(guarded.created).toBe(false)
    },
  },
  {
    row: 14,
    name: 'an order someone else fulfilled is validation, not a retry',
    async run(estate) {
      const { fulfillments, orderFor } = shopify(estate)
      const orderId = orderFor('conf-row14')
      await fulfillments.ensureFulfillment({
        orderId,
        key: 'merchant-shipped',
        trackingNumbers: ['MERCHANT-1'],
      })
      const error = await rejection(
        fulfillments.ensureFulfillment({ orderId, key: 'conf-row14', trackingNumbers: ['HUB-1'] }),
      )
      expect(error).toMatchObject({ type: 'validation', code: 'NOTHING_TO_FULFIL' })
    },
  },
  {
    row: 15,
    name: 'a subscription deleted after 8 failures is seen gone; the missed orders are read back',
    async run() {
      const sim = createShopifySimulator({
        seed: 8,
        webhookMaxRetries: 0,
        webhookRemoveAfterFailures: 8,
      })
      await sim.start()
      const hook = await hookReceiver(500)
      try {
        const admin = new ShopifyAdminClient(configFor(sim))
        const since = new Date(Date.now() - 1000).toISOString()
        await admin.createWebhook({ topic: 'orders/create', address: hook.url })
        const { orderIds } = sim.generateOrders({ count: 8 })
        await sim.deliveriesSettled(5000)
        expect((await admin.listWebhooks()).items).toEqual([])
        const missed = await admin.listOrders({ updatedAtMin: since, limit: 250 })
        expect(missed.items.map((o) => o.id).sort()).toEqual([...orderIds].sort())
        await admin.createWebhook({ topic: 'orders/create', address: hook.url })
        expect((await admin.listWebhooks()).items).toHaveLength(1)
      } finally {
        await hook.close()
        await sim.stop()
      }
    },
  },
  {
    row: 17,
    name: 'a removed API version falls forward, and the client reports the version served',
    async run(estate) {
      const { sim } = shopify(estate)
      const old = new ShopifyAdminClient(configFor(sim, { apiVersion: '2024-01' }))
      await old.listOrders({ limit: 1 })
      expect(old.lastServedApiVersion).toBe('2025-04')
    },
  },
  {
    row: 18,
    name: 'a 502 edge page on the POST is unknown_outcome; the read shows nothing landed; the retry creates once',
    async run(estate) {
      const { sim, fulfillments, orderFor } = shopify(estate)
      const input = { orderId: orderFor('conf-row18'), key: 'conf-row18', trackingNumbers: [] }
      sim.setScenario({ sequence: ['http5xx'], statuses: [502] })
      expect(await rejection(fulfillments.ensureFulfillment(input))).toMatchObject({
        type: 'unknown_outcome',
        status: 502,
      })
      expect(await estate.lookup('conf-row18')).toBeNull()
      expect((await fulfillments.ensureFulfillment(input)).created).toBe(true)
      expect(estate.countAtTarget('conf-row18')).toBe(1)
    },
  },
]

const goldenMap = (payload: Buffer) => shopifyOrderToCanonical(parseShopifyJson(payload))

export const shopifySubject: ConformanceSubject = {
  spec: shopifyConnectorSpec,
  validConfig,
  requiredFields: ['shopDomain', 'apiVersion', 'accessToken', 'webhookSecrets'],
  golden: [
    { name: 'shopify/order-int64-money', map: goldenMap },
    { name: 'shopify/order-unicode-name', map: goldenMap },
    { name: 'shopify/order-minimal', map: goldenMap },
  ],
  goldenCovers: ['int64-ids', 'money-strings'],
  start,
  faultChecks,
}
