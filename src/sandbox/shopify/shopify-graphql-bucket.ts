/** @module sandbox/shopify/shopify-graphql-bucket — the GraphQL Admin API's calculated-cost bucket: points restored per second, the requested cost held up front, the unused part refunded. */

export interface ThrottleStatus {
  readonly maximumAvailable: number
  readonly currentlyAvailable: number
  readonly restoreRate: number
}

export class CostBucket {
  readonly #now: () => number
  readonly maximumAvailable: number
  readonly restoreRate: number
  #available: number
  #at: number

  /** Current docs: 2,000 points restoring 100/s on standard plans; older docs: 1,000 and 50/s. */
  constructor(now: () => number, maximumAvailable: number, restoreRate: number) {
    if (maximumAvailable < 1 || restoreRate <= 0) {
      throw new RangeError('GraphQL bucket size must be ≥ 1 and restore rate > 0')
    }
    this.#now = now
    this.maximumAvailable = maximumAvailable
    this.restoreRate = restoreRate
    this.#available = maximumAvailable
    this.#at = now()
  }

  /** Holds `requested` points; refuses (holding nothing) when fewer are available. */
  take(requested: number): boolean {
    this.#restore()
    if (requested > this.#available) return false
    this.#available -= requested
    return true
  }

  /** Gives back what a query requested but did not use. */
  refund(points: number): void {
    this.#restore()
    this.#available = Math.min(this.maximumAvailable, this.#available + Math.max(0, points))
  }

  status(): ThrottleStatus {
    this.#restore()
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.#available),
      restoreRate: this.restoreRate,
    }
  }

  reset(): void {
    this.#available = this.maximumAvailable
    this.#at = this.#now()
  }

  #restore(): void {
    const at = this.#now()
    this.#available = Math.min(
      this.maximumAvailable,
      this.#available + ((at - this.#at) / 1000) * this.restoreRate,
    )
    this.#at = at
  }
}
