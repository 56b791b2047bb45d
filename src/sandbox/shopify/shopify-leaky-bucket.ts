/** @module sandbox/shopify/shopify-leaky-bucket — the REST Admin API's per-app leaky bucket (40 requests, leaking 2/s on standard plans). */

export interface BucketTake {
  readonly ok: boolean
  /** Requests in the bucket after this one, rounded up, as X-Shopify-Shop-Api-Call-Limit shows them. */
  readonly used: number
  readonly size: number
}

export class LeakyBucket {
  readonly #now: () => number
  readonly size: number
  readonly leakPerSecond: number
  #level = 0
  #at: number

  constructor(now: () => number, size: number, leakPerSecond: number) {
    if (size < 1 || leakPerSecond <= 0) {
      throw new RangeError('bucket size must be ≥ 1 and leak rate > 0')
    }
    this.#now = now
    this.size = size
    this.leakPerSecond = leakPerSecond
    this.#at = now()
  }

  /** Adds one request; refuses it (without adding) when the bucket is full. */
  take(): BucketTake {
    this.#drain()
    if (this.#level + 1 > this.size) return { ok: false, used: this.size, size: this.size }
    this.#level += 1
    return { ok: true, used: Math.ceil(this.#level), size: this.size }
  }

  /** The current fill, for responses that did not go through take(). */
  used(): number {
    this.#drain()
    return Math.ceil(this.#level)
  }

  reset(): void {
    this.#level = 0
    this.#at = this.#now()
  }

  #drain(): void {
    const at = this.#now()
    this.#level = Math.max(0, this.#level - ((at - this.#at) / 1000) * this.leakPerSecond)
    this.#at = at
  }
}
