import { describe, expect, it } from 'vitest'
import { backoffDelay, decideAfterFailure, defaultRetryPolicy } from './retry-policy.ts'

const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 5 }

describe('retry policy', () => {
  it('draws full-jitter delays in [0, min(cap, base·2^(n-1)))', () => {
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99)
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200)
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999)
    expect(backoffDelay(policy, 10, () => 0)).toBe(0)
  })

  it('spreads retries evenly: no 100 ms bucket holds more than 5% of 10,000 draws', () => {
    let seed = 42
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const buckets = new Map<number, number>()
    const big = { ...policy, maxDelayMs: 60_000 }
    for (let i = 0; i < 10_000; i++) {
      const d = backoffDelay(big, 20, random)
      buckets.set(Math.floor(d / 100), (buckets.get(Math.floor(d / 100)) ?? 0) + 1)
    }
    expect(Math.max(...buckets.values())).toBeLessThanOrEqual(500)
  })

  it('dead-letters a validation error after one attempt', () => {
    const decision = decideAfterFailure(
      policy,
      { type: 'validation', message: 'bad item' },
      0,
      () => 0.5,
    )
    expect(decision).toEqual({ action: 'dead', reason: 'validation: bad item', attempt: 1 })
  })

  it('honours Retry-After exactly and does not burn an attempt when throttled', () => {
    const decision = decideAfterFailure(
      policy,
      { type: 'throttled', message: '429', retryAfterMs: 3_000 },
      2,
      () => 0,
    )
    expect(decision).toEqual({ action: 'retry', delayMs: 3_000, attempt: 2, throttled: true })
  })

  it('never schedules a throttled retry before Retry-After, whatever the jitter', () => {
    for (const r of [0, 0.3, 0.999]) {
      const d = decideAfterFailure(
        policy,
        { type: 'throttled', message: '', retryAfterMs: 1_500 },
        0,
        () => r,
      )
      expect(d.action === 'retry' && d.delayMs >= 1_500).toBe(true)
    }
  })

  it('retries retryable and in-doubt errors with backoff until the attempt cap', () => {
    const first = decideAfterFailure(
      policy,
      { type: 'unknown_outcome', message: 'reset' },
      0,
      () => 0.5,
    )
    expect(first).toEqual({ action: 'retry', delayMs: 50, attempt: 1, throttled: false })
    const last = decideAfterFailure(policy, { type: 'retryable', message: '503' }, 4, () => 0.5)
    expect(last).toEqual({ action: 'dead', reason: 'gave up after 5 attempts: 503', attempt: 5 })
  })
})
