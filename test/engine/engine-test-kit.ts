// Shared setup for the engine behaviour tests: a real store per driver (embedded, PostgreSQL), a manual clock per test, tracked engines and cleanup.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe } from 'vitest'
import { manualClock, type ManualClock } from '../../src/clock/clock.ts'
import type { EngineObserver } from '../../src/engine/engine-observer.ts'
import { HubEngine, type EngineOptions } from '../../src/engine/hub-engine.ts'
import { createEmbeddedStore } from '../../src/store-embedded/embedded-store.ts'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import type {
  InboxIngestResult,
  RunRecord,
  StepRecord,
  Store,
} from '../../src/store/store-contract.ts'
import { latch, SOURCE, TOPIC, type Latch } from './fake-target.ts'

export * from './fake-target.ts'

export type TestEngineOptions = Partial<EngineOptions> & Pick<EngineOptions, 'flows'>

export interface Bench {
  readonly driver: string
  readonly store: Store
  readonly tenantId: string
  readonly clock: ManualClock
  /** An engine on the suite's store, this test's tenant and clock; stopped after the test. */
  engine(options: TestEngineOptions): HubEngine
  /** What an engine reported to its observer, one line per event. */
  events(engine: HubEngine): string[]
  ingest(engine: HubEngine, messageId: string, businessKey?: string): Promise<InboxIngestResult>
  run(runId: string, tenantId?: string): Promise<RunRecord & { steps: StepRecord[] }>
  /** Moves the clock to the run's `nextRunAt`. */
  advanceToNextRun(runId: string): Promise<void>
  latch(): Latch
  /** A promise left running (e.g. a runOnce blocked at the target); settled after the test. */
  background<T>(promise: Promise<T>): Promise<T>
}

function recordingObserver(events: string[]): EngineObserver {
  return {
    ingested: (e) => void events.push(`ingested runs=${e.runs}`),
    duplicate: () => void events.push('duplicate'),
    delivered: (e) => void events.push(`delivered run=${e.runId} byLookup=${e.resolvedByLookup}`),
    inDoubt: (e) => void events.push(`inDoubt run=${e.runId}`),
    retried: (e) =>
      void events.push(
        `retried run=${e.runId} attempt=${e.attempt} delay=${e.delayMs} throttled=${e.throttled}`,
      ),
    deadLettered: (e) => void events.push(`dead run=${e.runId} attempt=${e.attempt}`),
    superseded: (e) =>
      void events.push(`superseded run=${e.runId} v=${e.version} applied=${e.appliedVersion}`),
    completed: (e) => void events.push(`completed run=${e.runId}`),
    compensationStarted: (e) =>
      void events.push(
        `compensating run=${e.runId} step=${e.step ?? '-'} error=${e.error.type} undos=${e.compensations}`,
      ),
    compensationCompleted: (e) =>
      void events.push(`compensated run=${e.runId} undos=${e.compensations}`),
    circuit: (e) => void events.push(`circuit ${e.target} ${e.state}`),
  }
}

interface SuiteStore {
  store: Store
  dispose(): Promise<void>
}

async function embeddedStore(): Promise<SuiteStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'syncline-engine-'))
  const store = await createEmbeddedStore({ dataDir })
  await store.migrate()
  return {
    store,
    async dispose() {
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

async function postgresStore(url: string): Promise<SuiteStore> {
  const schema = `engine_${randomBytes(6).toString('hex')}`
  const store = createPostgresStore({ connectionString: url, schema, poolSize: 6 })
  await store.migrate()
  return {
    store,
    async dispose() {
      await store.close()
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      try {
        await admin.query(`drop schema if exists "${schema}" cascade`)
      } finally {
        await admin.end()
      }
    },
  }
}

let tenants = 0

/**
 * Registers `body` once per driver: the embedded store in a fresh temp folder, and PostgreSQL in a
 * fresh schema when `pgUrl` is set. Every `bench()` is a new tenant with its own manual clock.
 */
export function describeOnStores(
  title: string,
  pgUrl: string | undefined,
  body: (bench: () => Bench) => void,
): void {
  const drivers = pgUrl === undefined ? ['embedded'] : ['embedded', 'postgres']
  for (const driver of drivers) {
    describe(`${title} (${driver} store)`, () => {
      let suite: SuiteStore | undefined
      const engines: HubEngine[] = []
      const latches: Latch[] = []
      const background: Array<Promise<unknown>> = []
      const errors: unknown[] = []

      beforeAll(async () => {
        suite = driver === 'embedded' ? await embeddedStore() : await postgresStore(pgUrl ?? '')
      })
      afterAll(async () => {
        await suite?.dispose()
      })
      afterEach(async () => {
        const reported = errors.splice(0)
        for (const l of latches.splice(0)) if (!l.settled) l.fail(new Error('test ended'))
        await Promise.all(engines.splice(0).map((e) => e.stop()))
        await Promise.allSettled(background.splice(0))
        // Whatever the engines reported while being torn down belongs to no test.
        errors.length = 0
        if (reported.length > 0) {
          throw new Error(`engine reported errors: ${reported.map(String).join('; ')}`)
        }
      })

      body(() => {
        if (suite === undefined) throw new Error('store not ready')
        const store = suite.store
        const tenantId = `tenant-${process.pid}-${++tenants}`
        const clock = manualClock()
        const observed = new WeakMap<HubEngine, string[]>()
        const bench: Bench = {
          driver,
          store,
          tenantId,
          clock,
          engine(options) {
            const events: string[] = []
            const engine = new HubEngine({
              store,
              tenantId,
              clock,
              random: () => 0.5,
              leaseMs: 10_000,
              // Real-time heartbeats would move leases on the manual clock behind the test's back.
              heartbeatMs: 3_600_000,
              workerId: `worker-${engines.length + 1}`,
              observer: recordingObserver(events),
              onError: (error) => void errors.push(error),
              ...options,
            })
            observed.set(engine, events)
            engines.push(engine)
            return engine
          },
          events: (engine) => observed.get(engine) ?? [],
          ingest: (engine, messageId, businessKey = `order-${messageId}`) =>
            engine.ingest({
              sourceSystem: SOURCE,
              sourceMessageId: messageId,
              connection: 'main',
              topic: TOPIC,
              payload: JSON.stringify({ order: messageId }),
              headers: {},
              triggeredAt: null,
              businessKey,
            }),
          async run(runId, tenant = tenantId) {
            const run = await store.runGet({ tenantId: tenant, runId })
            if (run === undefined) throw new Error(`run ${runId} not found`)
            return run
          },
          async advanceToNextRun(runId) {
            const run = await bench.run(runId)
            if (run.nextRunAt > clock.now()) clock.set(run.nextRunAt)
          },
          latch() {
            const l = latch()
            latches.push(l)
            return l
          },
          background(promise) {
            background.push(promise)
            return promise
          },
        }
        return bench
      })
    })
  }
}
