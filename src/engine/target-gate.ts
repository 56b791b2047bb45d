/** @module engine/target-gate — the per-target governor and circuit breaker every call passes. */
import type { Clock } from '../clock/clock.ts'
import { HubError } from '../errors/hub-error.ts'
import { BudgetGates } from './budget-gates.ts'
import type { EngineObserver } from './engine-observer.ts'
import {
  CircuitBreaker,
  defaultCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker.ts'
import { ConcurrencyGovernor } from './concurrency-governor.ts'
import { RateGovernor, type RateLimit } from './rate-governor.ts'

export interface TargetLimits {
  /** Calls in flight at once to this target, across every flow. */
  concurrency: number
  /** Calls per second to this target, across every flow; unset: no rate cap. */
  rate?: RateLimit
  /**
   * After a call whose outcome is unknown (we gave up waiting, or the connection dropped), the
   * target may still be working on it and counting it against its own limit: keep the slot this
   * long before handing it to the next call.
   */
  inDoubtReleaseMs?: number
  circuit?: Partial<CircuitBreakerOptions>
}

/** Raised instead of calling a target whose circuit is open; it reschedules without burning an attempt. */
export class CircuitOpenError extends HubError {
  constructor(target: string, retryAfterMs: number) {
    super('throttled', `circuit for ${target} is open; waiting ${retryAfterMs} ms before probing`, {
      retryAfterMs,
      code: 'CIRCUIT_OPEN',
    })
    this.name = 'CircuitOpenError'
  }
}

const DEFAULT_IN_DOUBT_RELEASE_MS = 250

interface Gate {
  readonly governor: ConcurrencyGovernor
  rate: RateGovernor | undefined
  breaker: CircuitBreaker
  inDoubtReleaseMs: number
}

export class TargetGates {
  readonly #clock: Clock
  readonly #observer: EngineObserver
  readonly #defaults: TargetLimits
  readonly #gates = new Map<string, Gate>()
  /** `target|businessKey` → the tail of the queue of calls about that key. */
  readonly #keyQueues = new Map<string, Promise<void>>()
  /** `target|businessKey` → epoch ms before which nobody may call about that key again. */
  readonly #holds = new Map<string, number>()
  /** Flows' shares of a target, passed before the target's own slots (budget-gates.ts). */
  readonly budgets: BudgetGates

  constructor(clock: Clock, observer: EngineObserver, defaults: TargetLimits = { concurrency: 8 }) {
    this.#clock = clock
    this.#observer = observer
    this.#defaults = defaults
    this.budgets = new BudgetGates(clock)
  }

  /** Sets a target's limits, e.g. from NetSuite's governanceLimits read at start. */
  configure(target: string, limits: Partial<TargetLimits>): void {
    const gate = this.#gate(target, { ...this.#defaults, ...limits })
    if (limits.concurrency !== undefined) gate.governor.setLimit(limits.concurrency)
    // A gate may exist already (anything that touched the target creates it): new circuit
    // options replace its breaker rather than being silently ignored.
    if (limits.circuit !== undefined) {
      gate.breaker = new CircuitBreaker(
        this.#clock,
        { ...defaultCircuitBreakerOptions, ...limits.circuit },
        (state) => this.#observer.circuit({ target, state }),
      )
    }
    if (limits.inDoubtReleaseMs !== undefined) gate.inDoubtReleaseMs = limits.inDoubtReleaseMs
    if (limits.rate !== undefined) {
      if (gate.rate === undefined) gate.rate = new RateGovernor(this.#clock, limits.rate)
      else gate.rate.setLimit(limits.rate)
    }
  }

  governor(target: string): ConcurrencyGovernor {
    return this.#gate(target).governor
  }

  /** The target's rate cap, or undefined when it has none. */
  rateLimit(target: string): Readonly<Required<RateLimit>> | undefined {
    return this.#gate(target).rate?.limit
  }

  circuitState(target: string): string {
    return this.#gate(target).breaker.state
  }

  /**
   * Remembers a target's Retry-After for one business key, so that no run (not only the one that
   * was throttled) calls about that key before the target said it may.
   */
  holdKey(target: string, businessKey: string, retryAfterMs: number): void {
    const now = this.#clock.now()
    const until = now + retryAfterMs
    const key = `${target}|${businessKey}`
    // Expired holds are dropped lazily; sweep them when the map grows so it stays bounded.
    if (this.#holds.size >= 10_000) {
      for (const [k, t] of this.#holds) if (t <= now) this.#holds.delete(k)
    }
    if ((this.#holds.get(key) ?? 0) < until) this.#holds.set(key, until)
  }

  /** Throws a throttled error while a Retry-After for this key is still running. */
  checkKey(target: string, businessKey: string): void {
    const key = `${target}|${businessKey}`
    const until = this.#holds.get(key)
    if (until === undefined) return
    const wait = until - this.#clock.now()
    if (wait <= 0) {
      this.#holds.delete(key)
      return
    }
    throw new HubError(
      'throttled',
      `${target} asked to wait before calling about ${businessKey} again`,
      {
        retryAfterMs: wait,
        code: 'RETRY_AFTER_HOLD',
      },
    )
  }

  /**
   * Runs `call` as the only call in flight about `businessKey` at this target. Two runs touching
   * the same record (two orders of one customer) then never race each other at the target, and a
   * Retry-After one of them receives is recorded before the other may send.
   */
  async runForKey<T>(
    slot: { target: string; businessKey: string; flowName?: string },
    signal: AbortSignal,
    call: () => Promise<T>,
  ): Promise<T> {
    const { target, businessKey, flowName } = slot
    const key = `${target}|${businessKey}`
    const previous = this.#keyQueues.get(key) ?? Promise.resolve()
    let done!: () => void
    const mine = new Promise<void>((resolve) => (done = resolve))
    const tail = previous.then(() => mine)
    this.#keyQueues.set(key, tail)
    try {
      await waitOrAbort(previous, signal)
      return await this.run(target, signal, call, flowName)
    } finally {
      done()
      if (this.#keyQueues.get(key) === tail) this.#keyQueues.delete(key)
    }
  }

  /**
   * Runs `call` holding one of the target's slots, through its breaker, at the target's rate.
   * The rate is waited for while holding the slot, so slots and the schedule hand out turns in one
   * order and a backlog leaves at the configured pace. The breaker is asked right before the call,
   * after those waits: a call queued while the circuit was closed must not go out after it opened.
   * Failures that say nothing about the target's health (validation, conflict, auth) do not trip
   * the breaker. `flowName`'s budget at the target, if it has one, is passed first: its slot and
   * turn, then the target's.
   */
  async run<T>(
    target: string,
    signal: AbortSignal,
    call: () => Promise<T>,
    flowName?: string,
  ): Promise<T> {
    const gate = this.#gate(target)
    const refusing = gate.breaker.refusingFor()
    if (refusing !== undefined) throw new CircuitOpenError(target, refusing)
    let budgetRelease: (() => void) | undefined
    let release: (() => void) | undefined
    /** Set once the breaker let this call through: whether it is the half-open probe. */
    let probe: boolean | undefined
    let holdMs = 0
    try {
      budgetRelease = await this.budgets.acquire(target, flowName, signal)
      release = await gate.governor.acquire(signal)
      await gate.rate?.acquire(signal)
      const permit = gate.breaker.permit()
      if (!permit.allowed) throw new CircuitOpenError(target, permit.retryAfterMs)
      probe = permit.probe
      const result = await call()
      gate.breaker.success(probe)
      return result
    } catch (error) {
      // A wait for a slot or a turn that was given up (the lease was lost), or a call the breaker
      // refused, says nothing of the target.
      if (probe !== undefined) {
        if (countsAgainstTarget(error)) gate.breaker.failure(probe)
        else gate.breaker.release(probe)
      }
      if (HubError.is(error) && error.type === 'unknown_outcome') holdMs = gate.inDoubtReleaseMs
      throw error
    } finally {
      // Real time, not the engine clock: this models the target's sockets, not business time.
      // The budget's slot is held as long: the call in doubt still counts against its share.
      for (const free of [release, budgetRelease]) {
        if (free !== undefined && holdMs > 0) setTimeout(free, holdMs).unref()
        else free?.()
      }
    }
  }

  #gate(target: string, limits: TargetLimits = this.#defaults): Gate {
    let gate = this.#gates.get(target)
    if (gate === undefined) {
      const options = { ...defaultCircuitBreakerOptions, ...limits.circuit }
      gate = {
        governor: new ConcurrencyGovernor(limits.concurrency),
        rate: limits.rate === undefined ? undefined : new RateGovernor(this.#clock, limits.rate),
        inDoubtReleaseMs: limits.inDoubtReleaseMs ?? DEFAULT_IN_DOUBT_RELEASE_MS,
        breaker: new CircuitBreaker(this.#clock, options, (state) =>
          this.#observer.circuit({ target, state }),
        ),
      }
      this.#gates.set(target, gate)
    }
    return gate
  }
}

function countsAgainstTarget(error: unknown): boolean {
  if (!HubError.is(error)) return true
  return error.type === 'retryable' || error.type === 'unknown_outcome'
}

/** Waits for `turn`, or rejects as soon as `signal` aborts (the queue still advances behind us). */
function waitOrAbort(turn: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    void turn.then(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
  })
}
