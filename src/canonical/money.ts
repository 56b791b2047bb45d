/** @module canonical/money — decimal amounts as strings, never binary floating point. */
import { z } from 'zod'

/** A decimal amount as the sources send it: `"59.99"`, `"-5"`, `"0.125"`. */
export const DecimalString = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,6})?$/, 'expected a decimal amount as a string, e.g. "59.99"')

/** ISO 4217 alphabetic code. */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code, e.g. "USD"')

/** Adds decimal strings exactly (scaled bigint arithmetic). */
export function addDecimals(...amounts: string[]): string {
  const scale = Math.max(0, ...amounts.map((a) => a.split('.')[1]?.length ?? 0))
  const total = amounts.reduce((sum, a) => sum + toScaled(a, scale), 0n)
  return fromScaled(total, scale)
}

/** Multiplies a decimal string by an integer quantity exactly. */
export function multiplyDecimal(amount: string, quantity: number): string {
  const scale = amount.split('.')[1]?.length ?? 0
  return fromScaled(toScaled(amount, scale) * BigInt(quantity), scale)
}

function toScaled(amount: string, scale: number): bigint {
  const negative = amount.startsWith('-')
  const [whole = '0', frac = ''] = amount.replace('-', '').split('.')
  const value = BigInt(whole + frac.padEnd(scale, '0'))
  return negative ? -value : value
}

function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0')
  const whole = digits.slice(0, digits.length - scale)
  const frac = scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''
  return `${negative ? '-' : ''}${whole}${frac}`
}
