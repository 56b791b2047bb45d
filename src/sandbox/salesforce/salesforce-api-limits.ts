/** @module sandbox/salesforce/salesforce-api-limits — the org's daily API allocation on a rolling 24 h window (by the org's clock), reported in Sforce-Limit-Info and /limits. */

const WINDOW_MS = 24 * 60 * 60 * 1000
const BUCKET_MS = 60 * 1000

export class ApiLimits {
  readonly #now: () => number
  readonly #defaultMax: number
  #max: number
  /** Calls per minute: a rolling window without keeping every call. */
  #buckets = new Map<number, number>()

  constructor(now: () => number, max: number) {
    this.#now = now
    this.#defaultMax = max
    this.#max = max
  }

  get max(): number {
    return this.#max
  }

  /** Calls counted in the last 24 hours. */
  used(): number {
    const cutoff = Math.floor((this.#now() - WINDOW_MS) / BUCKET_MS)
    let total = 0
    for (const [bucket, count] of this.#buckets) {
      if (bucket <= cutoff) this.#buckets.delete(bucket)
      else total += count
    }
    return total
  }

  exhausted(): boolean {
    return this.used() >= this.#max
  }

  record(calls = 1): void {
    const bucket = Math.floor(this.#now() / BUCKET_MS)
    this.#buckets.set(bucket, (this.#buckets.get(bucket) ?? 0) + calls)
  }

  /**
   * Sets the allocation and, when given, how much of it is used now (other integrations'
   * calls), so a test can put the org near its cap.
   */
  configure(max?: number, used?: number): void {
    if (max !== undefined) this.#max = max
    if (used !== undefined) {
      this.#buckets = new Map()
      if (used > 0) this.record(used)
    }
  }

  /** `api-usage=N/M`, the value of Sforce-Limit-Info. */
  header(): string {
    return `api-usage=${this.used()}/${this.#max}`
  }

  reset(): void {
    this.#max = this.#defaultMax
    this.#buckets = new Map()
  }
}
