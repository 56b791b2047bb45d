// The journal validator and batch builder on their own: every rule's message names its lines and the fix, sums are exact decimals, and batches group by day, currency and subsidiary.
import { describe, expect, it } from 'vitest'
import { JournalEntry, type JournalLine } from '../../src/canonical/index.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { buildJournalBatches } from '../../src/flows/financial-postings/journal-batch-builder.ts'
import { advance } from '../../src/flows/financial-postings/journal-batch-state.ts'
import {
  journalRejection,
  validateJournalEntry,
  type LedgerSetup,
} from '../../src/flows/financial-postings/journal-validator.ts'
import { ShopifyOrderTransaction } from '../../src/flows/financial-postings/settled-transaction-schema.ts'
import { policy, transaction } from './financial-postings-kit.ts'

const ledger: LedgerSetup = {
  accounts: [
    { number: '1100', inactive: false },
    { number: '1210', inactive: false },
    { number: '4999', inactive: true },
  ],
  periods: [
    { name: 'Oct 2026', startDate: '2026-10-01', endDate: '2026-10-31', closed: true },
    { name: 'Nov 2026', startDate: '2026-11-01', endDate: '2026-11-30', closed: false },
  ],
  subsidiaries: [{ key: 'SUB-US', inactive: false }],
  departments: [
    { key: 'ONLINE', inactive: false },
    { key: 'RETAIL', inactive: true },
  ],
  classes: [],
  locations: [{ key: 'WH-MAIN', inactive: false }],
  currencies: [
    { key: 'USD', inactive: false },
    { key: 'JPY', inactive: false },
  ],
}

type L = [account: string, debit: string, credit: string, events?: string[]]

function je(lines: L[], header: Partial<JournalEntry> = {}): JournalEntry {
  return JournalEntry.parse({
    kind: 'journalEntry',
    schemaVersion: 1,
    externalId: 'JE-T',
    subsidiary: 'SUB-US',
    currency: 'USD',
    tranDate: '2026-11-20',
    lines: lines.map(([account, debit, credit, events = ['e1']], i): JournalLine => ({
      lineNumber: i + 1,
      account,
      debit,
      credit,
      dimensions: { department: 'ONLINE' },
      sourceEventIds: events,
    })),
    ...header,
  })
}

const codes = (entry: JournalEntry) => validateJournalEntry(entry, ledger).map((i) => i.code)

describe('validateJournalEntry', () => {
  it('passes a balanced entry, summing exact decimals (0.1 + 0.2 is 0.3)', () => {
    expect(
      validateJournalEntry(
        je([
          ['1210', '0.1', '0'],
          ['1210', '0.2', '0'],
          ['1100', '0', '0.30'],
        ]),
        ledger,
      ),
    ).toEqual([])
    // Beyond 2^53 cents: still exact, the sums are scaled bigints.
    expect(
      codes(
        je([
          ['1210', '99999999999999.99', '0'],
          ['1210', '0.01', '0'],
          ['1100', '0', '100000000000000.00'],
        ]),
      ),
    ).toEqual([])
  })

  it('names the lines of an unbalanced entry, and the source group that does not balance', () => {
    const issues = validateJournalEntry(
      je([
        ['1210', '10.00', '0', ['a']],
        ['1100', '0', '10.00', ['a']],
        ['1210', '3.00', '0', ['b', 'c']],
        ['1100', '0', '2.99', ['c', 'b']],
      ]),
      ledger,
    )
    expect(issues.map((i) => [i.code, i.lines])).toEqual([
      ['UNBALANCED_SOURCE', [3, 4]],
      ['UNBALANCED', [1, 2, 3, 4]],
    ])
    expect(issues[0]?.message).toBe(
      "lines 3, 4 (source events b, c) do not balance: debits 3.00, credits 2.99; correct those lines' amounts",
    )
    expect(issues[1]?.message).toContain(
      'debits 13.00 do not equal credits 12.99 (debits exceed by 0.01)',
    )
    expect(issues[1]?.message).toContain('4: 1100 Dr 0 Cr 2.99')
  })

  it('refuses a line with both sides or none, and more decimals than the currency has', () => {
    const issues = validateJournalEntry(
      je([
        ['1210', '5.00', '5.00'],
        ['1100', '0', '0'],
        ['1210', '1.005', '0'],
        ['1100', '0', '1.005'],
      ]),
      ledger,
    )
    expect(issues.map((i) => [i.code, i.lines])).toEqual([
      ['LINE_SIDES', [1]],
      ['LINE_SIDES', [2]],
      ['PRECISION', [3]],
      ['PRECISION', [4]],
    ])
    expect(issues[1]?.message).toBe(
      'line 2 carries no amount: remove it or enter its debit or credit',
    )
    expect(
      codes(
        je(
          [
            ['1210', '10.5', '0'],
            ['1100', '0', '10.5'],
          ],
          { currency: 'JPY' },
        ),
      ),
    ).toEqual(['PRECISION', 'PRECISION'])
  })

  it('refuses a closed period and a date no period holds, on every line', () => {
    const closed = validateJournalEntry(
      je(
        [
          ['1210', '1', '0'],
          ['1100', '0', '1'],
        ],
        { tranDate: '2026-10-31' },
      ),
      ledger,
    )
    expect(closed.map((i) => [i.code, i.lines])).toEqual([['PERIOD_CLOSED', [1, 2]]])
    expect(closed[0]?.message).toContain('have it reopened')
    expect(
      codes(
        je(
          [
            ['1210', '1', '0'],
            ['1100', '0', '1'],
          ],
          { tranDate: '2027-01-02' },
        ),
      ),
    ).toEqual(['NO_PERIOD'])
  })

  it('refuses unknown and inactive accounts, dimensions, subsidiary and currency', () => {
    const entry = je(
      [
        ['9999', '1', '0'],
        ['4999', '0', '1'],
        ['9999', '0', '0.00'],
      ],
      {
        subsidiary: 'SUB-XX',
        currency: 'EUR',
      },
    )
    const withDims = {
      ...entry,
      lines: entry.lines.map((l, i) => ({
        ...l,
        dimensions: i === 0 ? { department: 'RETAIL' } : { department: 'ONLINE', location: 'WH-9' },
      })),
    }
    const issues = validateJournalEntry(withDims, ledger)
    expect(issues.map((i) => [i.code, i.lines])).toEqual([
      ['LINE_SIDES', [3]],
      ['UNKNOWN_SUBSIDIARY', [1, 2, 3]],
      ['UNKNOWN_CURRENCY', [1, 2, 3]],
      ['UNKNOWN_ACCOUNT', [1, 3]],
      ['INACTIVE_ACCOUNT', [2]],
      ['UNKNOWN_DIMENSION', [1]],
      ['UNKNOWN_DIMENSION', [2, 3]],
    ])
    expect(issues.map((i) => i.message)).toContain(
      'department RETAIL on line 1 is inactive in the ERP: correct the dimension in the posting policy',
    )
    const error = journalRejection(withDims, issues)
    expect(HubError.is(error) && error.type).toBe('validation')
    expect(error.code).toBe('LINE_SIDES')
    expect(error.path).toBe('lines[3]')
    expect(error.message.split('\n')).toHaveLength(issues.length + 1)
  })
})

describe('buildJournalBatches', () => {
  const tx = (...args: Parameters<typeof transaction>) =>
    ShopifyOrderTransaction.parse(transaction(...args))

  it('makes one balanced entry per shop day, currency and subsidiary, lines naming their transactions', () => {
    const cad = { ...transaction(9, 'sale', '8.00', '2026-11-20T23:30:00-05:00'), currency: 'CAD' }
    const built = buildJournalBatches(
      [
        tx(3, 'refund', '2.50', '2026-11-20T10:00:00-05:00'),
        tx(1, 'sale', '10.00', '2026-11-20T23:59:00-05:00'),
        tx(2, 'capture', '5.25', '2026-11-21T00:01:00-05:00'),
        tx(4, 'authorization', '99.00', '2026-11-20T10:00:00-05:00'),
        tx(5, 'sale', '1.00', '2026-11-20T10:00:00-05:00', 'failure'),
        ShopifyOrderTransaction.parse(cad),
      ],
      policy({ subsidiaryByCurrency: { CAD: 'SUB-CA' } }),
    )
    expect(built.skipped).toEqual(['4', '5'])
    expect(built.entries.map((e) => e.externalId)).toEqual([
      'SHOPIFY-JE-SUB-CA-CAD-2026-11-20',
      'SHOPIFY-JE-SUB-US-USD-2026-11-20',
      'SHOPIFY-JE-SUB-US-USD-2026-11-21',
    ])
    const day = built.entries[1]
    expect(day?.lines.map((l) => [l.account, l.debit, l.credit, l.sourceEventIds])).toEqual([
      ['1210', '10.00', '0', ['1']],
      ['1100', '0', '10.00', ['1']],
      ['4010', '2.50', '0', ['3']],
      ['1210', '0', '2.50', ['3']],
    ])
    for (const entry of built.entries) {
      expect(
        validateJournalEntry(entry, { ...ledger, accounts: [] }).map((i) => i.code),
      ).not.toContain('UNBALANCED')
    }
  })

  it('splits a day with more transactions than the policy allows into numbered parts', () => {
    const day = Array.from({ length: 5 }, (_, i) =>
      tx(100 - i, 'sale', '1.00', '2026-11-20T10:00:00-05:00'),
    )
    const built = buildJournalBatches(day, policy({ maxTransactionsPerBatch: 2 }))
    expect(built.entries.map((e) => [e.externalId, e.lines[0]?.sourceEventIds])).toEqual([
      ['SHOPIFY-JE-SUB-US-USD-2026-11-20', ['96', '97']],
      ['SHOPIFY-JE-SUB-US-USD-2026-11-20-P2', ['98', '99']],
      ['SHOPIFY-JE-SUB-US-USD-2026-11-20-P3', ['100']],
    ])
  })

  it('lets a batch move only along its state machine', () => {
    expect(advance(advance(['open'], 'validated'), 'posted')).toEqual([
      'open',
      'validated',
      'posted',
    ])
    expect(() => advance(['open'], 'posted')).toThrow('cannot go from open to posted')
  })
})
