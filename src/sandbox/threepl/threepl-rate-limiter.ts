/** @module sandbox/threepl/threepl-rate-limiter — the account's token bucket: a burst, refilled at a steady rate, and the wait a 429's Retry-After announces. */

export interface RateTake {
  readonly ok: boolean
  readonly limit: number
  /** Whole tokens left after this request. */
  readonly remaining: number
  /** Whole seconds until a token is back: the Retry-After of a refusal, the reset hint otherwise. */
  readonly resetSeconds: number
}

export class TokenBucket {
  readonly #now: () => number
  readonly burst: number
  readonly perSecond: number
  #tokens: number
  #at: number

  constructor(now: () => number, burst: number, perSecond: number) {
    if (!Number.isInteger(burst) || burst < 1 || !(perSecond > 0)) {
      throw new RangeError('rate limit burst must be a positive integer and perSecond > 0')
    }
    this.#now = now
    this.burst = burst
    this.perSecond = perSecond
    this.#tokens = burst
    this.#at = now()
  }

  take(): RateTake {
    this.#refill()
    const ok = this.#tokens >= 1
    if (ok) this.#tokens -= 1
    // Rounded up, never 0: a client told "Retry-After: 0" retries at once and is refused again.
    const wait = Math.max(1, Math.ceil((1 - Math.min(1, this.#tokens)) / this.perSecond))
    return {
      ok,
      limit: this.burst,
      remaining: Math.floor(this.#tokens),
      resetSeconds: ok && this.#tokens >= 1 ? 0 : wait,
    }
  }

  reset(): void {
    this.#tokens = this.burst
    this.#at = this.#now()
  }

  #refill(): void {
    const at = this.#now()
    this.#tokens = Math.min(this.burst, this.#tokens + ((at - this.#at) / 1000) * this.perSecond)
    this.#at = at
  }
}
