import { afterEach, describe, expect, it, vi } from 'vitest'
import { startDatabaseClock, type ClockSample } from './database-clock.ts'

const DB_EPOCH = Date.parse('2026-03-01T12:00:00Z')

/**
 * A database whose clock and round trip the test sets, read through a monotonic clock the test
 * advances: each read moves monotonic time by the round trip, the answer taken at its midpoint.
 */
function fakeReference() {
  const state = { mono: 1_000, dbMinusMono: DB_EPOCH - 1_000, roundTrips: [] as number[] }
  return {
    state,
    monotonic: () => state.mono,
    readTime: (): Promise<number> => {
      const rtt = state.roundTrips.shift() ?? 2
      state.mono += rtt / 2
      const answer = state.mono + state.dbMinusMono
      state.mono += rtt / 2
      return Promise.resolve(answer)
    },
  }
}

describe('startDatabaseClock', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads the database time and carries it forward on monotonic time', async () => {
    const ref = fakeReference()
    const clock = await startDatabaseClock({ ...ref, resyncMs: 0 })
    const t0 = clock.now()
    expect(Math.abs(t0 - (ref.state.mono + ref.state.dbMinusMono))).toBeLessThan(1e-6)
    ref.state.mono += 1_500
    expect(clock.now() - t0).toBe(1_500)
  })

  it('answers whole milliseconds, as stored times are bigint', async () => {
    const ref = fakeReference()
    ref.state.mono = 1_000.37
    ref.state.roundTrips = [0.5, 0.7, 0.9]
    const clock = await startDatabaseClock({ ...ref, resyncMs: 0 })
    ref.state.mono += 0.61
    expect(Number.isInteger(clock.now())).toBe(true)
  })

  it('ignores the wall clock entirely: a host stepped back 10 min or forward 25 h changes nothing', async () => {
    const ref = fakeReference()
    let wall = DB_EPOCH
    const samples: ClockSample[] = []
    const clock = await startDatabaseClock({
      ...ref,
      resyncMs: 0,
      wallClock: () => wall,
      onSync: (s) => samples.push(s),
    })
    const before = clock.now()
    wall -= 10 * 60_000
    expect(clock.now()).toBe(before)
    wall += 25 * 3_600_000
    expect(clock.now()).toBe(before)
    // Only the report sees the wall clock, so an operator can be told it is wrong.
    expect((await clock.sync()).wallSkewMs).toBeCloseTo(wall - clock.now(), 6)
    expect(samples).toHaveLength(2)
  })

  it('follows a step of the database clock at the next sync and reports it', async () => {
    const ref = fakeReference()
    const clock = await startDatabaseClock({ ...ref, resyncMs: 0 })
    const before = clock.now()
    ref.state.dbMinusMono += 3_000
    const sample = await clock.sync()
    expect(sample.accepted).toBe(true)
    expect(sample.stepMs).toBeCloseTo(3_000, 6)
    expect(clock.now() - before).toBeCloseTo(3_000 + 6, 6)
  })

  it('uses the fastest of its readings and discards a re-sync whose round trip is too slow', async () => {
    const ref = fakeReference()
    ref.state.roundTrips = [400, 10, 300]
    const clock = await startDatabaseClock({ ...ref, resyncMs: 0, maxRoundTripMs: 100 })
    const first = await clock.sync()
    expect(first.roundTripMs).toBe(2)

    ref.state.dbMinusMono += 60_000
    ref.state.roundTrips = [500, 600, 700]
    const slow = await clock.sync()
    expect(slow).toMatchObject({ accepted: false, stepMs: 0, roundTripMs: 500 })
    // The discarded reading did not move the clock; the next fast one does.
    const held = clock.now()
    expect(held - (ref.state.mono + ref.state.dbMinusMono - 60_000)).toBeCloseTo(0, 6)
    expect((await clock.sync()).stepMs).toBeCloseTo(60_000, 6)
  })

  it('accepts its first sync however slow, since it has nothing better', async () => {
    const ref = fakeReference()
    ref.state.roundTrips = [900, 800, 1_000]
    const samples: ClockSample[] = []
    await startDatabaseClock({
      ...ref,
      resyncMs: 0,
      maxRoundTripMs: 100,
      onSync: (s) => samples.push(s),
    })
    expect(samples[0]).toMatchObject({ accepted: true, roundTripMs: 800 })
  })

  it('re-syncs on its own every resyncMs until stopped, and survives a failed re-sync', async () => {
    vi.useFakeTimers()
    const ref = fakeReference()
    let failNext = false
    const errors: unknown[] = []
    const samples: ClockSample[] = []
    const clock = await startDatabaseClock({
      monotonic: ref.monotonic,
      readTime: async () => {
        if (failNext) throw new Error('database unreachable')
        return ref.readTime()
      },
      resyncMs: 5_000,
      samplesPerSync: 1,
      onSync: (s) => samples.push(s),
      onError: (e) => errors.push(e),
    })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(samples).toHaveLength(3)
    failNext = true
    const held = clock.now()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(errors).toHaveLength(1)
    expect(clock.now()).toBe(held)
    clock.stop()
    failNext = false
    await vi.advanceTimersByTimeAsync(20_000)
    expect(samples).toHaveLength(3)
  })

  it('fails to start when the database cannot be read', async () => {
    await expect(
      startDatabaseClock({ readTime: () => Promise.reject(new Error('down')), resyncMs: 0 }),
    ).rejects.toThrow('down')
  })

  it('sleeps on real timers, whatever the offset', async () => {
    vi.useFakeTimers()
    const ref = fakeReference()
    ref.state.dbMinusMono = 10 * 365 * 86_400_000
    const clock = await startDatabaseClock({ ...ref, resyncMs: 0 })
    let woke = false
    void clock.sleep(1_000).then(() => {
      woke = true
    })
    await vi.advanceTimersByTimeAsync(999)
    expect(woke).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(woke).toBe(true)
  })
})
