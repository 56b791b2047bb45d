/** @module engine/retry-policy — what happens to a run after a failed attempt.
 *
 * Capped exponential backoff with full jitter (`sleep = rand(0, min(cap, base·2^n))`, AWS
 * Architecture Blog "Exponential Backoff and Jitter"): full jitter spreads a herd of retries
 * evenly instead of synchronising them. Throttling honours the target's Retry-After exactly and
 * does not burn an attempt, because the target asked us to wait, it did not fail.
 */
import type { ErrorRecord } from '../errors/hub-error.ts'

export interface RetryPolicy {
  /** Attempts (failed ones) after which the run is dead-lettered. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** Upper bound of the extra delay added after a Retry-After, spreading throttled runs a little. */
  throttleJitterMs: number
}

export const defaultRetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  throttleJitterMs: 250,
} as const satisfies RetryPolicy

export type RetryDecision =
  | { action: 'retry'; delayMs: number; attempt: number; throttled: boolean }
  | { action: 'dead'; reason: string; attempt: number }

/** Full-jitter delay for the `attempt`-th failure (1-based). `random` returns [0, 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exponent = Math.min(attempt - 1, 30)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent)
  return Math.floor(random() * ceiling)
}

/**
 * The errors no retry can fix: the target refused the request as invalid. The only errors that
 * dead-letter a run at once, and the ones that make a saga compensate.
 */
export function failsForGood(error: ErrorRecord): boolean {
  return error.type === 'validation'
}

/**
 * Decides from the error's type. `attempt` is the run's failed-attempt count before this failure.
 * Validation errors are dead at once: retrying a request the target rejected as invalid only
 * repeats the rejection.
 */
export function decideAfterFailure(
  policy: RetryPolicy,
  error: ErrorRecord,
  attempt: number,
  random: () => number,
): RetryDecision {
  if (failsForGood(error)) {
    return { action: 'dead', reason: `${error.type}: ${error.message}`, attempt: attempt + 1 }
  }
  if (error.type === 'throttled') {
    const wait = Math.max(0, error.retryAfterMs ?? policy.baseDelayMs)
    const jitter = Math.floor(random() * policy.throttleJitterMs)
    return { action: 'retry', delayMs: wait + jitter, attempt, throttled: true }
  }
  const next = attempt + 1
  if (next >= policy.maxAttempts) {
    return {
      action: 'dead',
      reason: `gave up after ${next} attempts: ${error.message}`,
      attempt: next,
    }
  }
  return {
    action: 'retry',
    delayMs: backoffDelay(policy, next, random),
    attempt: next,
    throttled: false,
  }
}
