/** @module test/connectors/conformance/shopify-fault-checks — the fault-checklist rows the Shopify connector handles, each exercised against the simulator. */
import { expect } from 'vitest'
import { ShopifyAdminClient } from '../../../src/connectors/shopify/shopify-admin-client.ts'
import { ShopifyGraphqlClient } from '../../../src/connectors/shopify/shopify-graphql-client.ts'
import { parseShopifyJson } from '../../../src/connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../../src/connectors/shopify/shopify-mapping.ts'
import { parseShopifyConnectionConfig } from '../../../src/connectors/shopify/shopify-spec.ts'
import { createShopifyWebhookReceiver } from '../../../src/connectors/shopify/shopify-webhook-receiver.ts'
import { createShopifySimulator } from '../../../src/sandbox/shopify/shopify-simulator.ts'
import { rejection } from './conformance-subject.ts'
import type { FaultRowCheck } from './conformance-subject.ts'
import { configFor, shopify, validConfig, withHook } from './shopify-estate.ts'
import type { Delivery } from './shopify-estate.ts'

export const shopifyFaultChecks: FaultRowCheck[] = [
  {
    row: 1,
    name: 'a redelivered webhook gets the same inbox key',
    async run(estate) {
      const { sim, config } = shopify(estate)
      await withHook(async (hook) => {
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
      })
    },
  },
  {
    row: 2,
    name: 'one action delivered to two subscriptions is one inbox key',
    async run(estate) {
      const { sim, config } = shopify(estate)
      await withHook(async (hook) => {
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
      })
    },
  },
  {
    row: 3,
    name: 'an older payload carries an older source version; a day-old delivery is flagged stale',
    async run(estate) {
      const { sim, config } = shopify(estate)
      await withHook(async (hook) => {
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
      })
    },
  },
  {
    row: 5,
    name: 'a changed body is refused as auth; both secrets verify within the rotation window',
    async run(estate) {
      const { sim, config } = shopify(estate)
      await withHook(async (hook) => {
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
      })
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
      try {
        await withHook(async (hook) => {
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
        }, 500)
      } finally {
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
