/** @module sandbox/sap/sap-simulator — an SAP S/4HANA Cloud system on its own port: API_SALES_ORDER_SRV, API_BUSINESS_PARTNER, API_OUTBOUND_DELIVERY_SRV and API_BILLING_DOCUMENT_SRV over OData v2 (plus the SOAP billing request), with CSRF, ETags, $batch, key-only events, faults, a ledger and a scenario API. */

import { EffectsLedger } from '../kit/effects-ledger.ts'
import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import { NO_FAULTS, parseScenario } from '../kit/fault-script.ts'
import type { Scenario, ScenarioCapabilities } from '../kit/fault-script.ts'
import { RequestLog, trackRequests } from '../kit/request-log.ts'
import { mountScenarioRoutes, ScenarioControl } from '../kit/scenario-router.ts'
import { randomSeed } from '../kit/seeded-random.ts'
import { createSimulatorServer } from '../kit/simulator-server.ts'
import { SapAuth } from './sap-auth.ts'
import { BillingMonitor, mountBillingSoapRoute } from './sap-billing-soap-route.ts'
import { seedPartner } from './sap-business-partner-rules.ts'
import type { Change, RuleContext } from './sap-changes.ts'
import { SimClock } from '../kit/sim-clock.ts'
import { EntityAccess } from './sap-entity-access.ts'
import { renderError, sapErrors, sapFaultRenderer } from './sap-errors.ts'
import { EventDispatcher } from './sap-event-dispatcher.ts'
import { cloudEvent, EventFeed } from './sap-event-feed.ts'
import { SapModel } from './sap-model.ts'
import { mountSapRoutes, SAP_VENDOR_ROUTES } from './sap-odata-routes.ts'
import { SERVICE_ROOT } from './sap-resource-path.ts'
import { sapSimOperations } from './sap-sim-operations.ts'
import { mountSapSimRoutes, SAP_SIM_ROUTES } from './sap-sim-routes.ts'
import type { SapSimulator, SapSimulatorOptions } from './sap-simulator-options.ts'
import { SapStore, SEED_MATERIALS, SEED_PARTNERS } from './sap-store.ts'

export type { SapSimulator, SapSimulatorOptions, SapWrite } from './sap-simulator-options.ts'
export { SAP_EVENT_TYPES } from './sap-changes.ts'

/**
 * SAP documents no throttle, so 429 and 503 are generic; there is no account concurrency cap and
 * no idempotency key (the connector must query by PurchaseOrderByCustomer before it creates).
 */
const CAPS: ScenarioCapabilities = {
  faults: ['http5xx', 'rateLimit', 'timeout', 'commitThenDrop', 'resetBeforeHeaders', 'malformed'],
  concurrencyLimit: false,
  idempotency: false,
}

export function createSapSimulator(options: SapSimulatorOptions = {}): SapSimulator {
  const clock = new SimClock(options.now ?? Date.now)
  const now = clock.now
  const systemId = options.systemId ?? 'S4H'
  const client = options.client ?? '100'
  const username = options.username ?? 'SYNCLINE_INT'
  const password = options.password ?? 'Syncline-Sandbox-1'
  const base: Scenario = {
    seed: options.seed ?? randomSeed(),
    faults: NO_FAULTS,
    sequence: [],
    statuses: [500, 502, 503],
    retryAfterSeconds: { min: 1, max: 5 },
    latencyMs: { min: 0, max: 0 },
    timeout: { delayMs: 10_000, commit: true },
    malformedCommits: true,
    concurrencyLimit: null,
    idempotency: 'naive',
    faultMethods: ['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE'],
  }
  const initial = parseScenario(options.scenario ?? {}, base, CAPS)
  if (!initial.ok) throw new Error(`invalid SAP scenario: ${initial.error}`)

  const server = createSimulatorServer({
    errors: {
      badRequest: (message) => renderError(sapErrors.badRequest(message), '', true, now()),
      notFound: () => ({
        status: 404,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<html><head><title>Service cannot be reached</title></head><body><h1>404 Not found</h1></body></html>',
      }),
      internal: () =>
        renderError(
          { status: 500, code: '/IWBEP/CM_MGW_RT/000', message: 'Internal server error' },
          '',
          true,
          now(),
        ),
    },
  })
  const { app } = server
  // $batch bodies (multipart/mixed) and anything not JSON reach the routes as text.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, String(body))
  })
  const control = new ScenarioControl(initial.scenario, CAPS)
  const ledger = new EffectsLedger(now)
  const log = new RequestLog()
  const model = new SapModel()
  const store = new SapStore({
    now,
    firstSalesOrder: options.firstSalesOrder ?? 1,
    firstPartner: options.firstBusinessPartner ?? 1_000_000,
    seedPartner: (seed, stamp) => seedPartner(model, seed, stamp),
    materials: [...SEED_MATERIALS, ...(options.materials ?? [])],
    partners: [...SEED_PARTNERS, ...(options.businessPartners ?? [])],
  })
  const access = new EntityAccess(store)
  const auth = new SapAuth({
    now,
    user: username,
    password,
    systemId,
    client,
    sessionTimeoutMs: (options.sessionTimeoutSeconds ?? 1800) * 1000,
  })
  const feed = new EventFeed(options.eventFeedCapacity ?? 10_000)
  const dispatcher = new EventDispatcher({
    retryScheduleMs: options.eventRetryScheduleMs ?? [1000, 2000, 4000, 8000, 16_000],
    maxRetries: options.eventMaxRetries ?? 5,
    timeoutMs: options.eventTimeoutMs ?? 5000,
    concurrency: 16,
  })
  const subscribeConfigured = (): void => {
    for (const s of options.eventSubscribers ?? []) dispatcher.subscribe(s.url, s.types ?? null)
  }
  subscribeConfigured()
  const tracker = trackRequests(app, {
    ledger,
    log,
    now,
    isVendorPath: (p) => p.startsWith('/sap/'),
  })
  const rules: RuleContext = {
    store,
    model,
    now,
    user: username.toUpperCase().slice(0, 12),
    ...(options.ledgerVersionField === undefined
      ? {}
      : { versionField: options.ledgerVersionField }),
  }
  const serviceUrl = (service: string): string => `${server.baseUrl}${SERVICE_ROOT}${service}/`
  const publish = (type: string, data: Readonly<Record<string, string>>): void => {
    dispatcher.publish(
      feed.append(cloudEvent(type, `/default/sap.s4.beh/${systemId}`, data, now())),
    )
  }
  const commit = (changes: readonly Change[]): void => {
    for (const change of changes) {
      ledger.recordEffect(
        { recordType: change.recordType, key: change.businessKey },
        change.kind,
        change.version,
      )
      publish(change.eventType, change.eventData)
      options.onWrite?.({ ...change, at: now() })
    }
  }
  const gate = {
    now,
    script: () => control.script,
    ledger,
    tracker,
    render: sapFaultRenderer(() => control.script.scenario.retryAfterSeconds.min, now),
    closing: server.closing,
    // SAP's throttling (where it exists) is per system: a Retry-After covers every call.
    scopeKey: { recordType: 'system', key: `${systemId}/${client}` },
  }
  const billing = new BillingMonitor()
  mountBillingSoapRoute(
    app,
    {
      auth,
      rules,
      systemId,
      client,
      commit,
      gate,
      processingMs: options.billingProcessingMs ?? 50,
    },
    billing,
  )
  mountSapRoutes(app, {
    gate,
    auth,
    systemId,
    client,
    model,
    store,
    access,
    rules,
    serviceUrl,
    now,
    commit,
  })

  const reset = (): void => {
    dispatcher.clear()
    billing.clear()
    subscribeConfigured()
    feed.clear()
    model.reset()
    clock.reset()
    store.reset()
    auth.reset()
    control.reset()
    ledger.clear()
    log.clear()
  }
  const snapshot = (): LedgerSnapshot => ledger.snapshot(control.script.scenario.seed, null)
  const ops = sapSimOperations({
    clock,
    auth,
    feed,
    dispatcher,
    store,
    model,
    access,
    rules,
    serviceUrl,
    publish,
    billing,
  })
  mountScenarioRoutes(app, {
    name: 'sap',
    control,
    vendorRoutes: SAP_VENDOR_ROUTES,
    extraRoutes: SAP_SIM_ROUTES,
    ledger: snapshot,
    requests: (after, limit) => log.entries(after, limit),
    reset,
  })
  mountSapSimRoutes(app, ops)

  return {
    ...ops,
    name: 'sap',
    systemId,
    client,
    username,
    password,
    get baseUrl() {
      return server.baseUrl
    },
    get scenarioUrl() {
      return `${server.baseUrl}/__sim`
    },
    start: () => server.start(options.host ?? '127.0.0.1', options.port ?? 0),
    stop: async () => {
      billing.clear()
      await dispatcher.close()
      await server.stop()
    },
    scenario: () => control.state(),
    setScenario: (input) => {
      const parsed = control.replace(input)
      if (!parsed.ok) throw new Error(`invalid SAP scenario: ${parsed.error}`)
      return control.state()
    },
    ledger: snapshot,
    requests: (afterSeq = 0) => log.entries(afterSeq),
    deliveriesSettled: (timeoutMs = 30_000) => dispatcher.settled(timeoutMs),
    reset,
  }
}
