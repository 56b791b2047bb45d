/** @module clock — the one source of "now" for the engine, injected everywhere so that tests of
 * backoff, leases and timeouts advance time instead of sleeping. */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error)
        return
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal?.reason as Error)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

/** A clock that only moves when told to. Sleepers wake when `advance` passes their deadline. */
export interface ManualClock extends Clock {
  advance(ms: number): void
  set(epochMs: number): void
}

export function manualClock(startMs = Date.parse('2026-01-01T00:00:00Z')): ManualClock {
  let current = startMs
  const sleepers = new Set<{ until: number; wake: () => void }>()
  const wakeDue = (): void => {
    for (const s of [...sleepers]) {
      if (s.until <= current) {
        sleepers.delete(s)
        s.wake()
      }
    }
  }
  return {
    now: () => current,
    advance(ms) {
      current += ms
      wakeDue()
    },
    set(epochMs) {
      current = epochMs
      wakeDue()
    },
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason as Error)
          return
        }
        const entry = { until: current + ms, wake: resolve }
        sleepers.add(entry)
        signal?.addEventListener(
          'abort',
          () => {
            sleepers.delete(entry)
            reject(signal.reason as Error)
          },
          { once: true },
        )
        wakeDue()
      })
    },
  }
}
