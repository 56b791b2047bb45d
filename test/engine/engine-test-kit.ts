// Shared setup for the engine behaviour tests: real stores (embedded and PostgreSQL), a manual clock and a scripted fake target.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe } from 'vitest'
import { manualClock, type ManualClock } from '../../src/clock/clock.ts'
import type { EngineObserver } from '../../src/engine/engine-observer.ts'
import {
  defineFlow,
  type DeliverySpec,
  type FlowDefinition,
  type RunContext,
} from '../../src/engine/flow-definition.ts'
import { HubEngine, type EngineOptions } from '../../src/engine/hub-engine.ts'
import { createEmbeddedStore } from '../../src/store-embedded/embedded-store.ts'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import type {
  InboxIngestResult,
  RunRecord,
  StepRecord,
  Store,
} from '../../src/store/store-contract.ts'

export const SOURCE = 'shop'
export const TOPIC = 'orders/create'

/** A promise the test opens (or fails) by hand; still-closed latches are failed after each test. */
export interface Latch {
  readonly promise: Promise<void>
  readonly settled: boolean
  open(): void
  fail(error: Error): void
}

export function latch(): Latch {
  let settled = false
  let resolve!: () => void
  let reject!: (error: Error) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A latch failed during cleanup may have no listener left.
  promise.catch(() => undefined)
  return {
    promise,
    get settled() {
      return settled
    },
    open() {
      settled = true
      resolve()
    },
    fail(error) {
      settled = true
      reject(error)
    },
  }
}

/** Deterministic `random`: returns `values` in turn, cycling. */
export function sequenceRandom(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length] ?? 0
}

/** Polls `check` every 2 ms of real time; throws after `timeoutMs` naming what was awaited. */
export async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

export type Receipt = { id: string; by: string }

/** What the next `perform` does; consumed in call order, `ok` when the script is empty. */
export type PerformPlan =
  | { kind: 'ok' }
  | { kind: 'fail'; error: Error; applied?: boolean }
  | { kind: 'wait'; latch: Latch; applyBeforeWaiting?: boolean }

export interface TargetEffect extends Receipt {
  businessKey: string
  idempotencyKey: string
}

/** A test double for an external system: plain functions with counters, no storage. */
export interface FakeTarget {
  readonly name: string
  readonly effects: TargetEffect[]
  /** `perform:<worker>` and `lookup:<worker>` in call order. */
  readonly calls: string[]
  readonly keys: string[]
  /** `start:<label>` / `end:<label>` around every perform. */
  readonly events: string[]
  readonly inFlight: number
  readonly maxInFlight: number
  readonly performs: number
  readonly lookups: number
  plan(...plans: PerformPlan[]): void
  delivery(businessKey: string, by: string, label?: string): DeliverySpec<Receipt>
}

export function fakeTarget(name = 't'): FakeTarget {
  const effects: TargetEffect[] = []
  const calls: string[] = []
  const keys: string[] = []
  const events: string[] = []
  const plans: PerformPlan[] = []
  let inFlight = 0
  let maxInFlight = 0
  const count = (prefix: string): number => calls.filter((c) => c.startsWith(prefix)).length
  return {
    name,
    effects,
    calls,
    keys,
    events,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    get performs() {
      return count('perform:')
    },
    get lookups() {
      return count('lookup:')
    },
    plan: (...more) => void plans.push(...more),
    delivery(businessKey, by, label = businessKey) {
      const apply = (idempotencyKey: string): Receipt => {
        const effect = { id: `${name}-${effects.length + 1}`, by, businessKey, idempotencyKey }
        effects.push(effect)
        return { id: effect.id, by }
      }
      return {
        target: name,
        operation: 'order.upsert',
        businessKey,
        async perform({ idempotencyKey }) {
          const plan = plans.shift() ?? { kind: 'ok' }
          calls.push(`perform:${by}`)
          keys.push(idempotencyKey)
          events.push(`start:${label}`)
          inFlight += 1
          maxInFlight = Math.max(maxInFlight, inFlight)
          try {
            if (plan.kind === 'fail') {
              if (plan.applied === true) apply(idempotencyKey)
              throw plan.error
            }
            if (plan.kind === 'wait') {
              const early = plan.applyBeforeWaiting === true ? apply(idempotencyKey) : undefined
              await plan.latch.promise
              return early ?? apply(idempotencyKey)
            }
            return apply(idempotencyKey)
          } finally {
            inFlight -= 1
            events.push(`end:${label}`)
          }
        },
        lookup() {
          calls.push(`lookup:${by}`)
          const found = effects.find((e) => e.businessKey === businessKey)
          return Promise.resolve(found === undefined ? null : { id: found.id, by: found.by })
        },
      }
    },
  }
}

export interface DeliveryFlowOptions {
  /** Labels this engine's calls at the target (`perform:<by>`). */
  by?: string
  name?: string
  /** Receives `ctx.attempt` each time the flow body starts. */
  attempts?: number[]
  /** Awaited after the delivery, before the run completes. */
  after?: (ctx: RunContext) => Promise<void>
}

/** One delivery of the message's business key to `target`; the output is `{ receipt }`. */
export function deliveryFlow(target: FakeTarget, options: DeliveryFlowOptions = {}): FlowDefinition {
  return defineFlow({
    name: options.name ?? 'push-order',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx, message) {
      options.attempts?.push(ctx.attempt)
      const spec = target.delivery(ctx.businessKey, options.by ?? 'w', message.sourceMessageId)
      const receipt = await ctx.deliver('push', spec)
      await options.after?.(ctx)
      return { receipt }
    },
  })
}

export function stepNamed(run: { steps: StepRecord[] }, name: string): StepRecord {
  const step = run.steps.find((s) => s.name === name)
  if (step === undefined) throw new Error(`run has no step ${name}`)
  return step
}

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
    completed: (e) => void events.push(`completed run=${e.runId}`),
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
