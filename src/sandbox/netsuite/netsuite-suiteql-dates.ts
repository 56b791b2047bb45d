/** @module sandbox/netsuite/netsuite-suiteql-dates — Oracle date formats for TO_DATE / TO_CHAR, and how SuiteQL prints a date without one. */

import { SuiteQlError } from './netsuite-suiteql-lexer.ts'

/** A date or timestamp value in a query, as epoch milliseconds (UTC: the account's time zone here). */
export interface SqlDate {
  readonly ms: number
  readonly type: 'date' | 'datetime'
}

type Part =
  { readonly field: 'YYYY' | 'MM' | 'DD' | 'HH24' | 'MI' | 'SS' } | { readonly text: string }

/** Splits `YYYY-MM-DD"T"HH24:MI:SS` into fields and literal text; anything else is refused. */
function formatParts(format: string): Part[] {
  const parts: Part[] = []
  let rest = format
  while (rest !== '') {
    const field = (['YYYY', 'HH24', 'MM', 'DD', 'MI', 'SS'] as const).find((f) =>
      rest.toUpperCase().startsWith(f),
    )
    if (field !== undefined) {
      parts.push({ field })
      rest = rest.slice(field.length)
    } else if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1)
      if (end < 0) throw new SuiteQlError(`Unterminated literal in date format '${format}'.`)
      parts.push({ text: rest.slice(1, end) })
      rest = rest.slice(end + 1)
    } else if (/^[-/:., ]/.test(rest)) {
      parts.push({ text: rest.slice(0, 1) })
      rest = rest.slice(1)
    } else {
      throw new SuiteQlError(`Unsupported date format '${format}'.`)
    }
  }
  return parts
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `TO_DATE('2026-01-10', 'YYYY-MM-DD')` → the instant, checked field by field. */
export function parseDate(text: string, format: string, type: SqlDate['type']): SqlDate {
  const parts = formatParts(format)
  const pattern = parts
    .map((p) => ('field' in p ? (p.field === 'YYYY' ? '(\\d{4})' : '(\\d{1,2})') : escape(p.text)))
    .join('')
  const match = new RegExp(`^${pattern}$`).exec(text)
  if (!match) throw new SuiteQlError(`The date '${text}' does not match the format '${format}'.`)
  const values: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, HH24: 0, MI: 0, SS: 0 }
  let group = 1
  for (const part of parts) {
    if ('field' in part) values[part.field] = Number(match[group++])
  }
  const { YYYY = 1970, MM = 1, DD = 1, HH24 = 0, MI = 0, SS = 0 } = values
  const ms = Date.UTC(YYYY, MM - 1, DD, HH24, MI, SS)
  const back = new Date(ms)
  if (
    back.getUTCMonth() !== MM - 1 ||
    back.getUTCDate() !== DD ||
    HH24 > 23 ||
    MI > 59 ||
    SS > 59
  ) {
    throw new SuiteQlError(`The date '${text}' is not a valid date.`)
  }
  return { ms, type }
}

/** `TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS')`. */
export function formatDate(date: SqlDate, format: string): string {
  const d = new Date(date.ms)
  const two = (n: number): string => String(n).padStart(2, '0')
  const field = {
    YYYY: String(d.getUTCFullYear()).padStart(4, '0'),
    MM: two(d.getUTCMonth() + 1),
    DD: two(d.getUTCDate()),
    HH24: two(d.getUTCHours()),
    MI: two(d.getUTCMinutes()),
    SS: two(d.getUTCSeconds()),
  }
  return formatParts(format)
    .map((p) => ('field' in p ? field[p.field] : p.text))
    .join('')
}

/**
 * Without TO_CHAR, SuiteQL prints dates and timestamps alike in the user's date format, day only
 * (`M/D/YYYY` by default): a poller that needs the time must ask for it with TO_CHAR.
 */
export function defaultDateText(date: SqlDate): string {
  const d = new Date(date.ms)
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`
}

/** A stored `YYYY-MM-DD` (tranDate) as a date value, or null when absent or unreadable. */
export function storedDay(value: unknown): SqlDate | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const ms = Date.parse(`${value}T00:00:00Z`)
  return Number.isNaN(ms) ? null : { ms, type: 'date' }
}
