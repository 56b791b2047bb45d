// Financial postings that reach NetSuite: a day's settlements posted once although the first response is lost, every journal line traced back to its Shopify transactions, and a batch at or over the threshold posted only after approval (and never when rejected).
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  createShopifySettlementsFlow,
  SETTLED_TRANSACTIONS_TOPIC,
  type FinancialPostingsOutput,
} from '../../src/flows/financial-postings/financial-postings-flow.ts'
import { BATCH_HASH_FIELD } from '../../src/flows/financial-postings/journal-posting-steps.ts'
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

const pgUrl = await postgresForTests('financial postings post')
const netsuite = createNetSuiteSimulator({ seed: 12 })
beforeAll(() => netsuite.start())
afterAll(() => netsuite.stop())

function engineFor(b: Bench) {
  return b.engine({
    flows: [
      createShopifySettlementsFlow({
        netsuite: netsuiteClient(netsuite),
        netsuiteTarget: `netsuite:${netsuite.accountId}`,
        policy: policy(),
      }),
    ],
  })
}

async function ingest(b: Bench, engine: ReturnType<typeof engineFor>, transactions: unknown[]) {
  const { runIds } = await engine.ingest({
    sourceSystem: 'shopify',
    sourceMessageId: `extract-${b.tenantId}`,
    connection: 'main',
    topic: SETTLED_TRANSACTIONS_TOPIC,
    payload: JSON.stringify({ transactions }),
    headers: {},
    triggeredAt: null,
    businessKey: `settlement-${b.tenantId}`,
  })
  return runIds[0] ?? ''
}

const journalLines = (eid: string) => {
  const lines = netsuite.records.get('journalEntry', `eid:${eid}`)?.fields.line as
    { items: Record<string, unknown>[] } | undefined
  return lines?.items ?? []
}

describeOnStores('financial postings post', pgUrl, (bench) => {
  beforeAll(() => {
    netsuite.reset()
    seedLedger(netsuite)
  })

  it('posts a day once though the first response is lost, each line traced to its transactions', async () => {
    const b = bench()
    const engine = engineFor(b)
    const eid = 'SHOPIFY-JE-SUB-US-USD-2026-11-20'
    const runId = await ingest(b, engine, [
      transaction(101, 'sale', '19.99', '2026-11-20T08:00:00-05:00'),
      transaction(102, 'capture', '30.01', '2026-11-20T09:00:00-05:00'),
      transaction(103, 'refund', '4.50', '2026-11-20T10:00:00-05:00'),
      transaction(104, 'sale', '12.00', '2026-11-20T11:00:00-05:00', 'failure'),
    ])
    // The write commits in NetSuite, then the connection drops before the answer.
    netsuite.setScenario({ sequence: ['commitThenDrop'], faultMethods: ['PUT'] })
    await engine.runOnce()
    expect((await b.run(runId)).state).toBe('retrying')
    expect(netsuite.records.get('journalEntry', `eid:${eid}`)).toBeDefined()
    await b.advanceToNextRun(runId)
    await engine.runOnce()
    const run = await b.run(runId)
    expect(run.state).toBe('completed')
    netsuite.setScenario({})

    const writes = netsuite.ledger().effects.filter((e) => e.recordType === 'journalEntry')
    expect(writes).toEqual([expect.objectContaining({ businessKey: eid, writes: 1 })])
    expect(journalRequests(netsuite).filter((r) => r.method === 'PUT')).toHaveLength(1)

    const posted = netsuite.records.get('journalEntry', `eid:${eid}`)
    const output = run.output as FinancialPostingsOutput
    expect(output.skipped).toEqual(['104'])
    expect(output.batches).toEqual([
      {
        externalId: eid,
        states: ['open', 'validated', 'posted'],
        journalEntryId: posted?.id,
        debits: '54.50',
        decidedBy: null,
        reason: null,
      },
    ])
    expect(posted?.fields).toMatchObject({
      tranDate: '2026-11-20',
      [BATCH_HASH_FIELD]: expect.any(String),
    })
    const accountId = (number: string) =>
      netsuite.records.list('account').find((a) => a.fields.acctNumber === number)?.id
    expect(journalLines(eid).map((l) => [l.line, l.account, l.debit ?? 0, l.credit ?? 0])).toEqual([
      [1, { id: accountId(ACCOUNTS.clearing) }, 50, 0],
      [2, { id: accountId(ACCOUNTS.receivable) }, 0, 50],
      [3, { id: accountId(ACCOUNTS.refunds) }, 4.5, 0],
      [4, { id: accountId(ACCOUNTS.clearing) }, 0, 4.5],
    ])

    // From each posted line back to its source transactions, through the sync ledger.
    const refs = await b.store.crossReferenceFind({
      tenantId: b.tenantId,
      businessKey: eid,
      entityType: 'journalEntryLine',
      limit: 100,
    })
    const sourcesOf = (line: number) =>
      refs
        .filter((r) => {
          const [id, lines] = r.targetId.split(':')
          return id === posted?.id && (lines ?? '').split(',').includes(String(line))
        })
        .map((r) => r.sourceId)
        .sort()
    expect(journalLines(eid).map((l) => sourcesOf(Number(l.line)))).toEqual([
      ['101', '102'],
      ['101', '102'],
      ['103'],
      ['103'],
    ])
    const entryRefs = await b.store.crossReferenceFind({
      tenantId: b.tenantId,
      sourceSystem: 'shopify',
      sourceId: '103',
      entityType: 'journalEntry',
      limit: 10,
    })
    expect(entryRefs.map((r) => [r.businessKey, r.targetId, r.runId])).toEqual([
      [eid, posted?.id, runId],
    ])

    // A later extract of the same day with another transaction is a different batch under the
    // same external id: refused, the posted entry left as it is.
    const late = await engine.ingest({
      sourceSystem: 'shopify',
      sourceMessageId: `late-${b.tenantId}`,
      connection: 'main',
      topic: SETTLED_TRANSACTIONS_TOPIC,
      payload: JSON.stringify({
        transactions: [transaction(105, 'sale', '7.00', '2026-11-20T20:00:00-05:00')],
      }),
      headers: {},
      triggeredAt: null,
      businessKey: `late-${b.tenantId}`,
    })
    await engine.runOnce()
    const lateRun = await b.run(late.runIds[0] ?? '')
    expect(lateRun.state).toBe('dead')
    expect(lateRun.lastError).toMatchObject({ type: 'validation', code: 'JOURNAL_ALREADY_POSTED' })
    expect(journalRequests(netsuite).filter((r) => r.method === 'PUT')).toHaveLength(1)
    expect(netsuite.records.get('journalEntry', `eid:${eid}`)).toEqual(posted)
  })

  it('waits for approval at or over the threshold; posts when approved, never when rejected', async () => {
    const b = bench()
    const engine = engineFor(b)
    const audit = { actor: 'test', interactionId: null }
    const runId = await ingest(b, engine, [
      transaction(201, 'sale', '900.00', '2026-11-21T08:00:00-05:00'),
      transaction(202, 'sale', '1000.00', '2026-11-23T08:00:00-05:00'),
      transaction(203, 'sale', '1500.00', '2026-11-24T08:00:00-05:00'),
    ])
    const eid = (day: string) => `SHOPIFY-JE-SUB-US-USD-2026-11-${day}`
    await engine.runOnce()
    // Batches go in date order: 11-21 (900.00) is under the threshold and posts at once.
    expect((await b.run(runId)).state).toBe('waiting')
    expect(netsuite.records.get('journalEntry', `eid:${eid('21')}`)).toBeDefined()
    expect(netsuite.records.get('journalEntry', `eid:${eid('23')}`)).toBeUndefined()
    const [task] = await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })
    expect(task).toMatchObject({ state: 'open', assignee: 'controller' })
    expect(task?.title).toBe(`Journal batch ${eid('23')}: 1000.00 USD on 2026-11-23`)
    await engine.decideApproval({
      taskId: task?.id ?? '',
      decision: 'approved',
      reason: null,
      by: 'cfo',
      audit,
    })
    await engine.runOnce()
    expect(netsuite.records.get('journalEntry', `eid:${eid('23')}`)).toBeDefined()
    const open = (await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })).find(
      (t) => t.state === 'open',
    )
    expect(open?.title).toContain(eid('24'))
    await engine.decideApproval({
      taskId: open?.id ?? '',
      decision: 'rejected',
      reason: 'amount disputed with the gateway',
      by: 'cfo',
      audit,
    })
    await engine.runOnce()
    const run = await b.run(runId)
    expect(run.state).toBe('completed')
    const output = run.output as FinancialPostingsOutput
    expect(
      output.batches.map((o) => [o.externalId, o.states.at(-1), o.decidedBy, o.reason]),
    ).toEqual([
      [eid('21'), 'posted', null, null],
      [eid('23'), 'posted', 'cfo', null],
      [eid('24'), 'rejected', 'cfo', 'amount disputed with the gateway'],
    ])
    expect(netsuite.records.get('journalEntry', `eid:${eid('24')}`)).toBeUndefined()
    expect(
      journalRequests(netsuite).filter((r) => r.method === 'PUT' && r.path.includes(eid('24'))),
    ).toEqual([])
  })
})
