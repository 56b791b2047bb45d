// The system under test for the model-based property: one tenant on a real store, a HubEngine on a manual clock driven by runOnce, the ledger target, and crashes.
import { manualClock, type ManualClock } from '../../../src/clock/clock.ts'
import { defineFlow, type FlowDefinition } from '../../../src/engine/flow-definition.ts'
import { HubEngine } from '../../../src/engine/hub-engine.ts'
import type { ModelConfig, TargetMode } from '../../../src/reliability/model/delivery-model.ts'
import type { Store } from '../../../src/store/store-contract.ts'
import { LedgerTarget } from './ledger-target.ts'
import { ObservedStore } from './observed-store.ts'

export const SOURCE = 'shop'
export const TOPIC = 'orders/create'
export const FLOW = 'push-order'
export const START_MS = Date.parse('2026-01-01T00:00:00Z')
/** Workers are `worker-1`, `worker-2`, … in the order they start (the model names them alike). */
export const WORKER_PREFIX = 'worker'

let tenants = 0

/** Polls (real time) until `done`, failing with `what` after `timeoutMs`. */
async function until(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

export class DeliverySystem {
  readonly observed: ObservedStore
  readonly tenantId: string
  readonly clock: ManualClock
  readonly target: LedgerTarget
  readonly config: ModelConfig
  /**
   * Whether the stored attempt counter may never pass the cap. Off in the main property because
   * of the known engine gap in delivery-regressions.ts (workers dying between claim and
   * execution push the counter past the cap); the target-side check (no call at or past the cap)
   * always holds.
   */
  readonly strictAttemptCounter: boolean
  /** The live worker id (the model names workers the same way). */
  workerId: string
  /** Real run id per model run index. */
  readonly runIds: string[] = []
  /** Errors the engines reported through onError: there must be none. */
  readonly errors: string[] = []
  /** What the checker saw last, per run id: state, and outputs once completed. */
  readonly seen = new Map<string, { state: string; output?: string; stepOutput?: string }>()
  /** Store and target activity at the last full check. */
  checkedAt = -1
  #engine: HubEngine
  #ghosts = 0

  constructor(store: Store, config: ModelConfig, strictAttemptCounter = false) {
    this.strictAttemptCounter = strictAttemptCounter
    this.observed = new ObservedStore(store)
    this.tenantId = `model-${process.pid}-${++tenants}-${Date.now().toString(36)}`
    this.clock = manualClock(START_MS)
    this.target = new LedgerTarget(this.clock, config.maxAttempts)
    this.config = config
    this.workerId = `${WORKER_PREFIX}-1`
    this.#engine = this.#newEngine()
  }

  get store(): Store {
    return this.observed.store
  }

  #flow(by: string): FlowDefinition {
    return defineFlow({
      name: FLOW,
      trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
      run: async (ctx, message) => {
        const spec = this.target.delivery({
          runId: ctx.runId,
          businessKey: ctx.businessKey,
          version: message.sourceMessageId,
          by,
          attempt: ctx.attempt,
        })
        const receipt = await ctx.deliver('push', spec)
        if (this.target.mode.kind === 'okThenCrash') {
          await this.target.hangUntilAborted(ctx.runId, ctx.signal)
        }
        return { receipt }
      },
    })
  }

  #newEngine(): HubEngine {
    const by = this.workerId
    return new HubEngine({
      store: this.store,
      tenantId: this.tenantId,
      clock: this.clock,
      flows: [this.#flow(by)],
      workerId: by,
      random: () => this.config.random,
      leaseMs: this.config.leaseMs,
      // Real-time heartbeats would move leases on the manual clock behind the model's back.
      heartbeatMs: 3_600_000,
      retryPolicy: {
        maxAttempts: this.config.maxAttempts,
        baseDelayMs: this.config.baseDelayMs,
        maxDelayMs: this.config.maxDelayMs,
        throttleJitterMs: this.config.throttleJitterMs,
      },
      // The circuit breaker is outside this model (test/engine/engine-gates covers it): keep it shut.
      defaultTargetLimits: {
        concurrency: 64,
        inDoubtReleaseMs: 0,
        circuit: { minimumCalls: Number.MAX_SAFE_INTEGER },
      },
      onError: (error) => void this.errors.push(`${by}: ${String(error)}`),
    })
  }

  async ingest(
    messageId: string,
    businessKey: string,
  ): Promise<{ inserted: boolean; runIds: string[] }> {
    return this.#engine.ingest({
      sourceSystem: SOURCE,
      sourceMessageId: messageId,
      connection: 'main',
      topic: TOPIC,
      payload: JSON.stringify({ order: messageId, key: businessKey }),
      headers: {},
      triggeredAt: null,
      businessKey,
    })
  }

  /** The target answers `mode` for this batch; the engine claims and executes one batch. */
  async runOnce(mode: TargetMode): Promise<number> {
    this.target.mode = mode
    try {
      return await this.#engine.runOnce()
    } finally {
      this.target.mode = { kind: 'ok' }
    }
  }

  /**
   * Kills the worker mid-call (`hang`) or after its step is recorded (`okThenCrash`): its batch
   * runs until every run it holds hangs (or finished), then it is stopped, which aborts them
   * without a word to the store. A new engine (next worker id, no memory of the dead one) takes over.
   */
  async crash(mode: TargetMode): Promise<{ claimed: number; hung: number }> {
    const dead = this.#engine
    const worker = this.workerId
    const claimsBefore = this.observed.claims.get(worker) ?? 0
    this.target.mode = mode
    let claimed: number | undefined
    const batch = dead.runOnce().then((n) => (claimed = n))
    await until(`worker ${worker} to hang on every run it holds`, () => {
      if (claimed !== undefined) return true
      if ((this.observed.claims.get(worker) ?? 0) === claimsBefore) return false
      const held = this.observed.runsLeasedBy(worker)
      return (
        this.observed.pending === 0 &&
        held.length === this.target.hung.size &&
        held.every((id) => this.target.hung.has(id))
      )
    })
    // A delivery's result is recorded by the run's next write or, when the flow waits on
    // something else as a hanging one does, on its own once the event loop turns (the engine's
    // carried completions): let it turn, and let that write land, before the worker dies.
    await new Promise((resolve) => setImmediate(resolve))
    await until('the dying worker to finish its writes', () => this.observed.pending === 0)
    const hung = claimed === undefined ? this.target.hung.size : 0
    await dead.stop()
    const count = await batch
    this.target.mode = { kind: 'ok' }
    this.workerId = `${WORKER_PREFIX}-${Number(this.workerId.split('-').pop()) + 1}`
    this.#engine = this.#newEngine()
    return { claimed: count, hung }
  }

  /** A worker that claims whatever is due and dies before doing anything (lease left to expire). */
  async ghostClaim(): Promise<number> {
    const runs = await this.store.runClaim({
      tenantId: this.tenantId,
      workerId: `ghost-${++this.#ghosts}`,
      limit: 32,
      now: this.clock.now(),
      leaseMs: this.config.leaseMs,
      flowNames: [FLOW],
    })
    return runs.length
  }

  replay(): Promise<{ replayed: string[] }> {
    return this.#engine.replay()
  }

  async dispose(): Promise<void> {
    await this.#engine.stop()
  }
}
