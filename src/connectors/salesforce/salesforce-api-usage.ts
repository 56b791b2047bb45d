/** @module connectors/salesforce/salesforce-api-usage — the org's daily API usage from `Sforce-Limit-Info`, how long until the rolling window frees, and the client's back-off near the cap. */
import type { Clock } from '../../clock/clock.ts'
import { headerValue } from '../wire/http-exchange.ts'
import type { HttpHeaders } from '../wire/http-exchange.ts'

export const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Shortest wait for the daily allocation: the estimate below assumes calls were spread evenly over
 * the window, which they rarely are, so probing more often than this only spends calls on 403s.
 */
export const MIN_ALLOCATION_WAIT_MS = 5 * 60 * 1000
/** Longest: the engine re-evaluates after this, and each probe (one call) refreshes the reading. */
export const MAX_ALLOCATION_WAIT_MS = 60 * 60 * 1000

/** `api-usage=N/M`: calls counted in the last 24 h, and the org's allocation. */
export interface ApiUsage {
  used: number
  max: number
}

/**
 * Reads `Sforce-Limit-Info: api-usage=18/5000` (it may also carry `per-app-api-usage=…` and
 * `api-bursts=…`; only the org-wide figure is read). Undefined when absent or unreadable.
 */
export function parseSforceLimitInfo(value: string | undefined): ApiUsage | undefined {
  const match = /(?:^|[\s,;])api-usage=(\d+)\/(\d+)/.exec(value ?? '')
  if (!match?.[1] || !match[2]) return undefined
  const used = Number(match[1])
  const max = Number(match[2])
  return Number.isSafeInteger(used) && Number.isSafeInteger(max) && max > 0
    ? { used, max }
    : undefined
}

export function apiUsageOf(headers: HttpHeaders): ApiUsage | undefined {
  return parseSforceLimitInfo(headerValue(headers, 'sforce-limit-info'))
}

/**
 * How long until usage drops below `ratio` of the allocation. The window is a rolling 24 h, and
 * which calls age out when is not reported; assuming the `used` calls in it were spread evenly,
 * one ages out every `24 h / used`, and `used - floor(ratio × max) + 1` must age out. The estimate
 * is clamped to [5 min, 1 h]: an unknown or below-threshold reading (a 403 for another reason)
 * gets the minimum.
 */
export function allocationWaitMs(usage: ApiUsage | undefined, ratio = 1): number {
  if (usage === undefined || usage.used <= 0) return MIN_ALLOCATION_WAIT_MS
  const mustAgeOut = usage.used - Math.floor(ratio * usage.max) + 1
  if (mustAgeOut <= 0) return MIN_ALLOCATION_WAIT_MS
  const estimate = Math.ceil((mustAgeOut * DAY_MS) / usage.used)
  return Math.min(MAX_ALLOCATION_WAIT_MS, Math.max(MIN_ALLOCATION_WAIT_MS, estimate))
}

/** The latest reading, and until when the client holds back because of it. */
export interface ApiUsageState {
  usage: ApiUsage
  observedAt: number
  /** Epoch ms before which the client sends nothing; 0 when usage is below the ratio. */
  pausedUntil: number
}

/**
 * Watches `Sforce-Limit-Info` on every response. At or above `ratio` of the allocation it pauses
 * the client for `allocationWaitMs`, so the hub stops before the org answers 403 to everyone (the
 * allocation is shared with other integrations and users). When the pause ends one call goes out
 * and its header decides whether to pause again.
 */
export class ApiUsageMonitor {
  readonly #ratio: number
  readonly #clock: Clock
  #state: ApiUsageState | undefined

  constructor(ratio: number, clock: Clock) {
    this.#ratio = ratio
    this.#clock = clock
  }

  get ratio(): number {
    return this.#ratio
  }

  /** The last reading, or undefined before the first response. */
  get state(): Readonly<ApiUsageState> | undefined {
    return this.#state
  }

  observe(headers: HttpHeaders): void {
    const usage = apiUsageOf(headers)
    if (usage === undefined) return
    const now = this.#clock.now()
    const near = usage.used >= this.#ratio * usage.max
    this.#state = {
      usage,
      observedAt: now,
      pausedUntil: near ? now + allocationWaitMs(usage, this.#ratio) : 0,
    }
  }

  /** Remaining pause in ms, or 0 when the client may send. */
  remainingPauseMs(): number {
    const until = this.#state?.pausedUntil ?? 0
    return Math.max(0, until - this.#clock.now())
  }
}
