/** @module sandbox/netsuite/netsuite-journal-rules — what NetSuite checks when a journal entry is saved: references on the header and every line, an open posting period, debits equal to credits. */

import type { SimResponse } from '../kit/sim-response.ts'
import { nsErrors } from './netsuite-errors.ts'
import { closedPeriodRefusal, periodFor } from './netsuite-posting-period.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'

type Fields = Record<string, unknown>
type Checked<T> = { ok: true; value: T } | { ok: false; response: SimResponse }

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The line fields that reference a record, and the record type each points at. */
export const JOURNAL_LINE_REFERENCES: Readonly<Record<string, RecordType>> = {
  account: 'account',
  department: 'department',
  class: 'classification',
  location: 'location',
}

/** A reference that resolves to a record nobody made inactive; NetSuite refuses both alike. */
function activeRef(
  store: NetSuiteRecordStore,
  type: RecordType,
  ref: unknown,
  field: string,
  path: string,
): Checked<StoredRecord> {
  const found = store.resolve(type, ref)
  if (!found || found.fields.isInactive === true) {
    return { ok: false, response: nsErrors.invalidValue(field, path) }
  }
  return { ok: true, value: found }
}

export function journalLinesOf(fields: Readonly<Fields>): Fields[] {
  const line = fields.line
  return isObject(line) && Array.isArray(line.items) ? (line.items as Fields[]) : []
}

/** Resolves the `line` sublist's references to `{id}`; any that does not resolve is refused with its path. */
export function normaliseJournalLines(
  store: NetSuiteRecordStore,
  sublist: unknown,
  validate: boolean,
): Checked<Fields[]> {
  if (!isObject(sublist) || (sublist.items !== undefined && !Array.isArray(sublist.items))) {
    return { ok: false, response: nsErrors.invalidValue('line', 'line') }
  }
  const lines: Fields[] = []
  for (const [i, raw] of ((sublist.items ?? []) as unknown[]).entries()) {
    const path = `line.items[${i}]`
    if (!isObject(raw)) return { ok: false, response: nsErrors.invalidValue('line', path) }
    const line: Fields = { ...raw }
    for (const [field, type] of Object.entries(JOURNAL_LINE_REFERENCES)) {
      if (raw[field] === undefined) continue
      const found = validate
        ? activeRef(store, type, raw[field], field, `${path}.${field}`)
        : { ok: true as const, value: store.resolve(type, raw[field]) }
      if (!found.ok) return found
      if (found.value) line[field] = { id: found.value.id }
    }
    for (const side of ['debit', 'credit'] as const) {
      const amount = raw[side]
      if (amount !== undefined && (typeof amount !== 'number' || !(amount >= 0))) {
        return { ok: false, response: nsErrors.invalidValue(side, `${path}.${side}`) }
      }
    }
    lines.push(line)
  }
  return { ok: true, value: lines }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * Resolves the header: subsidiary, and the posting period (given, or the one holding `tranDate`,
 * as NetSuite defaults it). Runs before the business rules so they see resolved references.
 */
export function resolveJournalHeader(
  store: NetSuiteRecordStore,
  incoming: Readonly<Fields>,
  merged: Fields,
  validate: boolean,
): SimResponse | null {
  if ('subsidiary' in incoming) {
    const found = store.resolve('subsidiary', incoming.subsidiary)
    if (!found || (validate && found.fields.isInactive === true)) {
      return nsErrors.invalidValue('subsidiary', 'subsidiary')
    }
    merged.subsidiary = { id: found.id }
  }
  if ('currency' in incoming) {
    const found = store.resolve('currency', incoming.currency)
    if (!found || (validate && found.fields.isInactive === true)) {
      return nsErrors.invalidValue('currency', 'currency')
    }
    merged.currency = { id: found.id }
  }
  if ('postingPeriod' in incoming) {
    const found = store.resolve('accountingPeriod', incoming.postingPeriod)
    if (!found) return nsErrors.invalidValue('postingPeriod', 'postingPeriod')
    merged.postingPeriod = { id: found.id }
  } else if (typeof merged.tranDate === 'string' && merged.postingPeriod === undefined) {
    const period = periodFor(store, merged.tranDate)
    if (period) merged.postingPeriod = { id: period.id }
  }
  return null
}

const cents = (value: unknown): number => (typeof value === 'number' ? Math.round(value * 100) : 0)
const money = (c: number): string => (c / 100).toFixed(2)

/** The non-retryable rules of a journal entry save, as NetSuite words them (USER_ERROR). */
export function journalEntryRules(
  store: NetSuiteRecordStore,
  fields: Readonly<Fields>,
): SimResponse | null {
  if (store.list('subsidiary').length > 0 && !isObject(fields.subsidiary)) {
    return nsErrors.userError('Please enter value(s) for: Subsidiary.', 'subsidiary')
  }
  if (typeof fields.tranDate !== 'string' || !DAY.test(fields.tranDate)) {
    return nsErrors.userError('Please enter value(s) for: Date.', 'tranDate')
  }
  // An account without accounting periods (a test that seeds none) posts by date alone.
  if (store.list('accountingPeriod').length > 0) {
    const period = store.resolve('accountingPeriod', fields.postingPeriod)
    if (!period) {
      return nsErrors.userError(
        `No accounting period is set up for the date ${fields.tranDate}.`,
        'postingPeriod',
      )
    }
    const closed = closedPeriodRefusal(period, { receivables: false })
    if (closed) return closed
  }
  const lines = journalLinesOf(fields)
  if (lines.length === 0) {
    return nsErrors.userError('You must enter at least one line item for this transaction.', 'line')
  }
  const missing = lines.findIndex((l) => !isObject(l.account))
  if (missing >= 0) {
    return nsErrors.userError(
      `Please enter value(s) for: Account (line ${missing + 1}).`,
      `line.items[${missing}].account`,
    )
  }
  const debits = lines.reduce((sum, l) => sum + cents(l.debit), 0)
  const credits = lines.reduce((sum, l) => sum + cents(l.credit), 0)
  if (debits !== credits) {
    return nsErrors.userError(
      `This transaction is not in balance: debits ${money(debits)}, credits ${money(credits)}.`,
      'line',
    )
  }
  return null
}
