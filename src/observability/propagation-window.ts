/** @module observability/propagation-window — p95 over the most recent propagation times.
 *
 * The histogram answers "how was the last hour" in Grafana; the one-line summary needs "how is it
 * now", exactly, so it keeps the last N samples in a ring buffer instead of interpolating buckets.
 */

export interface PropagationWindow {
  record(ms: number): void
  /** The nearest-rank percentile (0 < p ≤ 100) of the samples in the window; null when empty. */
  percentile(p: number): number | null
  readonly size: number
}

export function createPropagationWindow(capacity = 2_000): PropagationWindow {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`window capacity must be a positive integer, got ${capacity}`)
  }
  const samples = new Float64Array(capacity)
  let count = 0
  let next = 0
  return {
    record(ms) {
      if (!Number.isFinite(ms) || ms < 0) return
      samples[next] = ms
      next = (next + 1) % capacity
      count = Math.min(count + 1, capacity)
    },
    percentile(p) {
      if (count === 0) return null
      // Sorting 2,000 doubles takes microseconds and happens once per summary, not per sample.
      const sorted = samples.slice(0, count).sort()
      const rank = Math.min(count, Math.max(1, Math.ceil((p / 100) * count)))
      return sorted[rank - 1] ?? null
    },
    get size() {
      return count
    },
  }
}
