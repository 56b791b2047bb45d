/** @module connectors/netsuite/netsuite-ledger — reads what a journal entry posts against (chart of accounts, accounting periods, subsidiaries, dimensions, currencies) with SuiteQL. */
import type { NetSuiteClient } from './netsuite-client.ts'
import type { SuiteQlRow } from './netsuite-suiteql.ts'

export interface NetSuiteAccount {
  id: string
  number: string
  name: string
  inactive: boolean
}

export interface NetSuitePeriod {
  id: string
  name: string
  /** `YYYY-MM-DD`, inclusive. */
  startDate: string
  endDate: string
  /** Closed, or locked for everything: no posting. */
  closed: boolean
}

export interface NetSuiteNamedRecord {
  id: string
  /** The key a posting rule names it by: the external id, else the symbol (currencies). */
  key: string
  inactive: boolean
}

export interface NetSuiteLedgerSetup {
  accounts: NetSuiteAccount[]
  /** Posting periods only (no quarters or years). */
  periods: NetSuitePeriod[]
  subsidiaries: NetSuiteNamedRecord[]
  departments: NetSuiteNamedRecord[]
  classes: NetSuiteNamedRecord[]
  locations: NetSuiteNamedRecord[]
  currencies: NetSuiteNamedRecord[]
}

const str = (row: SuiteQlRow, column: string): string => {
  const value = row[column]
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
}
const yes = (row: SuiteQlRow, column: string): boolean => row[column] === 'T'

const ISO_DAY = "'YYYY-MM-DD'"

/**
 * One read of the ledger setup, SuiteQL table by table. Sequential on purpose: it runs once per
 * batch and shares the account's concurrency slots with the writes that follow.
 */
export async function readNetSuiteLedgerSetup(
  client: NetSuiteClient,
  signal?: AbortSignal,
): Promise<NetSuiteLedgerSetup> {
  const query = (text: string) => client.suiteqlAll(text, signal ? { signal } : {})
  const accounts = (
    await query('SELECT id, acctnumber, fullname, isinactive FROM account ORDER BY id')
  ).map((r) => ({
    id: str(r, 'id'),
    number: str(r, 'acctnumber'),
    name: str(r, 'fullname'),
    inactive: yes(r, 'isinactive'),
  }))
  const periods = (
    await query(
      `SELECT id, periodname, TO_CHAR(startdate, ${ISO_DAY}) AS startdate, ` +
        `TO_CHAR(enddate, ${ISO_DAY}) AS enddate, closed, alllocked, isinactive ` +
        "FROM accountingperiod WHERE isquarter = 'F' AND isyear = 'F' ORDER BY id",
    )
  )
    .filter((r) => !yes(r, 'isinactive'))
    .map((r) => ({
      id: str(r, 'id'),
      name: str(r, 'periodname'),
      startDate: str(r, 'startdate'),
      endDate: str(r, 'enddate'),
      closed: yes(r, 'closed') || yes(r, 'alllocked'),
    }))
  const named = async (table: string): Promise<NetSuiteNamedRecord[]> =>
    (await query(`SELECT id, externalid, isinactive FROM ${table} ORDER BY id`)).map((r) => ({
      id: str(r, 'id'),
      key: str(r, 'externalid'),
      inactive: yes(r, 'isinactive'),
    }))
  const currencies = (await query('SELECT id, symbol, isinactive FROM currency ORDER BY id')).map(
    (r) => ({ id: str(r, 'id'), key: str(r, 'symbol'), inactive: yes(r, 'isinactive') }),
  )
  return {
    accounts,
    periods,
    subsidiaries: await named('subsidiary'),
    departments: await named('department'),
    classes: await named('classification'),
    locations: await named('location'),
    currencies,
  }
}
