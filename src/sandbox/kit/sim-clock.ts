/** @module sandbox/kit/sim-clock — a simulator's own clock: the injected "now" plus an offset a test can skip forward, so hours of token lifetimes, warehouse work or webhook backoff pass in milliseconds. */

export interface ClockView {
  readonly now: string
  readonly epochMs: number
  /** How far this clock runs ahead of the injected one. */
  readonly offsetMs: number
}

export class SimClock {
  readonly #base: () => number
  #offsetMs = 0
  #listeners = new Set<() => void>()

  constructor(base: () => number) {
    this.#base = base
  }

  /** Bound so it can be handed around as a plain `() => number`. */
  readonly now = (): number => this.#base() + this.#offsetMs

  /**
   * Moves time forward only: events carry their time and consumers order by it, so a clock that
   * ran backwards would make a later event look older than one already sent.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward')
    this.#offsetMs += ms
    for (const listener of [...this.#listeners]) listener()
  }

  /** How far this clock runs ahead of the injected one. */
  get offsetMs(): number {
    return this.#offsetMs
  }

  /** Jumps to an instant at or after now. */
  set(epochMs: number): void {
    this.advance(epochMs - this.now())
  }

  /** Called after every jump, so due work (progression, webhook retries) runs at once. */
  onJump(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  view(): ClockView {
    const epochMs = this.now()
    return { now: new Date(epochMs).toISOString(), epochMs, offsetMs: this.#offsetMs }
  }

  /** Back to the injected clock; listeners stay (they belong to the simulator, not the data). */
  reset(): void {
    this.#offsetMs = 0
  }
}

/** What `POST /__sim/clock` accepts: a forward step, or an instant at or after now. */
export type ClockMove = { readonly ms: number } | { readonly to: number }

/**
 * Parses `{advanceMs}` or `{to: ISO time}`; a string saying what to send instead when it is
 * neither. Every simulator's clock route takes the same body.
 */
export function parseClockMove(body: unknown): ClockMove | string {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const keys = Object.keys(fields)
  if (keys.length === 1 && Number.isInteger(fields.advanceMs) && Number(fields.advanceMs) >= 0) {
    return { ms: Number(fields.advanceMs) }
  }
  if (keys.length === 1 && typeof fields.to === 'string' && !Number.isNaN(Date.parse(fields.to))) {
    return { to: Date.parse(fields.to) }
  }
  return 'send {"advanceMs": <whole milliseconds ≥ 0>} or {"to": "<ISO 8601 time>"}'
}

/** Applies a move; throws RangeError for an instant in the past. */
export function moveClock(clock: SimClock, move: ClockMove): ClockView {
  if ('ms' in move) clock.advance(move.ms)
  else clock.set(move.to)
  return clock.view()
}
