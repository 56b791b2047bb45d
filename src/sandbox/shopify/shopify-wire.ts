/** @module sandbox/shopify/shopify-wire — Shopify's wire conventions: int64 ids as exact JSON digits, money as strings, times with the shop's offset, API version fall-forward. */

import { parse, stringify } from 'lossless-json'

/**
 * Serialises with bigint ids written as plain JSON number digits (what Shopify sends), so a
 * client that parses with JSON.parse silently loses precision, exactly as against the real API.
 */
export function toJson(value: unknown): string {
  const text = stringify(value)
  if (text === undefined) throw new TypeError('value is not JSON-serialisable')
  return text
}

/** Parses a request body keeping integers beyond 2^53 exact (as bigint); other numbers stay numbers. */
export function parseJson(text: string): unknown {
  return parse(text, null, (digits) => {
    const n = Number(digits)
    return Number.isInteger(n) && !Number.isSafeInteger(n) && /^-?\d+$/.test(digits)
      ? BigInt(digits)
      : n
  })
}

/** An id from a path segment, a JSON number, a bigint or a digit string; null when it is not one. */
export function toId(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return BigInt(value)
  return null
}

/** Cents to Shopify's money string, e.g. 4999 → "49.99". */
export const money = (cents: number): string => (cents / 100).toFixed(2)

/** Shopify prints times in the shop's zone with an offset, e.g. 2026-01-10T11:00:00-05:00. */
export function shopifyTime(ms: number, offsetMinutes: number): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
  return `${local.toISOString().slice(0, 19)}${offset}`
}

/** The stable versions around `latest`: it and the three quarterly releases before it. */
export function recentVersions(latest: string): string[] {
  const match = /^(\d{4})-(\d{2})$/.exec(latest)
  if (!match) return [latest]
  let year = Number(match[1])
  let month = Number(match[2])
  const out = [latest]
  for (let i = 0; i < 3; i++) {
    month -= 3
    if (month < 1) {
      month += 12
      year -= 1
    }
    out.unshift(`${year}-${String(month).padStart(2, '0')}`)
  }
  return out
}

/**
 * A supported version (or `unstable`, always served as itself) is served as asked; any other,
 * removed or never released, falls forward to the oldest supported one.
 */
export function servedVersion(requested: string, supported: readonly string[]): string {
  if (supported.includes(requested) || requested === 'unstable') return requested
  return [...supported].sort()[0] ?? requested
}
