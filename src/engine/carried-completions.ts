/** @module engine/carried-completions — step results held back to ride on the run's next write.
 *
 * Memoizing every step in its own statement made an order of two deliveries and a local step eight
 * round trips to the database. A completed step's result is instead carried by the run's next
 * write when that write follows at once: the next delivery's start or the run's end, reached
 * through the flow's own synchronous code. If the flow instead waits on anything else (a timer,
 * I/O, a slow local step), the results are flushed on their own as soon as the event loop turns,
 * so a step's result is durable as promptly as before.
 *
 * Why this is safe: every write that precedes something leaving the worker (a delivery's start
 * comes before its request) carries or waits for everything held, so no external effect ever
 * depends on a result that is not durable. A crash in the window loses only results that the
 * re-entered run recomputes (a local, deterministic step) or reads back from the target (a
 * delivery whose start is recorded and whose outcome is therefore in doubt).
 */
import type { StepCompletion, Store, VersionGuard } from '../store/store-contract.ts'

export interface CarriedCompletionsDeps {
  store: Store
  lease: { tenantId: string; runId: string; leaseVersion: number }
  now: () => number
}

export class CarriedCompletions {
  readonly #deps: CarriedCompletionsDeps
  #held: StepCompletion[] = []
  #flushing: Promise<boolean> | undefined
  #scheduled = false
  #closed = false

  constructor(deps: CarriedCompletionsDeps) {
    this.#deps = deps
  }

  /** Holds a completed step's result; flushed on its own if no write carries it this turn. */
  add(completion: StepCompletion): void {
    this.#held.push(completion)
    if (this.#scheduled) return
    this.#scheduled = true
    // setImmediate runs after the microtasks of this turn: a flow that goes straight on to its
    // next delivery or returns has taken the results into that write by then.
    setImmediate(() => {
      this.#scheduled = false
      if (this.#closed || this.#held.length === 0 || this.#flushing !== undefined) return
      void this.flush().catch(() => {
        // Put back by flush; the run's next write carries them or reports the store's error.
      })
    })
  }

  /**
   * True when a held completion raises the guarded entity: a guard checked in the same statement
   * would not see that raise, so the completions must be written first.
   */
  raises(guard: VersionGuard): boolean {
    return this.#held.some(
      (c) =>
        c.entityVersion !== undefined &&
        c.entityVersion.target === guard.target &&
        c.entityVersion.businessKey === guard.businessKey,
    )
  }

  /** Everything held, for the write that carries it, once a flush in flight has landed. */
  async take(): Promise<StepCompletion[]> {
    await this.#settled()
    const taken = this.#held
    this.#held = []
    return taken
  }

  /**
   * Writes whatever is held now, in one statement. False when the lease is gone (nothing was
   * written); true when the lease is held or nothing was held. A store error puts the results
   * back, so the next write still carries them.
   */
  async flush(): Promise<boolean> {
    await this.#settled()
    const held = this.#held
    const last = held.at(-1)
    if (last === undefined) return true
    this.#held = []
    const write = this.#deps.store
      .stepComplete({
        ...this.#deps.lease,
        now: this.#deps.now(),
        ...last,
        carried: held.slice(0, -1),
      })
      .catch((error: unknown) => {
        this.#held = [...held, ...this.#held]
        throw error
      })
    this.#flushing = write
    try {
      return await write
    } finally {
      if (this.#flushing === write) this.#flushing = undefined
    }
  }

  /** The run's attempt is over: nothing more is written for it. */
  close(): void {
    this.#closed = true
    this.#held = []
  }

  async #settled(): Promise<void> {
    while (this.#flushing !== undefined) {
      // Its outcome belongs to whoever started it; the waiter only needs it to be over.
      await this.#flushing.catch(() => undefined)
    }
  }
}
