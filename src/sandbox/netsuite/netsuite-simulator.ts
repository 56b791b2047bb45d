/** @module sandbox/netsuite/netsuite-simulator — a NetSuite REST record API stand-in on its own port, with faults, a ledger and a scenario API. */

import { EffectsLedger } from '../kit/effects-ledger.ts'
import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import { FAULT_KINDS, NO_FAULTS, parseScenario } from '../kit/fault-script.ts'
import type { Scenario, ScenarioCapabilities, ScenarioInput } from '../kit/fault-script.ts'
import { IdempotencyStore } from '../kit/idempotency-store.ts'
import { RequestLog, trackRequests } from '../kit/request-log.ts'
import type { RequestLogEntry } from '../kit/request-log.ts'
import { mountScenarioRoutes, ScenarioControl } from '../kit/scenario-router.ts'
import type { ScenarioState } from '../kit/scenario-router.ts'
import { randomSeed } from '../kit/seeded-random.ts'
import { sendSim } from '../kit/sim-response.ts'
import { createSimulatorServer } from '../kit/simulator-server.ts'
import { NetSuiteAuth, TOKEN_PATH } from './netsuite-auth.ts'
import { netsuiteFaultRenderer, nsErrors } from './netsuite-errors.ts'
import { mountNetSuiteRoutes, NETSUITE_VENDOR_ROUTES } from './netsuite-record-routes.ts'
import type { NetSuiteRecordWrite } from './netsuite-record-routes.ts'
import { NetSuiteRecordStore } from './netsuite-record-store.ts'
import { SimClock } from '../kit/sim-clock.ts'
import type { ClockView } from '../kit/sim-clock.ts'
import { mountSimClockRoutes, SIM_CLOCK_ROUTES } from '../kit/sim-clock-routes.ts'
import { NetSuiteForms } from './netsuite-form.ts'
import type { RecordType } from './netsuite-record-store.ts'
import { accountGuard, LoginAudit } from './netsuite-route-guard.ts'
import type { LoginAuditEntry } from './netsuite-route-guard.ts'
import {
  inventoryAccess,
  mountNetSuiteSimRoutes,
  NETSUITE_SIM_ROUTES,
  recordAccess,
} from './netsuite-sim-routes.ts'
import type { NetSuiteInventoryAccess, NetSuiteRecordAccess } from './netsuite-sim-routes.ts'
import { NetSuiteStock } from './netsuite-stock.ts'
import {
  mountNetSuiteAdjustmentRoutes,
  NETSUITE_ADJUSTMENT_ROUTES,
  NetSuiteAdjustments,
} from './netsuite-inventory-adjustment.ts'
import { mountNetSuiteSuiteQlRoutes, NETSUITE_SUITEQL_ROUTES } from './netsuite-suiteql-routes.ts'
import { NetSuiteTbaVerifier } from './netsuite-tba.ts'
import type { TbaCredentials } from './netsuite-tba.ts'
import {
  mountNetSuiteTransformRoutes,
  NETSUITE_TRANSFORM_ROUTES,
} from './netsuite-transform-routes.ts'

export interface NetSuiteSimulatorOptions {
  /** Interface to listen on; default 127.0.0.1 (the campaign spreads targets over 127.0.0.2–.9). */
  readonly host?: string
  /** Port; 0 (default) picks a free one. */
  readonly port?: number
  readonly accountId?: string
  readonly clientId?: string
  readonly clientSecret?: string
  /** Token-based authentication (OAuth 1.0a): the integration record's and the access token's pairs. */
  readonly tba?: Partial<TbaCredentials>
  /** Access token lifetime; default 3600 s. */
  readonly tokenTtlSeconds?: number
  /** Account-wide concurrency limit (default 5, a developer account); the scenario can change it. */
  readonly concurrencyLimit?: number
  /** Fault-stream seed; random (and reported) when omitted. */
  readonly seed?: number
  /** The default scenario, restored by reset; omitted fields mean "no faults". */
  readonly scenario?: ScenarioInput
  /** Source of "now" for timestamps, token expiry and Retry-After deadlines; default Date.now. */
  readonly now?: () => number
  /**
   * The record field the effects ledger reads each write's source version from, to count stale
   * and repeated versions; default the hub's `custbody_syncline_source_version`.
   */
  readonly ledgerVersionField?: string
  /** Called on every committed create or update, e.g. to time when an order reached the ERP. */
  readonly onRecordWritten?: (write: NetSuiteRecordWrite) => void
}

export interface NetSuiteSimulator {
  readonly name: 'netsuite'
  readonly accountId: string
  readonly clientId: string
  readonly clientSecret: string
  /** The TBA credentials the account accepts (realm = accountId). */
  readonly tba: TbaCredentials
  /** `http://host:port`; the hub's NetSuite base URL. Throws before start(). */
  readonly baseUrl: string
  /** `${baseUrl}/__sim`. */
  readonly scenarioUrl: string
  /** Starts listening; resolves with the base URL. */
  start(): Promise<string>
  stop(): Promise<void>
  scenario(): ScenarioState
  /** Replaces the fault script; throws on an invalid or unsupported scenario. */
  setScenario(input: ScenarioInput): ScenarioState
  ledger(): LedgerSnapshot
  requests(afterSeq?: number): RequestLogEntry[]
  readonly records: NetSuiteRecordAccess
  /** Stock per item and location, out of band. */
  readonly inventory: NetSuiteInventoryAccess
  /** Failed logins with NetSuite's reason, newest last (the Login Audit Trail). */
  loginAudit(): LoginAuditEntry[]
  /** Expires every issued token; returns how many there were. */
  expireTokens(): number
  /**
   * Makes `fields` mandatory on the record type's form, as an administrator adding a custom field
   * would (an empty list: none). Cleared by reset.
   */
  requireFields(type: RecordType, fields: readonly string[]): void
  /** The account's clock: the injected now plus what `advanceClock` (or `POST /__sim/clock`) added. */
  clock(): ClockView
  /** Moves the account's time forward (token expiry, TBA timestamp window, dates); reset puts it back. */
  advanceClock(ms: number): ClockView
  /** Records back to the seed, default scenario, ledger and log cleared, tokens kept. */
  reset(): void
}

/** NetSuite can produce every fault kind, has a concurrency cap, and honours idempotency keys (async API). */
const CAPS: ScenarioCapabilities = {
  faults: FAULT_KINDS,
  concurrencyLimit: true,
  idempotency: true,
}

export function createNetSuiteSimulator(options: NetSuiteSimulatorOptions = {}): NetSuiteSimulator {
  const clock = new SimClock(options.now ?? Date.now)
  const now = clock.now
  const accountId = options.accountId ?? 'TSTDRV1234567'
  const clientId = options.clientId ?? 'syncline-sandbox-client'
  const clientSecret = options.clientSecret ?? 'syncline-sandbox-secret'
  const base: Scenario = {
    seed: options.seed ?? randomSeed(),
    faults: NO_FAULTS,
    sequence: [],
    statuses: [500, 502, 503],
    retryAfterSeconds: { min: 1, max: 5 },
    latencyMs: { min: 0, max: 0 },
    timeout: { delayMs: 10_000, commit: true },
    malformedCommits: true,
    concurrencyLimit: options.concurrencyLimit ?? 5,
    idempotency: 'naive',
    faultMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }
  const initial = parseScenario(options.scenario ?? {}, base, CAPS)
  if (!initial.ok) throw new Error(`invalid NetSuite scenario: ${initial.error}`)

  const server = createSimulatorServer({
    errors: {
      badRequest: (message) => nsErrors.invalidContent(message),
      notFound: () => nsErrors.notFound(),
      internal: () => nsErrors.unexpected(),
    },
  })
  const { app } = server
  const control = new ScenarioControl(initial.scenario, CAPS)
  const ledger = new EffectsLedger(now)
  const log = new RequestLog()
  const store = new NetSuiteRecordStore(now)
  const stock = new NetSuiteStock()
  stock.reset(store)
  const idempotency = new IdempotencyStore(now)
  const auth = new NetSuiteAuth(now, clientId, clientSecret, options.tokenTtlSeconds ?? 3600)
  const tbaCredentials: TbaCredentials = {
    consumerKey: options.tba?.consumerKey ?? 'syncline-sandbox-consumer-key',
    consumerSecret: options.tba?.consumerSecret ?? 'syncline-sandbox-consumer-secret',
    tokenId: options.tba?.tokenId ?? 'syncline-sandbox-token-id',
    tokenSecret: options.tba?.tokenSecret ?? 'syncline-sandbox-token-secret',
  }
  const tba = new NetSuiteTbaVerifier(now, accountId, tbaCredentials)
  const audit = new LoginAudit()
  const forms = new NetSuiteForms()
  const records = recordAccess(store)
  const inventory = inventoryAccess(store, stock)
  const tracker = trackRequests(app, {
    ledger,
    log,
    now,
    isVendorPath: (p) => p.startsWith('/services/'),
  })
  const concurrencyLimit = (): number =>
    control.script.scenario.concurrencyLimit ?? Number.POSITIVE_INFINITY

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))))
    },
  )
  app.post(TOKEN_PATH, (request, reply) =>
    sendSim(reply, auth.issue(request.headers.authorization, request.body)),
  )
  const gate = {
    now,
    script: () => control.script,
    ledger,
    tracker,
    render: netsuiteFaultRenderer,
    closing: server.closing,
    idempotency: { header: 'x-netsuite-idempotency-key', store: idempotency },
  }
  // One guard for every API route: the concurrency cap is the account's, not a route's.
  const guard = accountGuard({ now, ledger, concurrencyLimit, oauth2: auth, tba, audit })
  const baseUrl = (): string => server.baseUrl
  const routeDeps = {
    gate,
    store,
    forms,
    guard,
    view: () => ({ baseUrl: server.baseUrl, store, stock }),
    ledger,
    versionField: options.ledgerVersionField ?? 'custbody_syncline_source_version',
    baseUrl,
    concurrencyLimit,
    ...(options.onRecordWritten === undefined ? {} : { onRecordWritten: options.onRecordWritten }),
  }
  mountNetSuiteRoutes(app, routeDeps)
  mountNetSuiteTransformRoutes(app, { ...routeDeps, stock })
  mountNetSuiteSuiteQlRoutes(app, { gate, guard, scan: () => ({ store, stock }), baseUrl })
  const adjustments = new NetSuiteAdjustments()
  mountNetSuiteAdjustmentRoutes(app, { gate, guard, store, stock, ledger, baseUrl }, adjustments)

  const reset = (): void => {
    store.reset()
    stock.reset(store)
    adjustments.reset()
    control.reset()
    ledger.clear()
    log.clear()
    idempotency.clear()
    tba.clear()
    audit.clear()
    forms.clear()
    clock.reset()
  }
  const snapshot = (): LedgerSnapshot =>
    ledger.snapshot(control.script.scenario.seed, concurrencyLimit())
  mountScenarioRoutes(app, {
    name: 'netsuite',
    control,
    vendorRoutes: [
      ...NETSUITE_VENDOR_ROUTES,
      ...NETSUITE_TRANSFORM_ROUTES,
      ...NETSUITE_SUITEQL_ROUTES,
      ...NETSUITE_ADJUSTMENT_ROUTES,
    ],
    extraRoutes: [...NETSUITE_SIM_ROUTES, ...SIM_CLOCK_ROUTES],
    ledger: snapshot,
    requests: (after, limit) => log.entries(after, limit),
    reset,
  })
  mountNetSuiteSimRoutes(app, {
    records,
    inventory,
    expireTokens: () => auth.expireAll(),
    loginAudit: () => audit.entries(),
    forms,
  })
  mountSimClockRoutes(app, clock)

  return {
    name: 'netsuite',
    accountId,
    clientId,
    clientSecret,
    tba: tbaCredentials,
    get baseUrl() {
      return server.baseUrl
    },
    get scenarioUrl() {
      return `${server.baseUrl}/__sim`
    },
    start: () => server.start(options.host ?? '127.0.0.1', options.port ?? 0),
    stop: () => server.stop(),
    scenario: () => control.state(),
    setScenario: (input) => {
      const parsed = control.replace(input)
      if (!parsed.ok) throw new Error(`invalid NetSuite scenario: ${parsed.error}`)
      return control.state()
    },
    ledger: snapshot,
    requests: (afterSeq = 0) => log.entries(afterSeq),
    records,
    inventory,
    loginAudit: () => audit.entries(),
    expireTokens: () => auth.expireAll(),
    requireFields: (type, fields) => forms.require(type, fields),
    clock: () => clock.view(),
    advanceClock: (ms) => {
      clock.advance(ms)
      return clock.view()
    },
    reset,
  }
}
export type { NetSuiteRecordWrite } from './netsuite-record-routes.ts'
