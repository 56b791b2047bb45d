/** @module sandbox/netsuite/netsuite-posting-period — the accounting period a posting transaction falls in, and NetSuite's refusal to post into one that is closed or locked. */

import type { SimResponse } from '../kit/sim-response.ts'
import { nsErrors } from './netsuite-errors.ts'
import type { NetSuiteRecordStore, StoredRecord } from './netsuite-record-store.ts'

/** The posting period (not a quarter or year) whose dates hold `day`, a `YYYY-MM-DD` string. */
export function periodFor(store: NetSuiteRecordStore, day: string): StoredRecord | undefined {
  return store
    .list('accountingPeriod')
    .find(
      (p) =>
        p.fields.isQuarter !== true &&
        p.fields.isYear !== true &&
        typeof p.fields.startDate === 'string' &&
        typeof p.fields.endDate === 'string' &&
        p.fields.startDate <= day &&
        day <= p.fields.endDate,
    )
}

/**
 * Why NetSuite will not post into `period`: closed, all-locked, or (for a receivables
 * transaction such as an invoice or a credit memo, `receivables`) with A/R locked during the
 * period close. Null when it takes postings.
 */
export function closedPeriodRefusal(
  period: StoredRecord,
  options: { receivables: boolean },
): SimResponse | null {
  const f = period.fields
  const locked = f.closed === true || f.allLocked === true
  if (!locked && !(options.receivables && f.arLocked === true)) return null
  const name = typeof f.periodName === 'string' ? f.periodName : ''
  return nsErrors.userError(
    `The accounting period ${name} is closed or locked; you cannot post to it.`,
    'postingPeriod',
  )
}

/**
 * The period check of a receivables transaction dated `day`. An account without accounting
 * periods (a test that seeds none) posts by date alone, as journal entries do.
 */
export function receivablesPeriodRefusal(
  store: NetSuiteRecordStore,
  day: string,
): SimResponse | null {
  if (store.list('accountingPeriod').length === 0) return null
  const period = periodFor(store, day)
  if (!period) {
    return nsErrors.userError(`No accounting period is set up for the date ${day}.`, 'tranDate')
  }
  return closedPeriodRefusal(period, { receivables: true })
}
