/** @module sandbox/salesforce/salesforce-simulator — a Salesforce org on its own port: OAuth and SOAP login, REST sObjects, SOQL, Composite, Change Data Capture over CometD, with faults, a ledger, a clock and a scenario API. */

import { EffectsLedger } from '../kit/effects-ledger.ts'
import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import { NO_FAULTS, parseScenario } from '../kit/fault-script.ts'
import type { Scenario, ScenarioCapabilities } from '../kit/fault-script.ts'
import { RequestLog, trackRequests } from '../kit/request-log.ts'
import { mountScenarioRoutes, ScenarioControl } from '../kit/scenario-router.ts'
import { randomSeed } from '../kit/seeded-random.ts'
import { sendSim } from '../kit/sim-response.ts'
import { createSimulatorServer } from '../kit/simulator-server.ts'
import { ApiLimits } from './salesforce-api-limits.ts'
import { CdcLog } from './salesforce-cdc-log.ts'
import { SalesforceClock } from './salesforce-clock.ts'
import { CometdServer } from './salesforce-cometd.ts'
import { commitPublisher } from './salesforce-commit.ts'
import { salesforceFaultRenderer, sfErrors, SF_JSON } from './salesforce-errors.ts'
import { KEY_PREFIXES, makeId } from './salesforce-ids.ts'
import { REVOKE_PATH, SalesforceOAuth, TOKEN_PATH } from './salesforce-oauth.ts'
import { QueryCursors } from './salesforce-query-api.ts'
import { SalesforceRecordStore } from './salesforce-record-store.ts'
import type { ValidationRule } from './salesforce-record-rules.ts'
import { mountRestRoutes } from './salesforce-rest-routes.ts'
import { SalesforceSchema } from './salesforce-schema.ts'
import { SessionStore } from './salesforce-sessions.ts'
import type { SfUser } from './salesforce-sessions.ts'
import { simOperations } from './salesforce-sim-ops.ts'
import { mountSalesforceSimRoutes } from './salesforce-sim-routes.ts'
import type {
  SalesforceSimulator,
  SalesforceSimulatorOptions,
} from './salesforce-simulator-options.ts'
import { SalesforceSoap, SOAP_PATH } from './salesforce-soap.ts'
import { SfTransaction } from './salesforce-transaction.ts'
import type { TxOrigin } from './salesforce-transaction.ts'
import { SALESFORCE_SIM_ROUTES, SALESFORCE_VENDOR_ROUTES } from './salesforce-vendor-routes.ts'

export type {
  SalesforceRecordWrite,
  SalesforceSimulator,
  SalesforceSimulatorOptions,
} from './salesforce-simulator-options.ts'

/**
 * Salesforce never answers 429 on the REST API (its throttle is 403 REQUEST_LIMIT_EXCEEDED, the
 * `requestLimit` kind), has a concurrent long-running request cap, and no idempotency key.
 */
const CAPS: ScenarioCapabilities = {
  faults: [
    'http5xx',
    'requestLimit',
    'timeout',
    'commitThenDrop',
    'resetBeforeHeaders',
    'malformed',
  ],
  concurrencyLimit: true,
  idempotency: false,
}

export function createSalesforceSimulator(
  options: SalesforceSimulatorOptions = {},
): SalesforceSimulator {
  const clock = new SalesforceClock(options.now ?? Date.now)
  const now = clock.now
  const apiVersion = options.apiVersion ?? '62.0'
  const orgId = options.orgId ?? makeId(KEY_PREFIXES.Organization, 1_048_576, '5g')
  const clientId = options.clientId ?? '3MVG9sandbox.syncline.salesforce.consumer.key'
  const clientSecret = options.clientSecret ?? 'syncline-sandbox-consumer-secret'
  const username = options.username ?? 'integration@syncline-sandbox.example'
  const password = options.password ?? 'syncline-sandbox-password'
  const securityToken = options.securityToken ?? 'SandboxSecurityToken42'
  const user: SfUser = {
    id: makeId(KEY_PREFIXES.User, 4096),
    username,
    fullName: 'Integration User',
    email: username,
  }
  const adminUserId = makeId(KEY_PREFIXES.User, 4097)
  const base: Scenario = {
    seed: options.seed ?? randomSeed(),
    faults: NO_FAULTS,
    sequence: [],
    statuses: [500, 502, 503],
    retryAfterSeconds: { min: 1, max: 5 },
    latencyMs: { min: 0, max: 0 },
    timeout: { delayMs: 10_000, commit: true },
    malformedCommits: true,
    concurrencyLimit: options.concurrencyLimit ?? 25,
    idempotency: 'naive',
    faultMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }
  const initial = parseScenario(options.scenario ?? {}, base, CAPS)
  if (!initial.ok) throw new Error(`invalid Salesforce scenario: ${initial.error}`)

  const server = createSimulatorServer({
    errors: {
      badRequest: (message) => sfErrors.jsonParser(message),
      notFound: () => sfErrors.notFound(),
      internal: () => sfErrors.unknown(),
    },
  })
  const { app } = server
  const control = new ScenarioControl(initial.scenario, CAPS)
  const ledger = new EffectsLedger(now)
  const log = new RequestLog()
  const schema = new SalesforceSchema()
  const store = new SalesforceRecordStore()
  const cdcLog = new CdcLog(now, (options.cdcRetentionHours ?? 72) * 3_600_000, base.seed)
  const cursors = new QueryCursors(now)
  const limits = new ApiLimits(now, options.dailyApiRequests ?? 100_000)
  const sessions = new SessionStore(now, orgId, options.sessionTimeoutSeconds ?? 7200)
  const validationRules: ValidationRule[] = []
  const { onCommit, ledgerKeyOf, nextCommitNumber } = commitPublisher({
    ledger,
    cdcLog,
    schema,
    seed: base.seed,
    versionField: options.ledgerVersionField ?? 'Syncline_Source_Version__c',
    keyFields: options.ledgerKeyFields ?? ['External_Id__c', 'ERP_Customer_Id__c'],
    ...(options.onRecordWritten === undefined ? {} : { onRecordWritten: options.onRecordWritten }),
  })
  const begin = (origin: TxOrigin): SfTransaction =>
    new SfTransaction({ store, now, onCommit }, origin)
  const rules = () => ({ schema, store, rules: validationRules, userIds: [user.id, adminUserId] })

  const tracker = trackRequests(app, {
    ledger,
    log,
    now,
    // Held CometD long-polls are not API calls: they would swamp the in-flight peak.
    isVendorPath: (p) => p.startsWith('/services/'),
  })
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  )
  app.addContentTypeParser(
    ['text/xml', 'application/soap+xml'],
    { parseAs: 'string' },
    (_r, body, done) => done(null, String(body)),
  )
  const baseUrl = (): string => server.baseUrl
  const oauth = new SalesforceOAuth(
    { orgId, clientId, clientSecret, user, loginPassword: password + securityToken, baseUrl },
    sessions,
    now,
  )
  const soap = new SalesforceSoap(
    {
      orgId,
      orgName: 'Syncline Sandbox',
      profileId: makeId(KEY_PREFIXES.Profile, 64),
      user,
      baseUrl,
    },
    sessions,
    oauth,
  )
  app.post(TOKEN_PATH, (request, reply) =>
    sendSim(reply, oauth.token(request.body, request.headers.authorization)),
  )
  app.post(REVOKE_PATH, (request, reply) => sendSim(reply, oauth.revoke(request.body)))
  app.get('/id/:orgId/:userId', (request, reply) =>
    sendSim(
      reply,
      oauth.identity(
        request.headers.authorization,
        (request.query as { oauth_token?: string }).oauth_token,
        apiVersion,
      ),
    ),
  )
  for (const path of [SOAP_PATH, `${SOAP_PATH}/:orgId`]) {
    app.post(path, (request, reply) =>
      sendSim(reply, soap.handle((request.params as { version: string }).version, request.body)),
    )
  }
  mountRestRoutes(app, {
    gate: {
      now,
      script: () => control.script,
      ledger,
      tracker,
      render: salesforceFaultRenderer,
      closing: server.closing,
    },
    ledger,
    schema,
    store,
    rules,
    now,
    begin,
    sessions,
    limits,
    cursors,
    latestVersion: apiVersion,
    longRunningMs: options.longRunningMs ?? 20_000,
    concurrencyLimit: () => control.script.scenario.concurrencyLimit ?? Number.POSITIVE_INFINITY,
    ledgerKeyOf,
  })
  const cometd = new CometdServer({
    sessions,
    log: cdcLog,
    now,
    closing: server.closing,
    connectTimeoutMs: options.cometdTimeoutMs ?? 110_000,
    clientIdleMs: options.cometdClientIdleMs ?? 40_000,
  })
  app.post('/cometd/:version', async (request, reply) => {
    const replies = await cometd.handle(request.body, request.headers.authorization)
    return reply.header('content-type', SF_JSON).send(JSON.stringify(replies))
  })

  const ops = simOperations({
    schema,
    store,
    rules,
    validationRules,
    log: cdcLog,
    cometd,
    version: apiVersion,
    adminUserId,
    now,
    nextCommitNumber,
    begin,
  })
  const reset = (): void => {
    store.reset()
    schema.reset()
    validationRules.length = 0
    cdcLog.clear()
    cometd.dropAll()
    cursors.clear()
    limits.reset()
    clock.reset()
    control.reset()
    ledger.clear()
    log.clear()
  }
  const snapshot = (): LedgerSnapshot =>
    ledger.snapshot(control.script.scenario.seed, control.script.scenario.concurrencyLimit)
  mountScenarioRoutes(app, {
    name: 'salesforce',
    control,
    vendorRoutes: SALESFORCE_VENDOR_ROUTES,
    extraRoutes: SALESFORCE_SIM_ROUTES,
    ledger: snapshot,
    requests: (after, limit) => log.entries(after, limit),
    reset,
  })
  mountSalesforceSimRoutes(app, {
    ...ops,
    clock,
    limits,
    expireTokens: () => sessions.expireAll(),
    revokeToken: (token) => sessions.revoke(token),
  })

  return {
    name: 'salesforce',
    orgId,
    apiVersion,
    clientId,
    clientSecret,
    username,
    password,
    securityToken,
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
      if (!parsed.ok) throw new Error(`invalid Salesforce scenario: ${parsed.error}`)
      return control.state()
    },
    ledger: snapshot,
    requests: (afterSeq = 0) => log.entries(afterSeq),
    records: ops.records,
    cdc: ops.cdc,
    schema: ops.schema,
    clock: {
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
      set: (epochMs) => clock.set(epochMs),
    },
    limits: {
      configure: (max, used) => limits.configure(max, used),
      used: () => limits.used(),
      get max() {
        return limits.max
      },
    },
    expireTokens: () => sessions.expireAll(),
    reset,
  }
}
