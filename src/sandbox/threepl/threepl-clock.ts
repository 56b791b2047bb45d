/** @module sandbox/threepl/threepl-clock — the warehouse's own clock: the injected "now" plus an offset a test can skip forward, so hours of warehouse work and webhook backoff pass in milliseconds. */

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

  now(): number {
    return this.#base() + this.#offsetMs
  }

  /**
   * Moves time forward only: events carry `occurred_at` and consumers order by it, so a clock
   * that ran backwards would make a later event look older than one already sent.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward')
    this.#offsetMs += ms
    for (const listener of [...this.#listeners]) listener()
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
