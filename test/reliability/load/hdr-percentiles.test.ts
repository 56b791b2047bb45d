/** @module test/reliability/load/hdr-percentiles.test — the histogram's percentiles against exact nearest-rank values of sorted random data. */

import { describe, expect, it } from 'vitest'
import { HDR_MAX_MS, HdrHistogram } from '../../../src/reliability/load/hdr-percentiles.ts'

/** mulberry32: a seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const exact = (sorted: number[], p: number): number =>
  sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? Number.NaN
const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]

describe('HdrHistogram', () => {
  for (const [name, draw] of [
    // Log-uniform over the whole range, 1 µs to 1 h.
    [
      'log-uniform 1 µs..1 h',
      (r: () => number) => 10 ** (-3 + r() * Math.log10(HDR_MAX_MS * 1000)),
    ],
    // A latency-like shape: mostly ~20 ms with a long tail.
    ['latency-like', (r: () => number) => 20 + 5 * r() + (r() < 0.02 ? 300 * r() : 0)],
    ['sub-millisecond', (r: () => number) => 0.001 + r() * 0.999],
  ] as const) {
    it(`percentiles within 1% of exact on ${name} data`, () => {
      const random = prng(42)
      const values = Array.from({ length: 50_000 }, () => draw(random))
      const h = new HdrHistogram()
      for (const v of values) h.record(v)
      const sorted = [...values].sort((a, b) => a - b)
      for (const p of PERCENTILES) {
        const want = exact(sorted, p)
        const got = h.percentile(p)
        expect(Math.abs(got - want) / want, `p${p}: got ${got}, want ${want}`).toBeLessThanOrEqual(
          0.01,
        )
      }
      expect(h.count).toBe(values.length)
      expect(h.max).toBe(sorted[sorted.length - 1])
      expect(h.min).toBe(sorted[0])
      expect(h.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6)
    })
  }

  it('merging equals recording everything in one histogram', () => {
    const random = prng(7)
    const all = new HdrHistogram()
    const parts = [new HdrHistogram(), new HdrHistogram(), new HdrHistogram()]
    for (let i = 0; i < 9_000; i++) {
      const v = random() * 1000
      all.record(v)
      parts[i % 3]?.record(v)
    }
    const merged = new HdrHistogram().merge(parts[0]!).merge(parts[1]!).merge(parts[2]!)
    expect(merged.summary()).toEqual(all.summary())
  })

  it('is empty-safe, exact at small integers, and keeps the true max above 1 h', () => {
    const h = new HdrHistogram()
    expect(h.summary()).toEqual({
      count: 0,
      min: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      max: 0,
    })
    h.record(0)
    h.record(0.0001)
    h.record(2 * HDR_MAX_MS)
    expect(h.percentile(33)).toBe(0)
    expect(h.percentile(50)).toBe(0.0001)
    expect(h.percentile(100)).toBe(2 * HDR_MAX_MS)
    expect(h.percentile(99)).toBeGreaterThanOrEqual(HDR_MAX_MS * 0.99)
  })

  it('rejects negative, NaN and out-of-range input', () => {
    const h = new HdrHistogram()
    expect(() => h.record(-1)).toThrow(RangeError)
    expect(() => h.record(Number.NaN)).toThrow(RangeError)
    expect(() => h.percentile(101)).toThrow(RangeError)
  })
})
