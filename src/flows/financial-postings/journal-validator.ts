/** @module flows/financial-postings/journal-validator — every check a journal batch must pass before anything is sent to the ERP, each problem naming its lines and the fix. */
import { addDecimals, type JournalEntry, type JournalLine } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'

/** What the ERP's ledger holds, as the validator needs it (NetSuite's reader gives this shape). */
export interface LedgerSetup {
  accounts: readonly { number: string; inactive: boolean }[]
  periods: readonly { name: string; startDate: string; endDate: string; closed: boolean }[]
  subsidiaries: readonly LedgerRecord[]
  departments: readonly LedgerRecord[]
  classes: readonly LedgerRecord[]
  locations: readonly LedgerRecord[]
  currencies: readonly LedgerRecord[]
}

export interface LedgerRecord {
  key: string
  inactive: boolean
}

export const POSTING_ISSUE_CODES = [
  'UNBALANCED',
  'UNBALANCED_SOURCE',
  'LINE_SIDES',
  'PRECISION',
  'NO_PERIOD',
  'PERIOD_CLOSED',
  'UNKNOWN_ACCOUNT',
  'INACTIVE_ACCOUNT',
  'UNKNOWN_DIMENSION',
  'UNKNOWN_SUBSIDIARY',
  'UNKNOWN_CURRENCY',
] as const
export type PostingIssueCode = (typeof POSTING_ISSUE_CODES)[number]

export interface PostingIssue {
  code: PostingIssueCode
  /** The lines the problem is on (every line for a header problem). */
  lines: number[]
  /** What is wrong and what to change. */
  message: string
}

/** Currencies whose minor unit is not the cent; everything else posts with 2 decimals. */
const MINOR_UNITS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, JOD: 3 }

const negate = (a: string): string => (a.startsWith('-') ? a.slice(1) : `-${a}`)
const isZero = (a: string): boolean => /^-?0*(\.0*)?$/.test(a)
const minus = (a: string, b: string): string => addDecimals(a, negate(b))
const scaleOf = (a: string): number => a.split('.')[1]?.replace(/0+$/, '').length ?? 0
const sum = (amounts: string[]): string => (amounts.length === 0 ? '0' : addDecimals(...amounts))
const list = (lines: readonly number[]): string =>
  `${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')}`

function linesWhere(entry: JournalEntry, test: (l: JournalLine) => boolean): number[] {
  return entry.lines.filter(test).map((l) => l.lineNumber)
}

/** Every problem of the entry against the ledger; empty when it may be posted. */
export function validateJournalEntry(entry: JournalEntry, ledger: LedgerSetup): PostingIssue[] {
  const all = entry.lines.map((l) => l.lineNumber)
  return [
    ...checkLines(entry),
    ...checkBalance(entry),
    ...checkPeriod(entry, ledger, all),
    ...checkHeader(entry, ledger, all),
    ...checkAccounts(entry, ledger),
    ...checkDimensions(entry, ledger),
  ]
}

function checkLines(entry: JournalEntry): PostingIssue[] {
  const issues: PostingIssue[] = []
  const decimals = MINOR_UNITS[entry.currency] ?? 2
  for (const line of entry.lines) {
    const n = line.lineNumber
    const both = !isZero(line.debit) && !isZero(line.credit)
    if (both || (isZero(line.debit) && isZero(line.credit))) {
      issues.push({
        code: 'LINE_SIDES',
        lines: [n],
        message: both
          ? `line ${n} has both a debit (${line.debit}) and a credit (${line.credit}): split it into two lines or net it to one side`
          : `line ${n} carries no amount: remove it or enter its debit or credit`,
      })
    }
    for (const side of ['debit', 'credit'] as const) {
      if (scaleOf(line[side]) > decimals) {
        issues.push({
          code: 'PRECISION',
          lines: [n],
          message: `line ${n}: ${side} ${line[side]} has more than the ${decimals} decimals ${entry.currency} allows: round it where the batch is built`,
        })
      }
    }
  }
  return issues
}

function checkBalance(entry: JournalEntry): PostingIssue[] {
  const debits = sum(entry.lines.map((l) => l.debit))
  const credits = sum(entry.lines.map((l) => l.credit))
  const difference = minus(debits, credits)
  if (isZero(difference)) return []
  const issues: PostingIssue[] = []
  // Lines built from the same source events should balance among themselves: naming those that
  // do not points at the very lines (and events) that make the entry unbalanced.
  const groups = new Map<string, JournalLine[]>()
  for (const line of entry.lines) {
    const key = JSON.stringify([...line.sourceEventIds].sort())
    groups.set(key, [...(groups.get(key) ?? []), line])
  }
  for (const [key, lines] of groups) {
    const d = sum(lines.map((l) => l.debit))
    const c = sum(lines.map((l) => l.credit))
    if (isZero(minus(d, c)) || groups.size === 1) continue
    const events = JSON.parse(key) as string[]
    issues.push({
      code: 'UNBALANCED_SOURCE',
      lines: lines.map((l) => l.lineNumber),
      message: `${list(lines.map((l) => l.lineNumber))} (source events ${events.join(', ')}) do not balance: debits ${d}, credits ${c}; correct those lines' amounts`,
    })
  }
  const heavier = difference.startsWith('-') ? 'credits' : 'debits'
  issues.push({
    code: 'UNBALANCED',
    lines: entry.lines.map((l) => l.lineNumber),
    message:
      `debits ${debits} do not equal credits ${credits} (${heavier} exceed by ${difference.replace('-', '')}) ` +
      `over ${list(entry.lines.map((l) => l.lineNumber))}: ` +
      entry.lines
        .map((l) => `${l.lineNumber}: ${l.account} Dr ${l.debit} Cr ${l.credit}`)
        .join('; ') +
      '. Correct the amounts so that debits equal credits',
  })
  return issues
}

function checkPeriod(entry: JournalEntry, ledger: LedgerSetup, all: number[]): PostingIssue[] {
  const period = ledger.periods.find(
    (p) => p.startDate <= entry.tranDate && entry.tranDate <= p.endDate,
  )
  if (!period) {
    return [
      {
        code: 'NO_PERIOD',
        lines: all,
        message: `no accounting period holds tranDate ${entry.tranDate} (${list(all)}): set up the period in the ERP or correct the date`,
      },
    ]
  }
  if (!period.closed) return []
  return [
    {
      code: 'PERIOD_CLOSED',
      lines: all,
      message: `accounting period ${period.name} holding tranDate ${entry.tranDate} is closed (${list(all)}): have it reopened, or post these amounts in an open period as an adjustment`,
    },
  ]
}

function checkHeader(entry: JournalEntry, ledger: LedgerSetup, all: number[]): PostingIssue[] {
  const issues: PostingIssue[] = []
  const usable = (records: readonly LedgerRecord[], key: string): boolean =>
    records.some((r) => r.key === key && !r.inactive)
  if (!usable(ledger.subsidiaries, entry.subsidiary)) {
    issues.push({
      code: 'UNKNOWN_SUBSIDIARY',
      lines: all,
      message: `subsidiary ${entry.subsidiary} is unknown or inactive in the ERP (${list(all)}): fix the posting policy's subsidiary`,
    })
  }
  if (!usable(ledger.currencies, entry.currency)) {
    issues.push({
      code: 'UNKNOWN_CURRENCY',
      lines: all,
      message: `currency ${entry.currency} is not enabled in the ERP (${list(all)}): add it, or map the currency to a subsidiary that has it`,
    })
  }
  return issues
}

function checkAccounts(entry: JournalEntry, ledger: LedgerSetup): PostingIssue[] {
  const issues: PostingIssue[] = []
  for (const number of [...new Set(entry.lines.map((l) => l.account))]) {
    const lines = linesWhere(entry, (l) => l.account === number)
    const account = ledger.accounts.find((a) => a.number === number)
    if (!account) {
      issues.push({
        code: 'UNKNOWN_ACCOUNT',
        lines,
        message: `account ${number} on ${list(lines)} is not in the chart of accounts: correct the account number in the posting policy or create the account`,
      })
    } else if (account.inactive) {
      issues.push({
        code: 'INACTIVE_ACCOUNT',
        lines,
        message: `account ${number} on ${list(lines)} is inactive: reactivate it or post to its successor account`,
      })
    }
  }
  return issues
}

const DIMENSIONS = [
  ['department', 'departments'],
  ['class', 'classes'],
  ['location', 'locations'],
] as const

function checkDimensions(entry: JournalEntry, ledger: LedgerSetup): PostingIssue[] {
  const issues: PostingIssue[] = []
  for (const [dimension, table] of DIMENSIONS) {
    const values = new Set(entry.lines.flatMap((l) => l.dimensions[dimension] ?? []))
    for (const value of values) {
      const record = ledger[table].find((r) => r.key === value)
      if (record && !record.inactive) continue
      const lines = linesWhere(entry, (l) => l.dimensions[dimension] === value)
      issues.push({
        code: 'UNKNOWN_DIMENSION',
        lines,
        message: `${dimension} ${value} on ${list(lines)} is ${record ? 'inactive' : 'unknown'} in the ERP: correct the dimension in the posting policy`,
      })
    }
  }
  return issues
}

/** The validation error a rejected batch fails with: one line per problem. */
export function journalRejection(entry: JournalEntry, issues: readonly PostingIssue[]): HubError {
  const first = issues[0]
  return HubError.validation(
    `journal entry ${entry.externalId} rejected before posting, ${issues.length} problem(s):\n` +
      issues.map((i) => `- [${i.code}] ${i.message}`).join('\n'),
    {
      code: first?.code ?? 'JOURNAL_INVALID',
      ...(first === undefined ? {} : { path: `lines[${first.lines.join(',')}]` }),
    },
  )
}
