/** @module sandbox/shopify/shopify-simulator — a Shopify shop on its own port: Admin REST with the leaky bucket, GraphQL with query cost, fulfillments, inventory, storefront orders, signed webhooks with retries. */

import { randomBytes } from 'node:crypto'
import { EffectsLedger } from '../kit/effects-ledger.ts'
import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import { NO_FAULTS, parseScenario } from '../kit/fault-script.ts'
import type { Scenario, ScenarioCapabilities } from '../kit/fault-script.ts'
import { RequestLog, trackRequests } from '../kit/request-log.ts'
import { mountScenarioRoutes, ScenarioControl } from '../kit/scenario-router.ts'
import { randomSeed } from '../kit/seeded-random.ts'
import { createSimulatorServer } from '../kit/simulator-server.ts'
import { adminRouter } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyFaultRenderer } from './shopify-errors.ts'
import { FulfillmentBook } from './shopify-fulfillment-book.ts'
import { mountFulfillmentRoutes } from './shopify-fulfillment-routes.ts'
import { PaymentBook } from './shopify-payment-book.ts'
import { mountPaymentRoutes } from './shopify-payment-routes.ts'
import { CostBucket } from './shopify-graphql-bucket.ts'
import { mountGraphqlRoute } from './shopify-graphql-routes.ts'
import { inventoryLevelResource, ShopInventory } from './shopify-inventory.ts'
import { mountInventoryRoutes } from './shopify-inventory-routes.ts'
import { LeakyBucket } from './shopify-leaky-bucket.ts'
import { OrderGenerator } from './shopify-order-generator.ts'
import { mountOrderRoutes } from './shopify-order-routes.ts'
import { mountShopifySimRoutes, SHOPIFY_SIM_ROUTES } from './shopify-sim-routes.ts'
import type { ShopifySimOperations } from './shopify-sim-routes.ts'
import { ShopifyStore } from './shopify-store.ts'
import type { Resource } from './shopify-store.ts'
import { WebhookDispatcher } from './shopify-webhook-dispatcher.ts'
import { mountWebhookRoutes } from './shopify-webhook-routes.ts'
import { WebhookSubscriptions } from './shopify-webhook-subscriptions.ts'
import { parseJson, recentVersions, toId, toJson } from './shopify-wire.ts'
import { SHOPIFY_VENDOR_ROUTES } from './shopify-vendor-routes.ts'
import type { ShopifySimulator, ShopifySimulatorOptions } from './shopify-simulator-options.ts'
import { SimClock } from '../kit/sim-clock.ts'
import { mountSimClockRoutes, SIM_CLOCK_ROUTES } from '../kit/sim-clock-routes.ts'

export type { ShopifySimulator, ShopifySimulatorOptions } from './shopify-simulator-options.ts'

/** Shopify has no NetSuite-style 400 limit, no account concurrency cap and no REST idempotency key. */
const CAPS: ScenarioCapabilities = {
  faults: ['http5xx', 'rateLimit', 'timeout', 'commitThenDrop', 'resetBeforeHeaders', 'malformed'],
  concurrencyLimit: false,
  idempotency: false,
}
const MERCHANT_EDITABLE = [
  'tags',
  'note',
  'email',
  'phone',
  'financial_status',
  'fulfillment_status',
  'shipping_address',
  'billing_address',
]

export function createShopifySimulator(options: ShopifySimulatorOptions = {}): ShopifySimulator {
  const clock = new SimClock(options.now ?? Date.now)
  const now = clock.now
  const shopDomain = options.shopDomain ?? 'demo-shop.myshopify.com'
  const apiVersion = options.apiVersion ?? '2026-01'
  const accessToken = options.accessToken ?? 'shpat_sandbox_0000000000000000'
  const initialSecret = options.webhookSecret ?? 'shpss_sandbox_webhook_secret'
  const currency = options.currency ?? 'USD'
  const seed = options.seed ?? randomSeed()
  const base: Scenario = {
    seed,
    faults: NO_FAULTS,
    sequence: [],
    statuses: [500, 502, 503],
    retryAfterSeconds: { min: 1, max: 5 },
    latencyMs: { min: 0, max: 0 },
    timeout: { delayMs: 10_000, commit: true },
    malformedCommits: true,
    concurrencyLimit: null,
    idempotency: 'naive',
    faultMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }
  const initial = parseScenario(options.scenario ?? {}, base, CAPS)
  if (!initial.ok) throw new Error(`invalid Shopify scenario: ${initial.error}`)

  let secret = initialSecret
  const server = createSimulatorServer({
    parseJson,
    errors: {
      badRequest: () => shopifyErrors.badRequest(),
      notFound: () => shopifyErrors.notFound(),
      internal: () => shopifyErrors.internal(),
    },
  })
  const { app } = server
  const control = new ScenarioControl(initial.scenario, CAPS)
  const ledger = new EffectsLedger(now)
  const log = new RequestLog()
  const store = new ShopifyStore(now, options.utcOffsetMinutes ?? -300)
  const fulfillments = new FulfillmentBook(store)
  const payments = new PaymentBook(store, fulfillments)
  const inventory = new ShopInventory(now)
  const bucket = new LeakyBucket(now, options.bucketSize ?? 40, options.leakPerSecond ?? 2)
  const costBucket = new CostBucket(
    now,
    options.graphqlBucket?.maximumAvailable ?? 2000,
    options.graphqlBucket?.restoreRate ?? 100,
  )
  let tokenRevoked = false
  const subscriptions = new WebhookSubscriptions(() => store.nextId('webhook'), now, apiVersion)
  const maxRetries = options.webhookMaxRetries ?? 8
  const removeAfter = options.webhookRemoveAfterFailures ?? Math.min(8, maxRetries + 1)
  const dispatcher = new WebhookDispatcher({
    now,
    shopDomain,
    secret: () => secret,
    retryScheduleMs:
      options.webhookRetryScheduleMs ?? [1, 2, 4, 8, 16, 32, 64, 128].map((s) => s * 1000),
    maxRetries,
    concurrency: options.webhookConcurrency ?? 16,
    connectTimeoutMs: options.webhookTimeouts?.connectMs ?? 1000,
    totalTimeoutMs: options.webhookTimeouts?.totalMs ?? 5000,
    onAttempt: (delivery, subscriptionId, ok) => {
      const sub = subscriptions.get(subscriptionId)
      if (!sub) return
      const failures = subscriptions.recordAttempt(subscriptionId, ok)
      // Only Admin API subscriptions are deleted; app-config ones are the app's own configuration.
      if (ok || sub.source !== 'admin' || failures < removeAfter) return
      subscriptions.remove(
        subscriptionId,
        `removed by Shopify: ${failures} consecutive failed deliveries (last: webhook ${delivery.webhookId})`,
      )
    },
  })
  const emit = (topic: string, resource: Resource, id: bigint): void => {
    const subs = subscriptions.forTopic(topic)
    if (subs.length > 0) dispatcher.fire(topic, toJson(resource), subs, String(id))
  }
  const generator = new OrderGenerator(
    store,
    {
      orderCreated: (order) => emit('orders/create', order.body, order.id),
      customerCreated: (customer) => emit('customers/create', customer.body, customer.id),
    },
    currency,
    seed,
  )
  for (const subscriber of options.webhookSubscribers ?? []) subscriptions.addConfig(subscriber)

  const tracker = trackRequests(app, {
    ledger,
    log,
    now,
    isVendorPath: (p) => p.startsWith('/admin/'),
  })
  const adminDeps = {
    gate: {
      now,
      script: () => control.script,
      ledger,
      tracker,
      render: shopifyFaultRenderer,
      closing: server.closing,
      scopeKey: { recordType: 'shop', key: shopDomain },
    },
    store,
    fulfillments,
    inventory,
    subscriptions,
    ledger,
    bucket,
    authorized: (token: unknown) => !tokenRevoked && token === accessToken,
    shopDomain,
    currency,
    apiVersion,
    supportedVersions: options.supportedApiVersions ?? recentVersions(apiVersion),
    baseUrl: () => server.baseUrl,
    emit,
  }
  const router = adminRouter(app, adminDeps)
  mountOrderRoutes(router, adminDeps)
  mountWebhookRoutes(router, adminDeps)
  mountFulfillmentRoutes(router, adminDeps)
  mountPaymentRoutes(router, adminDeps, payments)
  mountInventoryRoutes(router, adminDeps)
  mountGraphqlRoute(router, adminDeps, costBucket)

  const reset = (): void => {
    generator.reset()
    dispatcher.clear()
    store.reset()
    fulfillments.reset()
    payments.reset()
    inventory.reset()
    costBucket.reset()
    tokenRevoked = false
    subscriptions.reset()
    control.reset()
    ledger.clear()
    log.clear()
    bucket.reset()
    secret = initialSecret
    clock.reset()
  }
  const snapshot = (): LedgerSnapshot => ledger.snapshot(control.script.scenario.seed, null)
  const viewSub = (s: {
    id: bigint
    topic: string
    address: string
    apiVersion: string
    source: 'admin' | 'config'
  }) => ({
    id: String(s.id),
    topic: s.topic,
    address: s.address,
    apiVersion: s.apiVersion,
    source: s.source,
    consecutiveFailures: subscriptions.consecutiveFailures(s.id),
  })
  const ops: ShopifySimOperations = {
    generateOrders: (input) => generator.generate(input),
    merchantUpdate: (orderId, changes) => {
      const id = toId(orderId)
      const order = id === null ? undefined : store.orders.get(id)
      if (!order) return false
      store.touch(
        order,
        Object.fromEntries(Object.entries(changes).filter(([k]) => MERCHANT_EDITABLE.includes(k))),
      )
      emit('orders/updated', order.body, order.id)
      return true
    },
    deliveries: () => dispatcher.list(),
    redeliver: (webhookId) => dispatcher.redeliver(webhookId),
    rotateSecret: (next) => {
      const previousSecret = secret
      secret = next ?? `shpss_${randomBytes(16).toString('hex')}`
      return { secret, previousSecret, rotatedAt: new Date(now()).toISOString() }
    },
    revokeAccessToken: () => {
      tokenRevoked = true
    },
    fulfillmentsText: () => toJson({ fulfillments: fulfillments.all().map((f) => f.body) }),
    subscriptions: () => subscriptions.list().map(viewSub),
    removedSubscriptions: () => subscriptions.removed(),
    addWebhookSubscriber: (subscriber) => subscriptions.addConfig(subscriber).map(viewSub),
  }
  mountScenarioRoutes(app, {
    name: 'shopify',
    control,
    vendorRoutes: SHOPIFY_VENDOR_ROUTES,
    extraRoutes: [...SHOPIFY_SIM_ROUTES, ...SIM_CLOCK_ROUTES],
    ledger: snapshot,
    requests: (after, limit) => log.entries(after, limit),
    reset,
  })
  mountShopifySimRoutes(app, ops)
  mountSimClockRoutes(app, clock)

  return {
    ...ops,
    clock: () => clock.view(),
    advanceClock: (ms) => {
      clock.advance(ms)
      return clock.view()
    },
    name: 'shopify',
    shopDomain,
    apiVersion,
    accessToken,
    get webhookSecret() {
      return secret
    },
    get baseUrl() {
      return server.baseUrl
    },
    get scenarioUrl() {
      return `${server.baseUrl}/__sim`
    },
    start: () => server.start(options.host ?? '127.0.0.1', options.port ?? 0),
    stop: async () => {
      generator.cancel()
      await dispatcher.close()
      await server.stop()
    },
    scenario: () => control.state(),
    setScenario: (input) => {
      const parsed = control.replace(input)
      if (!parsed.ok) throw new Error(`invalid Shopify scenario: ${parsed.error}`)
      return control.state()
    },
    ledger: snapshot,
    requests: (afterSeq = 0) => log.entries(afterSeq),
    orders: () => store.sortedOrders().map((o) => o.body),
    orderJson: (orderId) => {
      const id = toId(orderId)
      const order = id === null ? undefined : store.orders.get(id)
      return order && toJson(order.body)
    },
    fulfillments: () => fulfillments.all().map((f) => f.body),
    inventoryLevels: () =>
      inventory.list([], []).map((l) => inventoryLevelResource(l, (ms) => store.time(ms))),
    graphqlThrottleStatus: () => costBucket.status(),
    deliveriesSettled: (timeoutMs = 30_000) => dispatcher.settled(timeoutMs),
    reset,
  }
}
