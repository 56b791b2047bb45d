/** @module sandbox/threepl/threepl-simulator — a warehouse (3PL / WMS) API on its own port: fulfillment orders, stock, a clock-driven floor, Standard Webhooks out, faults, a ledger and a scenario API. */

import { EffectsLedger } from '../kit/effects-ledger.ts'
import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import { NO_FAULTS, parseScenario } from '../kit/fault-script.ts'
import type { Scenario, ScenarioCapabilities } from '../kit/fault-script.ts'
import { IdempotencyStore } from '../kit/idempotency-store.ts'
import { RequestLog, trackRequests } from '../kit/request-log.ts'
import { mountScenarioRoutes, ScenarioControl } from '../kit/scenario-router.ts'
import { randomSeed, seededRandom } from '../kit/seeded-random.ts'
import type { SeededRandom } from '../kit/seeded-random.ts'
import { createSimulatorServer } from '../kit/simulator-server.ts'
import { apiRouter } from './threepl-api.ts'
import { SimClock } from '../kit/sim-clock.ts'
import { threeplErrors, threeplFaultRenderer } from './threepl-errors.ts'
import { EventLog } from './threepl-events.ts'
import { DEFAULT_INVENTORY, InventoryStore } from './threepl-inventory.ts'
import { mountInventoryRoutes } from './threepl-inventory-routes.ts'
import { mountOrderRoutes } from './threepl-order-routes.ts'
import { mountWebhookRoutes } from './threepl-webhook-routes.ts'
import { orderView, OrderStore } from './threepl-orders.ts'
import { TokenBucket } from './threepl-rate-limiter.ts'
import { DEFAULT_CARRIERS } from './threepl-shipping.ts'
import { simOperations } from './threepl-sim-operations.ts'
import { mountThreePlSimRoutes, THREEPL_SIM_ROUTES } from './threepl-sim-routes.ts'
import {
  mountThreePlSimWebhookRoutes,
  THREEPL_SIM_WEBHOOK_ROUTES,
} from './threepl-sim-webhook-routes.ts'
import type { ThreePlSimulator, ThreePlSimulatorOptions } from './threepl-simulator-options.ts'
import { THREEPL_VENDOR_ROUTES } from './threepl-vendor-routes.ts'
import { DEFAULT_PROGRESSION, Warehouse } from './threepl-warehouse.ts'
import { SPEC_RETRY_SCHEDULE_MS } from './threepl-webhook-delivery.ts'
import { WebhookDispatcher } from './threepl-webhook-dispatcher.ts'
import { WebhookEndpoints } from './threepl-webhook-endpoints.ts'
import { parseWebhookFaults, WebhookFaultScript } from './threepl-webhook-faults.ts'

export type { ThreePlSimulator, ThreePlSimulatorOptions } from './threepl-simulator-options.ts'

/** No NetSuite-style 400 request limit; an optional account cap; Idempotency-Key honoured. */
const CAPS: ScenarioCapabilities = {
  faults: ['http5xx', 'rateLimit', 'timeout', 'commitThenDrop', 'resetBeforeHeaders', 'malformed'],
  concurrencyLimit: true,
  idempotency: true,
}
const DAY = 24 * 3600 * 1000

/** A seeded stream that reset() can rewind without re-wiring everything that holds it. */
function rewindable(seed: number, salt: number): { random: SeededRandom; rewind(): void } {
  let current = seededRandom(seed).fork(salt)
  return {
    random: {
      seed,
      next: () => current.next(),
      int: (min, max) => current.int(min, max),
      pick: (items) => current.pick(items),
      fork: (s) => current.fork(s),
    },
    rewind: () => {
      current = seededRandom(seed).fork(salt)
    },
  }
}

export function createThreePlSimulator(options: ThreePlSimulatorOptions = {}): ThreePlSimulator {
  const clock = new SimClock(options.now ?? Date.now)
  const now = (): number => clock.now()
  const accountId = options.accountId ?? 'syncline-sandbox-3pl'
  const initialKey = options.apiKey ?? 'tpl_test_sandbox_key_0000000000000000'
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
    concurrencyLimit: options.concurrencyLimit ?? null,
    // A modern WMS honours Idempotency-Key; `naive` stays available for the campaign.
    idempotency: 'honour',
    faultMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }
  const initial = parseScenario(options.scenario ?? {}, base, CAPS)
  if (!initial.ok) throw new Error(`invalid 3PL scenario: ${initial.error}`)
  const webhookDefaults = parseWebhookFaults(options.webhookFaults ?? {}, {
    seed,
    faults: { duplicate: 0, outOfOrder: 0, badSignature: 0 },
    sequence: [],
    duplicateDelayMs: 0,
    holdMs: 2000,
  })
  if (!webhookDefaults.ok) throw new Error(`invalid webhook faults: ${webhookDefaults.error}`)
  let webhookFaults = new WebhookFaultScript(webhookDefaults.scenario)

  const server = createSimulatorServer({
    errors: {
      badRequest: (message) => threeplErrors.badRequest(message),
      notFound: () => threeplErrors.notFound(),
      internal: () => threeplErrors.internal(),
    },
  })
  const { app } = server
  const control = new ScenarioControl(initial.scenario, CAPS)
  const ledger = new EffectsLedger(now)
  const log = new RequestLog()
  const idempotency = new IdempotencyStore(now)
  const bucket = new TokenBucket(
    now,
    options.rateLimit?.burst ?? 50,
    options.rateLimit?.perSecond ?? 10,
  )
  const shipping = rewindable(seed, 0x5417)
  const jitter = rewindable(seed, 0x7177)
  const inventory = new InventoryStore(options.inventory ?? DEFAULT_INVENTORY)
  const orders = new OrderStore()
  const endpoints = new WebhookEndpoints(now, options.webhookSecretRotationMs ?? DAY)
  const schedule = options.webhookRetryScheduleMs ?? SPEC_RETRY_SCHEDULE_MS
  const dispatcher = new WebhookDispatcher({
    clock,
    endpoints,
    faults: () => webhookFaults,
    retryScheduleMs: schedule,
    maxRetries: options.webhookMaxRetries ?? schedule.length,
    jitter: options.webhookRetryJitter ?? 0,
    random: jitter.random,
    concurrency: options.webhookConcurrency ?? 16,
    connectTimeoutMs: options.webhookTimeouts?.connectMs ?? 5000,
    totalTimeoutMs: options.webhookTimeouts?.totalMs ?? 15_000,
    disableAfterMs: options.webhookDisableAfterMs ?? 5 * DAY,
  })
  const events = new EventLog((event) => dispatcher.fire(event))
  const warehouse = new Warehouse({
    orders,
    inventory,
    events,
    now,
    times: { ...DEFAULT_PROGRESSION, ...options.progression },
    random: shipping.random,
    carriers: options.carriers ?? DEFAULT_CARRIERS,
  })
  for (const subscriber of options.webhookSubscribers ?? []) endpoints.addConfig(subscriber)
  let apiKey = initialKey

  const tracker = trackRequests(app, {
    ledger,
    log,
    now,
    isVendorPath: (p) => p.startsWith('/v1/'),
  })
  const router = apiRouter(app, {
    gate: {
      now,
      script: () => control.script,
      ledger,
      tracker,
      render: threeplFaultRenderer,
      closing: server.closing,
      idempotency: { header: 'idempotency-key', store: idempotency },
      scopeKey: { recordType: 'account', key: accountId },
    },
    ledger,
    apiKeys: () => [apiKey],
    bucket,
    concurrencyLimit: () => control.script.scenario.concurrencyLimit,
  })
  const routeDeps = {
    ledger,
    warehouse,
    orders,
    inventory,
    events,
    endpoints,
    dispatcher,
    baseUrl: () => server.baseUrl,
    now,
  }
  mountOrderRoutes(router, routeDeps)
  mountInventoryRoutes(router, routeDeps)
  mountWebhookRoutes(router, routeDeps)

  const reset = (): void => {
    dispatcher.clear()
    clock.reset()
    orders.reset()
    inventory.reset()
    events.clear()
    endpoints.reset()
    control.reset()
    ledger.clear()
    log.clear()
    idempotency.clear()
    bucket.reset()
    shipping.rewind()
    jitter.rewind()
    apiKey = initialKey
    webhookFaults = new WebhookFaultScript(webhookDefaults.scenario)
  }
  const snapshot = (): LedgerSnapshot =>
    ledger.snapshot(control.script.scenario.seed, control.script.scenario.concurrencyLimit)
  const { warehouseOps, webhookOps } = simOperations({
    clock,
    warehouse,
    orders,
    inventory,
    events,
    endpoints,
    dispatcher,
    apiKey: {
      get: () => apiKey,
      set: (next) => {
        apiKey = next
      },
    },
    webhookFaults: {
      get: () => webhookFaults,
      set: (next) => {
        webhookFaults = next
      },
    },
    webhookDefaults: webhookDefaults.scenario,
  })
  mountScenarioRoutes(app, {
    name: 'threepl',
    control,
    vendorRoutes: THREEPL_VENDOR_ROUTES,
    extraRoutes: [...THREEPL_SIM_ROUTES, ...THREEPL_SIM_WEBHOOK_ROUTES],
    ledger: snapshot,
    requests: (after, limit) => log.entries(after, limit),
    reset,
  })
  mountThreePlSimRoutes(app, warehouseOps)
  mountThreePlSimWebhookRoutes(app, webhookOps)

  const tickMs = options.progressionTickMs ?? 1000
  let ticker: NodeJS.Timeout | undefined
  return {
    ...warehouseOps,
    ...webhookOps,
    name: 'threepl',
    accountId,
    get apiKey() {
      return apiKey
    },
    get baseUrl() {
      return server.baseUrl
    },
    get scenarioUrl() {
      return `${server.baseUrl}/__sim`
    },
    now,
    start: async () => {
      const url = await server.start(options.host ?? '127.0.0.1', options.port ?? 0)
      // The floor works on its own too: due orders move even when nobody asks.
      if (tickMs > 0) ticker = setInterval(() => warehouse.run(), tickMs).unref()
      return url
    },
    stop: async () => {
      clearInterval(ticker)
      await dispatcher.close()
      await server.stop()
    },
    scenario: () => control.state(),
    setScenario: (input) => {
      const parsed = control.replace(input)
      if (!parsed.ok) throw new Error(`invalid 3PL scenario: ${parsed.error}`)
      return control.state()
    },
    ledger: snapshot,
    requests: (afterSeq = 0) => log.entries(afterSeq),
    order: (ref) => {
      warehouse.run()
      const found = orders.get(ref) ?? orders.byReference(ref)
      return found && orderView(found)
    },
    deliveriesSettled: (timeoutMs = 30_000) => dispatcher.settled(timeoutMs),
    reset,
  }
}
