import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock/clock.ts'
import { RateGovernor } from './rate-governor.ts'

describe('rate governor', () => {
  it('spaces a backlog released at once at the configured rate, in arrival order', async () => {
    const clock = manualClock()
    const governor = new RateGovernor(clock, { perSecond: 10 })
    const started = clock.now()
    const sentAt: Array<{ i: number; at: number }> = []
    const calls = Array.from({ length: 25 }, (_, i) =>
      governor.acquire().then(() => sentAt.push({ i, at: clock.now() - started })),
    )
    for (let t = 0; t < 3_000; t += 10) {
      await Promise.resolve()
      clock.advance(10)
      await new Promise((r) => setImmediate(r))
    }
    await Promise.all(calls)
    expect(sentAt.map((s) => s.i)).toEqual([...Array(25).keys()])
    // Call n may not leave before n × 100 ms; none waits a tick longer than its turn.
    for (const { i, at } of sentAt) {
      expect(at).toBeGreaterThanOrEqual(i * 100)
      expect(at).toBeLessThan(i * 100 + 20)
    }
    // Any 1 s window holds at most 10 calls (+1 at its closed edge).
    for (const { at } of sentAt) {
      expect(sentAt.filter((s) => s.at >= at && s.at < at + 1_000).length).toBeLessThanOrEqual(10)
    }
  })

  it('lets `burst` calls go together after a quiet spell, then paces the rest', () => {
    const clock = manualClock()
    const governor = new RateGovernor(clock, { perSecond: 5, burst: 3 })
    expect([governor.reserve(), governor.reserve(), governor.reserve()]).toEqual([0, 0, 0])
    expect(governor.reserve()).toBe(200)
    expect(governor.reserve()).toBe(400)
    clock.advance(10_000)
    // The idle spell refills the burst but does not bank more than it.
    expect([governor.reserve(), governor.reserve(), governor.reserve()]).toEqual([0, 0, 0])
    expect(governor.reserve()).toBe(200)
  })

  it('does not count an aborted wait as a call that may be made up later', async () => {
    const clock = manualClock()
    const governor = new RateGovernor(clock, { perSecond: 2 })
    await governor.acquire()
    const controller = new AbortController()
    const waiting = governor.acquire(controller.signal)
    controller.abort(new Error('lease lost'))
    await expect(waiting).rejects.toThrow('lease lost')
    // The abandoned 500 ms slot is skipped, never reused to exceed the rate.
    expect(governor.reserve()).toBe(1_000)
  })

  it('refuses a limit that would stop or run away', () => {
    const clock = manualClock()
    expect(() => new RateGovernor(clock, { perSecond: 0 })).toThrow(/positive number per second/)
    expect(() => new RateGovernor(clock, { perSecond: Number.NaN })).toThrow(/positive/)
    expect(() => new RateGovernor(clock, { perSecond: 1, burst: 0 })).toThrow(/burst/)
    const governor = new RateGovernor(clock, { perSecond: 1 })
    governor.setLimit({ perSecond: 4 })
    expect(governor.limit).toEqual({ perSecond: 4, burst: 1 })
  })
})
