/** @module reliability/load/hdr-percentiles — an HDR-style latency histogram: log-linear buckets with better than 0.5% relative error from 1 µs to 1 h, mergeable, in constant memory. */

/** Values are counted in nanoseconds, so 1 µs already sits in the log-linear range. */
const UNITS_PER_MS = 1_000_000
/** Linear sub-buckets per power of two: a bucket is at most 1/128 of its value wide. */
const SUB_BUCKETS = 128
const SUB_BITS = 7
/** Values below this many units are counted exactly, one bucket per unit. */
const LINEAR_LIMIT = 2 * SUB_BUCKETS
/** The highest value with full precision: 1 hour. Larger values land in the top bucket. */
export const HDR_MAX_MS = 3_600_000
const MAX_UNITS = HDR_MAX_MS * UNITS_PER_MS

/**
 * The bucket of a value in units. Below {@link LINEAR_LIMIT} a bucket is one unit; above, each
 * power of two [2^e, 2^(e+1)) is cut into {@link SUB_BUCKETS} equal slices of width 2^(e-7).
 */
function bucketOf(units: number): number {
  if (units < LINEAR_LIMIT) return units
  // Math.clz32 stops at 2^32 and values reach 3.6e12; log2 can be off by one near a power of two.
  let exponent = Math.floor(Math.log2(units))
  if (2 ** exponent > units) exponent -= 1
  else if (2 ** (exponent + 1) <= units) exponent += 1
  const shift = exponent - SUB_BITS
  const sub = Math.floor(units / 2 ** shift)
  return LINEAR_LIMIT + (exponent - SUB_BITS - 1) * SUB_BUCKETS + (sub - SUB_BUCKETS)
}

/** The [lowest, highest) values in units that fall into a bucket. */
function boundsOf(bucket: number): [number, number] {
  if (bucket < LINEAR_LIMIT) return [bucket, bucket + 1]
  const offset = bucket - LINEAR_LIMIT
  const shift = Math.floor(offset / SUB_BUCKETS) + 1
  const sub = SUB_BUCKETS + (offset % SUB_BUCKETS)
  const width = 2 ** shift
  return [sub * width, (sub + 1) * width]
}

const BUCKETS = bucketOf(MAX_UNITS) + 1

/**
 * Records latencies in milliseconds and answers percentiles within 0.5% of the exact
 * nearest-rank value (the bucket midpoint is at most half a 1/128-wide bucket away).
 * Count, min, max and mean are exact.
 */
export class HdrHistogram {
  readonly #counts = new Float64Array(BUCKETS)
  #count = 0
  #sum = 0
  #min = Number.POSITIVE_INFINITY
  #max = 0

  /** Records one value in milliseconds (0 up to 1 h; larger values keep their exact max). */
  record(valueMs: number): void {
    if (!Number.isFinite(valueMs) || valueMs < 0) {
      throw new RangeError(`latency must be a finite, non-negative number of ms, got ${valueMs}`)
    }
    const units = Math.min(Math.round(valueMs * UNITS_PER_MS), MAX_UNITS)
    const bucket = bucketOf(units)
    this.#counts[bucket] = (this.#counts[bucket] ?? 0) + 1
    this.#count += 1
    this.#sum += valueMs
    this.#min = Math.min(this.#min, valueMs)
    this.#max = Math.max(this.#max, valueMs)
  }

  get count(): number {
    return this.#count
  }

  /** The largest value recorded, exactly; 0 when empty. */
  get max(): number {
    return this.#max
  }

  /** The smallest value recorded, exactly; 0 when empty. */
  get min(): number {
    return this.#count === 0 ? 0 : this.#min
  }

  /** The exact arithmetic mean; 0 when empty. */
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count
  }

  /**
   * The nearest-rank percentile (`p` in 0..100): the value at rank ceil(p/100 · count). 0 is the
   * min and 100 the max, both exact; 0 when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
    if (this.#count === 0) return 0
    if (p === 0) return this.#min
    if (p === 100) return this.#max
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count))
    let seen = 0
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket] ?? 0
      if (seen >= rank) {
        const [low, high] = boundsOf(bucket)
        const mid = bucket < LINEAR_LIMIT ? low : (low + high) / 2
        // The exact extremes bound every estimate: never report beyond what was seen.
        return Math.min(this.#max, Math.max(this.#min, mid / UNITS_PER_MS))
      }
    }
    return this.#max
  }

  /** Adds another histogram's values into this one (e.g. one per worker or per outcome). */
  merge(other: HdrHistogram): this {
    const theirs = other.#counts
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const n = theirs[bucket] ?? 0
      if (n !== 0) this.#counts[bucket] = (this.#counts[bucket] ?? 0) + n
    }
    this.#count += other.#count
    this.#sum += other.#sum
    this.#min = Math.min(this.#min, other.#min)
    this.#max = Math.max(this.#max, other.#max)
    return this
  }

  /** A plain summary for logs and JSON reports. */
  summary(): HistogramSummary {
    return {
      count: this.count,
      min: this.min,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
    }
  }
}

/** The percentiles a load report prints, in milliseconds. */
export interface HistogramSummary {
  readonly count: number
  readonly min: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
}
