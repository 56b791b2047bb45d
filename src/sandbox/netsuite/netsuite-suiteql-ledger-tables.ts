/** @module sandbox/netsuite/netsuite-suiteql-ledger-tables — the general ledger's SuiteQL tables: account, accountingperiod and the dimensions a journal line points at. */

import { storedDay } from './netsuite-suiteql-dates.ts'
import type { SqlDate } from './netsuite-suiteql-dates.ts'
import type { RecordType, StoredRecord } from './netsuite-record-store.ts'
import type { ScanContext, SqlValue, SuiteQlTable } from './netsuite-suiteql-tables.ts'

type Column = (record: StoredRecord) => SqlValue

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null
// SuiteQL prints booleans as 'T' / 'F'.
const flag = (value: unknown): string => (value === true ? 'T' : 'F')
const refId = (value: unknown): number | null => {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : null
  return typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : null
}
const day = (value: unknown): SqlDate | null => storedDay(value)

/** A table over one record type; its own helper so the main table module needs no cycle. */
function recordTable(
  name: string,
  type: RecordType,
  columns: Readonly<Record<string, Column>>,
): SuiteQlTable {
  const all: Readonly<Record<string, Column>> = {
    id: (r) => Number(r.id),
    externalid: (r) => r.externalId,
    ...columns,
    isinactive: (r) => flag(r.fields.isInactive),
    lastmodifieddate: (r) => ({ ms: r.lastModifiedDate, type: 'datetime' }),
  }
  return {
    name,
    columns: Object.keys(all),
    has: (column) => column in all,
    scan: (ctx: ScanContext) =>
      ctx.store.list(type).map((record) => (column: string) => all[column]?.(record) ?? null),
  }
}

/** Column names as NetSuite's Records Catalog gives them for `account`. */
const account = recordTable('account', 'account', {
  acctnumber: (r) => text(r.fields.acctNumber),
  accountsearchdisplayname: (r) => text(r.fields.acctName),
  fullname: (r) => text(r.fields.acctName),
  accttype: (r) => text(r.fields.acctType),
  issummary: (r) => flag(r.fields.isSummary),
  subsidiary: (r) => refId(r.fields.subsidiary),
})

/** `closed` is the period close; `alllocked` / `aplocked` / `arlocked` are the period-end locks. */
const accountingPeriod = recordTable('accountingperiod', 'accountingPeriod', {
  periodname: (r) => text(r.fields.periodName),
  startdate: (r) => day(r.fields.startDate),
  enddate: (r) => day(r.fields.endDate),
  closed: (r) => flag(r.fields.closed),
  alllocked: (r) => flag(r.fields.allLocked),
  aplocked: (r) => flag(r.fields.apLocked),
  arlocked: (r) => flag(r.fields.arLocked),
  isadjust: (r) => flag(r.fields.isAdjust),
  isquarter: (r) => flag(r.fields.isQuarter),
  isyear: (r) => flag(r.fields.isYear),
  // A posting period is one that is neither a quarter nor a year (those only sum their months).
  isposting: (r) => flag(r.fields.isQuarter !== true && r.fields.isYear !== true),
})

const named = (name: string, type: RecordType): SuiteQlTable =>
  recordTable(name, type, { name: (r) => text(r.fields.name) })

const currency = recordTable('currency', 'currency', {
  symbol: (r) => text(r.fields.symbol),
  name: (r) => text(r.fields.name),
})

export const LEDGER_TABLES: readonly SuiteQlTable[] = [
  account,
  accountingPeriod,
  named('subsidiary', 'subsidiary'),
  named('department', 'department'),
  named('classification', 'classification'),
  currency,
]
