/** @module connectors/wire/retry-after — reads `Retry-After` in both of its RFC 9110 forms. */

// Caps a hostile or buggy header (e.g. `Retry-After: 999999999`) so a run is parked for hours, not years.
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

/**
 * Returns the delay in ms from `nowMs`, or undefined when the header is absent or unreadable.
 * Accepts delta-seconds, including the fractional form some APIs send (Shopify's `"2.0"`),
 * and an HTTP-date (a date in the past means "now", i.e. 0).
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.min(Math.ceil(Number(trimmed) * 1000), MAX_RETRY_AFTER_MS)
  }
  // Only accept something that looks like an HTTP-date; Date.parse alone would read "5" as a year.
  if (!/[A-Za-z]{3},?\s/.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS)
}
