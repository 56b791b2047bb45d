/** @module server/hub-main — the composition root: reads config, picks drivers, starts everything.
 *
 * The only place (with the CLI) that knows which store, which connectors and which HTTP server
 * stand behind the engine.
 */
import type { Server } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { pino, type DestinationStream } from 'pino'
import type { Clock } from '../clock/clock.ts'
import { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'
import { combineObservers } from '../engine/engine-observer.ts'
import { HubEngine, type EngineOptions } from '../engine/hub-engine.ts'
import { createEngineLogObserver } from '../observability/engine-log-observer.ts'
import { buildGateway } from '../gateway/gateway-app.ts'
import { registerAlertMetrics } from '../observability/alert-metrics.ts'
import type { AlertStatus } from '../policies/alert-evaluator.ts'
import { planPolicies } from '../policies/consistency-policy-plan.ts'
import { registerBusinessSlis } from '../observability/business-sli-metrics.ts'
import { registerReconciliationMetrics } from '../observability/reconciliation-metrics.ts'
import { reconciliationSlis } from '../reconciliation/closure-sli.ts'
import { createEngineMetrics } from '../observability/engine-metrics.ts'
import { createLogger } from '../observability/logger-factory.ts'
import { formatSummaryLine } from '../observability/summary-line.ts'
import { startSandbox, type Sandbox } from '../sandbox/sandbox-host.ts'
import type { Store } from '../store/store-contract.ts'
import { startDemoTraffic, type DemoTraffic } from './demo-traffic.ts'
import { loadHubConfig, type HubConfig } from './hub-config.ts'
import { resolveConnections, SANDBOX_CONNECTION } from './hub-connections.ts'
import { installCustomerMasterFields } from './hub-customer-master.ts'
import { composeProcesses, governTargets } from './hub-processes.ts'
import { createCrashPointTrigger } from './crash-point-trigger.ts'
import { startHubAlerting } from './hub-alerting.ts'
import { startHubClock } from './hub-clock.ts'
import { buildGatewayDeps } from './hub-gateway-deps.ts'
import { assertDurable, openStore } from './store-factory.ts'

/** The trailing window of the business SLIs on /metrics: a day, the horizon operators review. */
const SLI_WINDOW_MS = 24 * 3_600_000

export interface HubStartOptions {
  port: number
  host: string
  demo: boolean
  sandbox: boolean
  /**
   * False for an API-only process: it ingests and serves the API while other processes on the
   * same database run the flows, so a worker crash never refuses a webhook. Default true.
   */
  worker?: boolean
  databaseUrl?: string
  dataDir: string
  configPath?: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  allowUnsafeDurability: boolean
  /** Prepare PostgreSQL statements once per connection (default true); see postgres-store. */
  preparedStatements?: boolean
  /** Where JSON logs go: a file path, or '-' for stdout. Default: `hub.log` beside the data folder. */
  logFile?: string
  /** Test setting: crash points to arm, e.g. `after_claim_before_call:0.005` (see crash-points.ts). */
  crashPoints?: string
  /** Where the human lines (addresses, summaries) go. Default: stdout. */
  print?: (line: string) => void
  /** Programmatic overrides for tests and benchmarks. Without a clock, the database's is used. */
  clock?: Clock
  schema?: string
  config?: HubConfig
  engine?: Partial<EngineOptions>
  /** Test-only: wraps the store the engine and gateway use (the campaign's store fault injector). */
  wrapStore?: (store: Store) => Store
  /** Called when a policy alert starts or stops firing (after its log line). */
  onAlert?: (alert: AlertStatus) => void
}

export interface RunningHub {
  url: string
  engine: HubEngine
  store: Store
  sandbox: Sandbox | undefined
  stop(): Promise<void>
}

export async function startHub(options: HubStartOptions): Promise<RunningHub> {
  const print = options.print ?? ((line: string) => console.log(line))
  const config = options.config ?? (await loadHubConfig(options.configPath))
  const logDestination = openLogDestination(options)
  const logger = createLogger({
    level: options.logLevel,
    destination: logDestination,
    base: { service: 'syncline' },
  })
  const cleanup: Array<() => Promise<void> | void> = []
  const stopAll = async (): Promise<void> => {
    for (const step of cleanup.reverse()) await step()
    cleanup.length = 0
  }
  try {
    // The Salesforce org too: a customer-master binding's `demo` connection (hub-connections.ts).
    const sandbox = options.sandbox ? await startSandbox({ salesforce: {} }) : undefined
    if (sandbox?.salesforce) installCustomerMasterFields(sandbox.salesforce)
    if (sandbox) cleanup.push(() => sandbox.stop())
    const connections = resolveConnections(config, sandbox)

    const opened = await openStore({
      databaseUrl: options.databaseUrl,
      dataDir: options.dataDir,
      schema: options.schema,
      preparedStatements: options.preparedStatements,
    })
    cleanup.push(() => opened.close())
    await assertDurable(opened, options.allowUnsafeDurability, (line) => {
      logger.warn(line)
      print(`warning: ${line}`)
    })
    const migrations = await opened.migrate()
    logger.info({ migrations }, 'store migrated')
    const store = options.wrapStore ? options.wrapStore(opened) : opened
    // Read through the unwrapped store: the clock is infrastructure, not work a fault test targets.
    let clock: Clock
    if (options.clock) clock = options.clock
    else {
      const databaseClock = await startHubClock(opened, logger)
      cleanup.push(() => databaseClock.stop())
      clock = databaseClock
    }

    if (options.crashPoints) {
      print(`warning: crash points armed (${options.crashPoints}): this hub will SIGKILL itself`)
      logger.warn({ crashPoints: options.crashPoints }, 'crash points armed')
    }
    const metrics = createEngineMetrics()
    metrics.setBacklogCollector(
      async () =>
        (await store.statsGet({ tenantId: config.tenantId, now: clock.now() })).backlogByFlow,
    )
    const tenantId = config.tenantId
    const processes = composeProcesses({ config, connections, store, clock, logger })
    const { flows, targets, sli } = processes
    registerBusinessSlis(
      metrics.registry,
      () => store.sliSnapshot({ tenantId, now: clock.now(), windowMs: SLI_WINDOW_MS, ...sli }),
      { windowMs: SLI_WINDOW_MS },
    )
    registerReconciliationMetrics(
      metrics.registry,
      () => {
        const now = clock.now()
        return reconciliationSlis(store, { tenantId, since: now - SLI_WINDOW_MS, now })
      },
      { windowMs: SLI_WINDOW_MS },
    )
    const policyPlan = planPolicies(config.policies)
    const alerting = startHubAlerting({
      store,
      tenantId,
      clock,
      rules: policyPlan.alerts,
      flows,
      everyMs: config.alerting.everyMs,
      failureWindowMs: config.alerting.failureWindowMs,
      logger,
      ...(options.onAlert ? { onTransition: options.onAlert } : {}),
    })
    cleanup.push(() => alerting.stop())
    registerAlertMetrics(metrics.registry, alerting.current)
    const engine = new HubEngine({
      store,
      flows,
      tenantId: config.tenantId,
      clock,
      observer: combineObservers(metrics.observer, createEngineLogObserver(logger)),
      ...definedOnly({
        concurrency: config.engine.concurrency,
        claimBatch: config.engine.claimBatch,
        leaseMs: config.engine.leaseMs,
        heartbeatMs: config.engine.heartbeatMs,
        idlePollMs: config.engine.idlePollMs,
        retryPolicy: config.engine.retry,
      }),
      onError: (error) => logger.error({ err: error }, 'engine error'),
      ...(options.crashPoints ? { crashPoints: createCrashPointTrigger(options.crashPoints) } : {}),
      ...options.engine,
    })
    await governTargets({ engine, targets, flows, budgets: policyPlan.budgets, logger })
    if (options.worker !== false) {
      engine.start()
      cleanup.push(() => engine.stop())
    }
    // Stopped before the engine (cleanup runs in reverse): the delivery in hand is committed first.
    const { stops, reconciliation } = processes.start(engine)
    cleanup.push(...stops)

    const deps = buildGatewayDeps({
      config,
      connections,
      engine,
      store,
      metrics,
      logger,
      clock,
      sandbox,
    })
    const gateway = buildGateway({
      ...deps,
      alerts: { list: alerting.current },
      reconciliationRuns: reconciliation,
    })
    await gateway.listen({ port: options.port, host: options.host })
    cleanup.push(() => gateway.close())
    const url = `http://${options.host}:${listeningPort(gateway.server.address(), options.port)}`

    print(`syncline hub        ${url}  (store: ${describeStore(options)})`)
    print(`  webhooks          ${url}/webhooks/<system>/<connection>`)
    print(`  api               ${url}/api/v1  ·  metrics ${url}/metrics  ·  health ${url}/healthz`)
    print(`  logs (JSON)       ${describeLogs(options)}`)
    if (sandbox) {
      for (const sim of sandbox.simulators) {
        print(`  sandbox ${sim.name.padEnd(10)}${sim.baseUrl}  (scenario API ${sim.scenarioUrl})`)
      }
      await subscribeSandboxWebhooks(connections, url)
    }

    let demo: DemoTraffic | undefined
    const demoShop = connections.shopify.get(SANDBOX_CONNECTION)
    if (options.demo && sandbox && demoShop) {
      demo = startDemoTraffic({
        admin: new ShopifyAdminClient(demoShop, { clock }),
        onError: (error) => logger.warn({ err: error }, 'demo order was not placed'),
      })
      cleanup.push(() => demo?.stop())
      print('  demo              placing 1 order/s in the Shopify sandbox → NetSuite sandbox')
    }
    const startedAt = clock.now()
    if (config.summaryIntervalMs > 0) {
      const timer = setInterval(
        () => print(formatSummaryLine(metrics.summary(), clock.now() - startedAt)),
        config.summaryIntervalMs,
      )
      timer.unref()
      cleanup.push(() => clearInterval(timer))
    }
    logger.info({ url }, 'hub started')
    let stopping: Promise<void> | undefined
    return {
      url,
      engine,
      store,
      sandbox,
      stop: () => (stopping ??= stopAll().finally(() => logger.flush())),
    }
  } catch (error) {
    await stopAll().catch(() => {})
    logger.flush()
    throw error
  }
}

/** Subscribes the hub to the sandbox shop's order webhooks, through the Admin API as an app would. */
async function subscribeSandboxWebhooks(
  connections: ReturnType<typeof resolveConnections>,
  url: string,
): Promise<void> {
  const shop = connections.shopify.get(SANDBOX_CONNECTION)
  if (!shop) return
  const admin = new ShopifyAdminClient(shop)
  const address = `${url}/webhooks/shopify/${SANDBOX_CONNECTION}`
  for (const topic of ['orders/create', 'orders/updated']) {
    await admin.createWebhook({ topic, address })
  }
}

function openLogDestination(options: HubStartOptions): DestinationStream {
  if (options.logFile === '-') return pino.destination(1)
  const file = options.logFile ?? defaultLogFile(options)
  return pino.destination({ dest: file, mkdir: true, sync: false })
}

function defaultLogFile(options: HubStartOptions): string {
  return join(dirname(resolve(options.dataDir)), 'hub.log')
}

function describeLogs(options: HubStartOptions): string {
  return options.logFile === '-' ? 'stdout' : (options.logFile ?? defaultLogFile(options))
}

function describeStore(options: HubStartOptions): string {
  if (options.databaseUrl) return `postgres ${new URL(options.databaseUrl).host}`
  return `embedded ${resolve(options.dataDir)}`
}

function listeningPort(address: ReturnType<Server['address']>, fallback: number): number {
  return typeof address === 'object' && address !== null ? address.port : fallback
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
