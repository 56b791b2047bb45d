/** @module engine/rate-governor — at most N calls per second to one target account.
 *
 * A generic cell-rate algorithm (the virtual-scheduling form of a token bucket): each call reserves
 * the next free instant on the target's schedule, synchronously, so callers are served in the order
 * they asked and a backlog released at once (a circuit closing, a recovery) leaves at the
 * configured pace instead of as a burst. `burst` calls may go back to back after a quiet spell.
 * Time comes from the engine's Clock so tests advance it instead of sleeping.
 */
import type { Clock } from '../clock/clock.ts'

export interface RateLimit {
  /** Sustained calls per second. */
  perSecond: number
  /** Calls that may go at once after an idle spell (default 1: evenly spaced). */
  burst?: number
}

export class RateGovernor {
  readonly #clock: Clock
  #intervalMs = 0
  #toleranceMs = 0
  #limit: Required<RateLimit> = { perSecond: 1, burst: 1 }
  /** The theoretical arrival time of the next call at the sustained rate. */
  #nextAt = 0

  constructor(clock: Clock, limit: RateLimit) {
    this.#clock = clock
    this.setLimit(limit)
  }

  get limit(): Readonly<Required<RateLimit>> {
    return this.#limit
  }

  setLimit(limit: RateLimit): void {
    this.#limit = checked(limit)
    this.#intervalMs = 1_000 / this.#limit.perSecond
    this.#toleranceMs = (this.#limit.burst - 1) * this.#intervalMs
  }

  /**
   * Waits for this call's turn. An aborted wait gives its reserved instant up to nobody: the
   * schedule only runs slower for it, never faster than the limit.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    const waitMs = this.reserve()
    if (waitMs > 0) await this.#clock.sleep(waitMs, signal)
  }

  /** Reserves the next instant and returns how long to wait for it (0: go now). */
  reserve(): number {
    const now = this.#clock.now()
    const due = Math.max(this.#nextAt, now)
    this.#nextAt = due + this.#intervalMs
    return Math.max(0, due - this.#toleranceMs - now)
  }
}

function checked(limit: RateLimit): Required<RateLimit> {
  if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond)) {
    throw new RangeError(`rate limit must be a positive number per second, got ${limit.perSecond}`)
  }
  const burst = limit.burst ?? 1
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`rate burst must be a whole number ≥ 1, got ${burst}`)
  }
  return { perSecond: limit.perSecond, burst }
}
