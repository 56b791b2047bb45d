/** @module connectors/netsuite/netsuite-journal-mapping — a canonical JournalEntry as NetSuite's `journalEntry` record body, references resolved to internal ids. */
import type { JournalEntry, JournalLine } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { NetSuiteLedgerSetup, NetSuiteNamedRecord } from './netsuite-ledger.ts'

type Ref = { id: string }

export interface NetSuiteJournalLine {
  account: Ref
  debit?: number
  credit?: number
  memo?: string
  department?: Ref
  class?: Ref
  location?: Ref
}

export interface NetSuiteJournalEntryBody {
  externalId: string
  subsidiary: Ref
  currency: Ref
  tranDate: string
  postingPeriod: Ref
  memo?: string
  line: { items: NetSuiteJournalLine[] }
}

const isZero = (amount: string): boolean => /^0*(\.0*)?$/.test(amount)

function find(records: readonly NetSuiteNamedRecord[], key: string, what: string): Ref {
  const found = records.find((r) => r.key === key)
  // The posting validator checks every reference before this runs; reaching here means the
  // ledger setup changed between the two, which a retry of the whole batch resolves.
  if (!found) throw HubError.validation(`no NetSuite ${what} with key ${JSON.stringify(key)}`)
  return { id: found.id }
}

/**
 * NetSuite takes debit and credit as JSON numbers. An amount of at most 15 digits and the
 * currency's 2 decimals prints back exactly, so the decimal string survives the trip; only the
 * side that carries an amount is sent.
 */
function lineBody(line: JournalLine, setup: NetSuiteLedgerSetup): NetSuiteJournalLine {
  const account = setup.accounts.find((a) => a.number === line.account)
  if (!account) throw HubError.validation(`no NetSuite account numbered ${line.account}`)
  const { department, class: klass, location } = line.dimensions
  return {
    account: { id: account.id },
    ...(isZero(line.debit) ? {} : { debit: Number(line.debit) }),
    ...(isZero(line.credit) ? {} : { credit: Number(line.credit) }),
    ...(line.memo === undefined ? {} : { memo: line.memo }),
    ...(department === undefined
      ? {}
      : { department: find(setup.departments, department, 'department') }),
    ...(klass === undefined ? {} : { class: find(setup.classes, klass, 'class') }),
    ...(location === undefined ? {} : { location: find(setup.locations, location, 'location') }),
  }
}

export function canonicalJournalEntryToNetSuite(
  entry: JournalEntry,
  setup: NetSuiteLedgerSetup,
): NetSuiteJournalEntryBody {
  const period = setup.periods.find(
    (p) => p.startDate <= entry.tranDate && entry.tranDate <= p.endDate,
  )
  if (!period) throw HubError.validation(`no NetSuite accounting period holds ${entry.tranDate}`)
  return {
    externalId: entry.externalId,
    subsidiary: find(setup.subsidiaries, entry.subsidiary, 'subsidiary'),
    currency: find(setup.currencies, entry.currency, 'currency'),
    tranDate: entry.tranDate,
    postingPeriod: { id: period.id },
    ...(entry.memo === undefined ? {} : { memo: entry.memo }),
    line: { items: entry.lines.map((l) => lineBody(l, setup)) },
  }
}
