/** @module engine/circuit-breaker — one breaker per target, on the injected clock.
 *
 * cockatiel's breaker reads `Date.now()` directly; ours takes the engine's Clock so tests of
 * opening, probing and closing advance time instead of sleeping (docs/decisions/0002).
 */
import type { Clock } from '../clock/clock.ts'

export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const
export type CircuitState = (typeof CIRCUIT_STATES)[number]

export interface CircuitBreakerOptions {
  /** Failure ratio in the window that opens the circuit. */
  failureRatio: number
  /** Calls needed in the window before the ratio is trusted. */
  minimumCalls: number
  windowMs: number
  /** How long the circuit stays open before one probe is let through. */
  openMs: number
}

export const defaultCircuitBreakerOptions = {
  failureRatio: 0.5,
  minimumCalls: 20,
  windowMs: 10_000,
  openMs: 5_000,
} as const satisfies CircuitBreakerOptions

/** Permission to call, or how long to wait before asking again. */
export type CircuitPermit =
  { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number }

export class CircuitBreaker {
  readonly #clock: Clock
  readonly #options: CircuitBreakerOptions
  readonly #onChange: (state: CircuitState) => void
  #state: CircuitState = 'closed'
  #openedAt = 0
  #probeInFlight = false
  #outcomes: Array<{ at: number; failed: boolean }> = []

  constructor(
    clock: Clock,
    options: CircuitBreakerOptions,
    onChange: (state: CircuitState) => void,
  ) {
    this.#clock = clock
    this.#options = options
    this.#onChange = onChange
  }

  get state(): CircuitState {
    return this.#state
  }

  /**
   * How long calls are still turned away, without taking a probe: lets a caller give up before
   * queueing for a slot it would not be allowed to use. Undefined when a call may be asked for.
   */
  refusingFor(): number | undefined {
    if (this.#state !== 'open') return undefined
    const wait = this.#openedAt + this.#options.openMs - this.#clock.now()
    return wait > 0 ? wait : undefined
  }

  permit(): CircuitPermit {
    const now = this.#clock.now()
    if (this.#state === 'open') {
      const reopenAt = this.#openedAt + this.#options.openMs
      if (now < reopenAt) return { allowed: false, retryAfterMs: reopenAt - now }
      this.#transition('half_open')
    }
    if (this.#state === 'half_open') {
      // One probe at a time: the rest wait as long as a probe may take to come back.
      if (this.#probeInFlight) return { allowed: false, retryAfterMs: this.#options.openMs }
      this.#probeInFlight = true
      return { allowed: true, probe: true }
    }
    return { allowed: true, probe: false }
  }

  success(probe: boolean): void {
    if (probe) this.#probeInFlight = false
    if (this.#state === 'half_open') {
      this.#outcomes = []
      this.#transition('closed')
      return
    }
    this.#record(false)
  }

  failure(probe: boolean): void {
    if (probe) this.#probeInFlight = false
    if (this.#state === 'half_open') {
      this.#open()
      return
    }
    this.#record(true)
    const failed = this.#outcomes.filter((o) => o.failed).length
    if (
      this.#state === 'closed' &&
      this.#outcomes.length >= this.#options.minimumCalls &&
      failed / this.#outcomes.length >= this.#options.failureRatio
    ) {
      this.#open()
    }
  }

  /** A probe ended without telling us about the target's health (e.g. a validation error). */
  release(probe: boolean): void {
    if (probe) this.#probeInFlight = false
  }

  #record(failed: boolean): void {
    const now = this.#clock.now()
    this.#outcomes.push({ at: now, failed })
    const horizon = now - this.#options.windowMs
    while (this.#outcomes.length > 0 && (this.#outcomes[0]?.at ?? now) < horizon) {
      this.#outcomes.shift()
    }
  }

  #open(): void {
    this.#openedAt = this.#clock.now()
    this.#outcomes = []
    this.#transition('open')
  }

  #transition(state: CircuitState): void {
    if (this.#state === state) return
    this.#state = state
    this.#onChange(state)
  }
}
