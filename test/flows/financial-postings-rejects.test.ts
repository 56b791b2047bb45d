// Financial postings refused before the ERP: an unbalanced journal batch, a closed period and unknown or inactive accounts fail the run as validation, naming the lines, and NetSuite never sees a journalEntry request.
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  createJournalBatchFlow,
  createShopifySettlementsFlow,
  JOURNAL_BATCH_SOURCE,
  JOURNAL_BATCH_TOPIC,
  SETTLED_TRANSACTIONS_TOPIC,
} from '../../src/flows/financial-postings/financial-postings-flow.ts'
import type { FinancialPostingPolicy } from '../../src/flows/financial-postings/posting-policy.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { describeOnStores, type Bench } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  ACCOUNTS,
  journalRequests,
  netsuiteClient,
  policy,
  seedLedger,
  transaction,
} from './financial-postings-kit.ts'

const pgUrl = await postgresForTests('financial postings rejects')
const netsuite = createNetSuiteSimulator({ seed: 11 })
beforeAll(() => netsuite.start())
afterAll(() => netsuite.stop())

const target = () => `netsuite:${netsuite.accountId}`

async function runMessage(
  b: Bench,
  flowPolicy: FinancialPostingPolicy,
  message: { source: string; topic: string; payload: unknown; key: string },
) {
  const deps = { netsuite: netsuiteClient(netsuite), netsuiteTarget: target(), policy: flowPolicy }
  const engine = b.engine({
    flows: [createShopifySettlementsFlow(deps), createJournalBatchFlow(deps)],
  })
  const { runIds } = await engine.ingest({
    sourceSystem: message.source,
    sourceMessageId: message.key,
    connection: 'main',
    topic: message.topic,
    payload: JSON.stringify(message.payload),
    headers: {},
    triggeredAt: null,
    businessKey: message.key,
  })
  expect(runIds).toHaveLength(1)
  await engine.runOnce()
  return b.run(runIds[0] ?? '')
}

const settlement = (transactions: unknown[], key: string) => ({
  source: 'shopify',
  topic: SETTLED_TRANSACTIONS_TOPIC,
  payload: { transactions },
  key,
})

describeOnStores('financial postings rejects', pgUrl, (bench) => {
  beforeAll(() => {
    netsuite.reset()
    seedLedger(netsuite)
  })

  it('rejects an unbalanced journal batch naming its lines, before any journalEntry request', async () => {
    const b = bench()
    const before = journalRequests(netsuite).length
    const line = (n: number, account: string, debit: string, credit: string, events: string[]) => ({
      lineNumber: n,
      account,
      debit,
      credit,
      memo: `accrual ${n}`,
      dimensions: { department: 'ONLINE' },
      sourceEventIds: events,
    })
    const run = await runMessage(b, policy(), {
      source: JOURNAL_BATCH_SOURCE,
      topic: JOURNAL_BATCH_TOPIC,
      key: `batch-${b.tenantId}`,
      payload: {
        kind: 'journalEntry',
        schemaVersion: 1,
        externalId: 'ACCRUAL-2026-11-28',
        subsidiary: 'SUB-US',
        currency: 'USD',
        tranDate: '2026-11-28',
        lines: [
          line(1, ACCOUNTS.clearing, '120.00', '0', ['adj-1']),
          line(2, ACCOUNTS.receivable, '0', '120.00', ['adj-1']),
          line(3, ACCOUNTS.refunds, '35.10', '0', ['adj-2']),
          line(4, ACCOUNTS.clearing, '0', '35.01', ['adj-2']),
        ],
      },
    })
    expect(run.state).toBe('dead')
    expect(run.lastError).toMatchObject({ type: 'validation', code: 'UNBALANCED_SOURCE' })
    const message = run.lastError?.message ?? ''
    expect(message).toContain('ACCRUAL-2026-11-28')
    // The pair that does not balance is named, then the entry's totals over every line.
    expect(message).toContain(
      'lines 3, 4 (source events adj-2) do not balance: debits 35.10, credits 35.01',
    )
    expect(message).toContain(
      'debits 155.10 do not equal credits 155.01 (debits exceed by 0.09) over lines 1, 2, 3, 4',
    )
    expect(journalRequests(netsuite).slice(before)).toEqual([])
    expect(netsuite.records.list('journalEntry')).toEqual([])
  })

  it('rejects settlements in a closed period, naming the lines and the period', async () => {
    const b = bench()
    const before = journalRequests(netsuite).length
    const run = await runMessage(
      b,
      policy(),
      settlement(
        [
          transaction(1, 'sale', '40.00', '2026-10-30T09:00:00-05:00'),
          transaction(2, 'refund', '5.00', '2026-10-30T11:00:00-05:00'),
        ],
        `closed-${b.tenantId}`,
      ),
    )
    expect(run.state).toBe('dead')
    expect(run.lastError).toMatchObject({ type: 'validation', code: 'PERIOD_CLOSED' })
    expect(run.lastError?.message).toContain(
      'accounting period Oct 2026 holding tranDate 2026-10-30 is closed (lines 1, 2, 3, 4)',
    )
    expect(journalRequests(netsuite).slice(before)).toEqual([])
  })

  it('rejects unknown and inactive accounts and an unknown dimension, all in one error', async () => {
    const b = bench()
    const before = journalRequests(netsuite).length
    const run = await runMessage(
      b,
      policy({
        accounts: { clearing: ACCOUNTS.clearing, receivable: '1199', refunds: ACCOUNTS.inactive },
        dimensions: { department: 'ONLINE', location: 'WH-NOWHERE' },
      }),
      settlement(
        [
          transaction(3, 'capture', '70.00', '2026-11-27T10:00:00-05:00'),
          transaction(4, 'refund', '20.00', '2026-11-27T12:00:00-05:00'),
          transaction(5, 'authorization', '99.00', '2026-11-27T12:30:00-05:00'),
        ],
        `accounts-${b.tenantId}`,
      ),
    )
    expect(run.state).toBe('dead')
    expect(run.lastError).toMatchObject({ type: 'validation', code: 'UNKNOWN_ACCOUNT' })
    const message = run.lastError?.message ?? ''
    expect(message).toContain('account 1199 on line 2 is not in the chart of accounts')
    expect(message).toContain(`account ${ACCOUNTS.inactive} on line 3 is inactive`)
    expect(message).toContain('location WH-NOWHERE on lines 1, 2, 3, 4 is unknown')
    expect(journalRequests(netsuite).slice(before)).toEqual([])
  })
})
