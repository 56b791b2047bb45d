/** @module reliability/load/open-model-load — a constant-arrival-rate (open model) load generator that measures latency from each request's scheduled time, so a stalled server cannot hide behind a slowed-down client. */

import type { Clock } from '../../clock/clock.ts'
import { HdrHistogram } from './hdr-percentiles.ts'

/** What one request came to: a label such as `2xx`, `503` or `error:ECONNRESET`. */
export type LoadOutcome = string

/** The outcome counted when `maxInFlight` refused to send a request. */
export const DROPPED_BY_GENERATOR = 'dropped_by_generator'

export interface OpenModelOptions {
  /** Requests per second, held constant whatever the server does. */
  readonly ratePerSecond: number
  /** How long to keep scheduling; request i is due at start + i/rate while that is before the end. */
  readonly durationMs: number
  /**
   * Sends request `i`, due at `scheduledAt` (the clock's epoch ms), and resolves to its outcome.
   * A rejection is counted as `error:<code>` (see {@link outcomeOfError}).
   */
  readonly send: (i: number, scheduledAt: number) => Promise<LoadOutcome>
  /** Requests allowed in flight at once; a request over the cap is dropped and counted, never delayed. */
  readonly maxInFlight?: number
  /** Time source for schedules and latencies; a monotonic epoch clock by default. */
  readonly clock?: Pick<Clock, 'now'>
  /** A send starting later than this after its schedule counts as a late start (default 10 ms). */
  readonly lateStartMs?: number
  /** How long to wait for in-flight requests after the last send (default 30 s). */
  readonly drainTimeoutMs?: number
}

export interface OpenModelResult {
  readonly ratePerSecond: number
  readonly durationMs: number
  /** Requests due in the window: sent + dropped. */
  readonly scheduled: number
  readonly sent: number
  readonly completed: number
  /** Refused by `maxInFlight`; also counted under {@link DROPPED_BY_GENERATOR}. */
  readonly dropped: number
  /** Still in flight when the drain timeout ran out; their latency is unknown and not recorded. */
  readonly unfinished: number
  readonly byOutcome: Readonly<Record<LoadOutcome, number>>
  /** Scheduled time to completion, every completed request. */
  readonly latency: HdrHistogram
  readonly latencyByOutcome: Readonly<Record<LoadOutcome, HdrHistogram>>
  /** Requests actually sent per second over the window it took to send them. */
  readonly achievedRate: number
  /** Sends that began more than `lateStartMs` after their schedule: the generator was overloaded. */
  readonly lateStarts: number
  readonly maxStartDelayMs: number
  readonly startedAt: number
  /** From the first schedule to the last completion (or the drain timeout). */
  readonly elapsedMs: number
}

/** Wall-clock epoch milliseconds that never go backwards (NTP steps do not skew latencies). */
const monotonicClock: Pick<Clock, 'now'> = {
  now: () => performance.timeOrigin + performance.now(),
}

/**
 * Runs an open-model load: request i is sent at start + i/rate even while earlier ones are still
 * in flight, and its latency runs from that scheduled instant. A closed-loop client that waits
 * for each answer would stop sending during a stall and record one slow request instead of every
 * request that should have been sent meanwhile (coordinated omission). Timers are re-armed from
 * the absolute schedule on every tick, so timer lateness never accumulates into drift; when the
 * event loop falls behind, the overdue requests go out at once and count as late starts.
 */
export async function runOpenModel(options: OpenModelOptions): Promise<OpenModelResult> {
  const { ratePerSecond: rate, durationMs, send } = options
  if (!(rate > 0) || !(durationMs > 0)) {
    throw new RangeError(`rate and duration must be positive, got ${rate}/s for ${durationMs} ms`)
  }
  const clock = options.clock ?? monotonicClock
  const lateStartMs = options.lateStartMs ?? 10
  const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY
  const intervalMs = 1000 / rate
  // The epsilon keeps 200/s × 1000 ms at 200 requests despite floating-point error.
  const total = Math.ceil((durationMs * rate) / 1000 - 1e-9)

  const latency = new HdrHistogram()
  const latencyByOutcome: Record<LoadOutcome, HdrHistogram> = {}
  const byOutcome: Record<LoadOutcome, number> = {}
  const pending = new Set<Promise<void>>()
  let sent = 0
  let completed = 0
  let dropped = 0
  let lateStarts = 0
  let maxStartDelayMs = 0
  let lastFireAt = 0
  let closed = false
  const count = (outcome: LoadOutcome): void => {
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1
  }

  const fire = (i: number, scheduledAt: number): void => {
    const startedAt = clock.now()
    lastFireAt = startedAt
    const delay = startedAt - scheduledAt
    maxStartDelayMs = Math.max(maxStartDelayMs, delay)
    if (delay > lateStartMs) lateStarts += 1
    if (pending.size >= maxInFlight) {
      dropped += 1
      count(DROPPED_BY_GENERATOR)
      return
    }
    sent += 1
    // The executor runs now, so the send starts on schedule, and a synchronous throw becomes a rejection.
    const request = new Promise<LoadOutcome>((resolve) => resolve(send(i, scheduledAt)))
    const tracked = request
      .then(
        (outcome) => outcome,
        (error: unknown) => outcomeOfError(error),
      )
      .then((outcome) => {
        pending.delete(tracked)
        // After the drain timeout the result is already returned; late answers must not change it.
        if (closed) return
        const ms = Math.max(0, clock.now() - scheduledAt)
        completed += 1
        count(outcome)
        latency.record(ms)
        ;(latencyByOutcome[outcome] ??= new HdrHistogram()).record(ms)
      })
    pending.add(tracked)
  }

  const start = clock.now()
  await new Promise<void>((resolve) => {
    let next = 0
    const tick = (): void => {
      while (next < total && start + next * intervalMs <= clock.now()) {
        fire(next, start + next * intervalMs)
        next += 1
      }
      if (next >= total) resolve()
      else setTimeout(tick, Math.max(0, start + next * intervalMs - clock.now()))
    }
    tick()
  })

  await drain(pending, options.drainTimeoutMs ?? 30_000)
  closed = true
  const end = clock.now()
  const window = Math.max(total * intervalMs, lastFireAt - start + intervalMs)
  return {
    ratePerSecond: rate,
    durationMs,
    scheduled: total,
    sent,
    completed,
    dropped,
    unfinished: sent - completed,
    byOutcome,
    latency,
    latencyByOutcome,
    achievedRate: (sent * 1000) / window,
    lateStarts,
    maxStartDelayMs,
    startedAt: start,
    elapsedMs: end - start,
  }
}

/** Waits for every in-flight request, or until the timeout, whichever comes first. */
async function drain(pending: Set<Promise<void>>, timeoutMs: number): Promise<void> {
  if (pending.size === 0) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs)
  })
  try {
    await Promise.race([Promise.all([...pending]), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Labels a failed send by its error code, looking through `cause` because `fetch` wraps socket
 * errors (`TypeError: fetch failed` with `cause.code = 'ECONNRESET'`).
 */
export function outcomeOfError(error: unknown): LoadOutcome {
  let current: unknown = error
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code !== '') return `error:${code}`
    current = (current as { cause?: unknown }).cause
  }
  const name = error instanceof Error ? error.name : typeof error
  return `error:${name}`
}

/** The usual outcome label for an HTTP status: `2xx`, `4xx`, … except 429 and 503, kept apart. */
export function statusOutcome(status: number): LoadOutcome {
  // Throttling and overload answers are what load tests look for, so they keep their own label.
  if (status === 429 || status === 503) return String(status)
  return `${Math.floor(status / 100)}xx`
}
