/** @module sandbox/sap/sap-clock — the simulated system's time: the injected clock plus an offset tests can move forward. */

/** One clock for everything the SAP simulator decides by time: sessions, stamps, Retry-After. */
export class SapClock {
  readonly #base: () => number
  #offsetMs = 0

  constructor(base: () => number) {
    this.#base = base
  }

  /** Bound so it can be handed around as a plain `() => number`. */
  readonly now = (): number => this.#base() + this.#offsetMs

  get offsetMs(): number {
    return this.#offsetMs
  }

  /** Moves time forward (never back: stamps and ETags must not repeat); returns the new now. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative number')
    this.#offsetMs += ms
    return this.now()
  }

  reset(): void {
    this.#offsetMs = 0
  }
}
