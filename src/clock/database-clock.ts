/** @module clock/database-clock — "now" as the database tells it, carried between samples by this
 * process's monotonic clock, so that a step in the host's wall clock cannot move it.
 *
 * Every hub sharing a database writes lease expiries and retry times that the others compare with
 * their own "now". If each used its own wall clock, a host stepped back 10 minutes would write
 * leases that look expired to everyone else (double claims) and a host stepped forward an hour
 * would find every scheduled retry due at once. The database's clock is the one clock they all
 * already share, so it is the reference (docs/decisions/0003-time-comes-from-the-database.md).
 */
import { systemClock, type Clock } from './clock.ts'

/** One reading of the reference clock. */
export interface ClockSample {
  /** Reference time minus monotonic time, taken at the midpoint of the round trip. */
  offsetMs: number
  roundTripMs: number
  /** False when the round trip was too slow to trust; the previous offset stays in force. */
  accepted: boolean
  /** How far the adopted offset moved from the previous one (0 on the first sample). */
  stepMs: number
  /** This host's wall clock minus the clock's `now()`: how wrong the wall clock is, for operators. */
  wallSkewMs: number
}

export interface DatabaseClockOptions {
  /** Reads the reference clock in epoch milliseconds (the database's, via `Store.databaseTime`). */
  readTime: () => Promise<number>
  /** Re-sync period; 0 samples once at start and never again. Default 10 000. */
  resyncMs?: number
  /** A re-sync sample slower than this is discarded: its midpoint could be off by half of it. Default 250. */
  maxRoundTripMs?: number
  /** Readings per sync; the one with the shortest round trip is used. Default 3. */
  samplesPerSync?: number
  /** Milliseconds that never step; default `performance.now()`. Tests inject their own. */
  monotonic?: () => number
  /** Only to report the host's skew; default `Date.now()`. */
  wallClock?: () => number
  onSync?: (sample: ClockSample) => void
  /** A failed re-sync; the clock keeps running on the last offset. */
  onError?: (error: unknown) => void
}

export interface DatabaseClock extends Clock {
  /** Samples the reference now (re-syncs also run on their own every `resyncMs`). */
  sync(): Promise<ClockSample>
  /** Stops the periodic re-sync; `now()` keeps working on the last offset. */
  stop(): void
}

export const defaultDatabaseClockTiming = {
  resyncMs: 10_000,
  maxRoundTripMs: 250,
  samplesPerSync: 3,
} as const

/**
 * Takes the first sample before resolving, so `now()` is never a guess. The first sync accepts its
 * best sample however slow: a reading off by half a slow round trip is still better than none.
 */
export async function startDatabaseClock(options: DatabaseClockOptions): Promise<DatabaseClock> {
  const monotonic = options.monotonic ?? (() => performance.now())
  const wallClock = options.wallClock ?? (() => Date.now())
  const resyncMs = options.resyncMs ?? defaultDatabaseClockTiming.resyncMs
  const maxRoundTripMs = options.maxRoundTripMs ?? defaultDatabaseClockTiming.maxRoundTripMs
  const samples = Math.max(1, options.samplesPerSync ?? defaultDatabaseClockTiming.samplesPerSync)
  let offset: number | undefined
  let syncing: Promise<ClockSample> | undefined

  // Whole milliseconds, as the contract's epoch times are (they are stored in bigint columns).
  const now = (): number => Math.floor(monotonic() + (offset ?? 0))

  const readOnce = async (): Promise<{ offsetMs: number; roundTripMs: number }> => {
    const sentAt = monotonic()
    const reference = await options.readTime()
    const receivedAt = monotonic()
    return { offsetMs: reference - (sentAt + receivedAt) / 2, roundTripMs: receivedAt - sentAt }
  }

  const syncOnce = async (): Promise<ClockSample> => {
    let best = await readOnce()
    for (let i = 1; i < samples; i++) {
      const next = await readOnce()
      if (next.roundTripMs < best.roundTripMs) best = next
    }
    const first = offset === undefined
    const accepted = first || best.roundTripMs <= maxRoundTripMs
    const previous = offset ?? best.offsetMs
    if (accepted) offset = best.offsetMs
    const sample: ClockSample = {
      ...best,
      accepted,
      stepMs: accepted ? best.offsetMs - previous : 0,
      wallSkewMs: wallClock() - now(),
    }
    options.onSync?.(sample)
    return sample
  }

  // One sync at a time: a timer firing during a slow manual sync joins it instead of racing it.
  const sync = (): Promise<ClockSample> =>
    (syncing ??= syncOnce().finally(() => {
      syncing = undefined
    }))

  await sync()
  let timer: NodeJS.Timeout | undefined
  if (resyncMs > 0) {
    timer = setInterval(() => {
      sync().catch((error: unknown) => options.onError?.(error))
    }, resyncMs)
    timer.unref()
  }

  return {
    now,
    // Real timers run on the monotonic clock already, so sleeping needs no reference at all.
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    sync,
    stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
    },
  }
}
