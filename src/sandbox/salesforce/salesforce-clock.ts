/** @module sandbox/salesforce/salesforce-clock — the org's "now": the injected clock plus an offset a test can move forward, so 72 h of retention or a session timeout pass in a moment. */

export class SalesforceClock {
  readonly #base: () => number
  #offsetMs = 0

  constructor(base: () => number) {
    this.#base = base
  }

  /** Epoch milliseconds as the simulated org sees them. */
  readonly now = (): number => this.#base() + this.#offsetMs

  get offsetMs(): number {
    return this.#offsetMs
  }

  /** Moves time forward (or back, for a test of a clock step); returns the new now. */
  advance(ms: number): number {
    this.#offsetMs += ms
    return this.now()
  }

  /** Jumps to an instant; the offset keeps counting with the base clock afterwards. */
  set(epochMs: number): number {
    this.#offsetMs = epochMs - this.#base()
    return this.now()
  }

  reset(): void {
    this.#offsetMs = 0
  }
}

/** Salesforce's REST datetime format: always UTC with milliseconds and a `+0000` offset. */
export function sfDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000')
}

/** Salesforce keeps audit timestamps to the second; If-Unmodified-Since compares at that grain. */
export const toSecond = (epochMs: number): number => Math.floor(epochMs / 1000) * 1000
