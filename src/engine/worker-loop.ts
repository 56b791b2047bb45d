/** @module engine/worker-loop — claims runs in batches and executes them with bounded concurrency. */
import { setMaxListeners } from 'node:events'
import type { ClaimedRun, Store } from '../store/store-contract.ts'
import type { FlowDefinition } from './flow-definition.ts'
import { executeRun, type RunExecutorDeps } from './run-executor.ts'

export interface WorkerOptions {
  tenantId: string
  workerId: string
  /** Runs executing at once in this process. */
  concurrency: number
  /** Most runs claimed in one statement. */
  claimBatch: number
  /** How long to wait for new work when idle, in real milliseconds (woken early by `notify`). */
  idlePollMs: number
}

export class WorkerLoop {
  readonly #deps: RunExecutorDeps & { store: Store }
  readonly #flows: Map<string, FlowDefinition>
  readonly #options: WorkerOptions
  readonly #inFlight = new Set<Promise<void>>()
  readonly #stop = new AbortController()
  #wake: (() => void) | undefined
  /** Set by a notify that arrives while the loop is busy, so the wake-up is not lost. */
  #notified = false
  #loop: Promise<void> | undefined

  constructor(deps: RunExecutorDeps, flows: FlowDefinition[], options: WorkerOptions) {
    // Every run in flight listens for the stop signal: that is `concurrency` listeners, not a leak.
    setMaxListeners(0, this.#stop.signal)
    this.#deps = deps
    this.#flows = new Map(flows.map((f) => [f.name, f]))
    this.#options = options
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  /** New work may be ready: stop idling. */
  notify(): void {
    this.#notified = true
    this.#wake?.()
  }

  /** Stops claiming; aborts in-flight runs (their leases expire or are resumed from memo). */
  async stop(): Promise<void> {
    this.#stop.abort()
    this.notify()
    await this.#loop
    await Promise.allSettled([...this.#inFlight])
  }

  /** Claims and executes one batch, waiting for it to finish; for tests that drive time by hand. */
  async runOnce(): Promise<number> {
    const runs = await this.#claim(this.#options.concurrency)
    await Promise.all(runs.map((run) => this.#execute(run)))
    return runs.length
  }

  async #run(): Promise<void> {
    let failures = 0
    // Under load runs finish one at a time; claiming for each freed slot would cost a claim
    // statement per run. When woken by a finished or new run, the loop claims only once a quarter
    // of a batch is free, so a busy worker claims several runs per statement while an idle one
    // still claims the first run at once. Once a poll interval passed since the last claim it
    // claims whatever is free, so slots held by slow runs never keep other work waiting longer.
    let lastClaimAt = Number.NEGATIVE_INFINITY
    const lowWater = Math.max(
      1,
      Math.floor(Math.min(this.#options.concurrency, this.#options.claimBatch) / 4),
    )
    while (!this.#stop.signal.aborted) {
      const want = Math.min(
        this.#options.concurrency - this.#inFlight.size,
        this.#options.claimBatch,
      )
      let claimed = 0
      const due = performance.now() - lastClaimAt >= this.#options.idlePollMs
      if (want >= lowWater || (due && want > 0)) {
        lastClaimAt = performance.now()
        try {
          const runs = await this.#claim(want)
          claimed = runs.length
          failures = 0
          for (const run of runs) this.#track(this.#execute(run))
        } catch (error) {
          failures += 1
          this.#deps.onError(error)
        }
      }
      if (claimed > 0 && claimed === want) continue
      const backoff = failures > 0 ? Math.min(5_000, 100 * 2 ** failures) : this.#options.idlePollMs
      await this.#idle(backoff)
    }
  }

  async #claim(limit: number): Promise<ClaimedRun[]> {
    if (limit <= 0) return []
    return this.#deps.store.runClaim({
      tenantId: this.#options.tenantId,
      workerId: this.#options.workerId,
      limit,
      now: this.#deps.clock.now(),
      leaseMs: this.#deps.leaseMs,
      flowNames: [...this.#flows.keys()],
    })
  }

  async #execute(run: ClaimedRun): Promise<void> {
    const flow = this.#flows.get(run.flowName)
    if (flow === undefined) return
    await executeRun(this.#deps, flow, run, this.#stop.signal)
  }

  #track(promise: Promise<void>): void {
    this.#inFlight.add(promise)
    void promise.finally(() => {
      this.#inFlight.delete(promise)
      // A finished run frees a slot and may unblock the next run of the same business key.
      this.notify()
    })
  }

  #idle(ms: number): Promise<void> {
    if (this.#notified) {
      this.#notified = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.#wake = () => {
        this.#wake = undefined
        this.#notified = false
        done()
      }
    })
  }
}
