// Financial postings bound in the hub from config, on the Shopify and NetSuite simulators over HTTP and PostgreSQL: the settlement extract turns a closed shop day's sales, capture and refund into one balanced NetSuite journal entry whose lines lead back to those transactions, posted once however often the day is extracted again; a day over the approval threshold waits for a person (approved through the API) before it posts; no extract runs while another holder has the connection's lock; a binding missing its mapping is refused with the fix.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addDecimals } from '../../src/canonical/index.ts'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { ShopifyOrderPaymentClient } from '../../src/connectors/shopify/shopify-order-payment-client.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import type { FinancialPostingsOutput } from '../../src/flows/financial-postings/financial-postings-flow.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import {
  netsuiteConnectionFields,
  shopifyConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import {
  extractSettlements,
  settlementWatermarkKey,
} from '../../src/server/hub-settlement-extract.ts'
import { ACCOUNTS, journalRequests, seedLedger } from '../flows/financial-postings-kit.ts'
import { adminQuery } from '../reliability/campaign/campaign-kit.ts'
import { dropSchema, waitFor } from '../support/hub-harness.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const pgUrl = await postgresForTests('financial postings bound in the hub')
const TENANT = 'default'
const START_DAY = '2026-11-16'

// The shop's clock, set per test inside the open period the ledger seeds (the shop is UTC−5).
let shopNow = Date.parse('2026-11-18T15:00:00Z')
const shopify = createShopifySimulator({ seed: 31, now: () => shopNow })
const netsuite = createNetSuiteSimulator({ seed: 32 })

const binding = {
  flow: 'financial-postings',
  shopifyConnection: 'shop',
  erp: 'netsuite',
  erpConnection: 'erp',
  subsidiary: 'SUB-US',
  accounts: {
    clearing: ACCOUNTS.clearing,
    receivable: ACCOUNTS.receivable,
    refunds: ACCOUNTS.refunds,
  },
  dimensions: { department: 'ONLINE', class: 'SHOPIFY' },
  // The simulator's bogus gateway marks every transaction `test`.
  includeTestTransactions: true,
  startDay: START_DAY,
  settleAfterMs: 0,
}

const connections = () => ({
  shopify: { shop: shopifyConnectionFields(shopify) },
  netsuite: { erp: netsuiteConnectionFields(netsuite) },
})

const fixedConnections = {
  shopify: {
    shop: {
      shopDomain: 'example.myshopify.com',
      apiVersion: '2026-01',
      accessToken: 'shpat_x',
      webhookSecrets: [{ secret: 'shpss_x' }],
    },
  },
  netsuite: { erp: { accountId: '1234567', clientId: 'c', clientSecret: 's' } },
}

describe('financial postings binding', () => {
  it('refuses a binding without its ledger mapping, a bad start day, another ERP, a second binding', () => {
    const fix = (flows: unknown[]) => {
      try {
        parseHubConfig({ connections: fixedConnections, flows })
      } catch (error) {
        return (error as Error).message
      }
      throw new Error('the config was accepted')
    }
    const { accounts: _accounts, ...unmapped } = binding
    expect(fix([unmapped])).toContain(
      `flows[0].accounts: expected the GL account numbers, e.g. { "clearing": "1210"`,
    )
    expect(fix([{ ...binding, accounts: { ...binding.accounts, clearing: '' } }])).toContain(
      'flows[0].accounts.clearing: give the GL account number, e.g. "1210"',
    )
    expect(fix([{ ...binding, startDay: '18.11.2026' }])).toContain(
      'flows[0].startDay: expected the first shop day to post as YYYY-MM-DD, e.g. "2026-11-01"',
    )
    expect(fix([{ ...binding, erp: 'sap' }])).toContain(
      'flows[0].erp: expected "netsuite": journal entries are posted through NetSuite only',
    )
    expect(fix([{ ...binding, erpConnection: 'ledger' }])).toContain(
      'flows[0].erpConnection: no NetSuite connection named "ledger"; known: erp',
    )
    expect(fix([binding, { ...binding, name: 'postings-2' }])).toContain(
      'flows[1].flow: flows[0] already binds "financial-postings"; keep one binding',
    )
  })
})

describe.runIf(pgUrl)('financial postings bound in the hub', () => {
  let dir: string
  let schema: string
  let hub: RunningHub | undefined

  beforeAll(async () => {
    await shopify.start()
    await netsuite.start()
  })
  afterAll(async () => {
    await shopify.stop()
    await netsuite.stop()
  })
  beforeEach(async () => {
    shopify.reset()
    netsuite.reset()
    seedLedger(netsuite)
    dir = await mkdtemp(join(tmpdir(), 'syncline-fp-'))
    schema = `fp_${randomBytes(5).toString('hex')}`
  })
  afterEach(async () => {
    await hub?.stop()
    hub = undefined
    await dropSchema(pgUrl ?? '', schema)
    await rm(dir, { recursive: true, force: true })
  })

  const start = async (): Promise<RunningHub> => {
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      demo: false,
      sandbox: false,
      dataDir: join(dir, 'data'),
      logLevel: 'info',
      logFile: join(dir, 'hub.log'),
      allowUnsafeDurability: false,
      print: () => {},
      databaseUrl: pgUrl ?? '',
      schema,
      config: parseHubConfig({
        connections: connections(),
        flows: [binding],
        policies: {
          financialPostings: {
            batch: { maxSize: 200, everyMs: 200, approvalThreshold: '1000.00' },
            approval: { assignee: 'controller', timeoutMs: 3_600_000 },
          },
        },
        engine: { leaseMs: 5_000, heartbeatMs: 1_000, idlePollMs: 50 },
        summaryIntervalMs: 0,
      }),
    })
    return hub
  }

  const admin = () =>
    new ShopifyAdminClient(parseShopifyConnectionConfig(shopifyConnectionFields(shopify)))
  const payments = () => new ShopifyOrderPaymentClient(admin().rest)
  const order = async (financialStatus: string, sku: string, quantity = 1) =>
    String(
      (
        await admin().createOrder({
          email: 'fin@example.com',
          financial_status: financialStatus,
          line_items: [{ sku, quantity }],
        })
      ).id,
    )
  const runs = async () =>
    (
      await adminQuery(
        pgUrl ?? '',
        `select state, output from "${schema}".flow_runs order by created_at`,
      )
    ).rows as { state: string; output: FinancialPostingsOutput | null }[]
  const journalLines = (eid: string) =>
    (
      netsuite.records.get('journalEntry', `eid:${eid}`)?.fields.line as
        { items: Record<string, unknown>[] } | undefined
    )?.items ?? []
  const puts = () => journalRequests(netsuite).filter((r) => r.method === 'PUT')

  it('posts a closed shop day once as one balanced journal entry traced to its transactions', async () => {
    shopNow = Date.parse('2026-11-18T15:00:00Z')
    const paid = await order('paid', 'SKU-2')
    const authorized = await order('authorized', 'SKU-3')
    await payments().settlePayment(authorized)
    const refunded = await order('paid', 'SKU-4')
    await payments().cancelOrder(refunded, { reason: 'customer' })
    const settled = (
      await Promise.all([paid, authorized, refunded].map((id) => payments().listTransactions(id)))
    )
      .flat()
      .filter((t) => ['sale', 'capture', 'refund'].includes(String(t.kind)))
    const running = await start()

    const eid = 'SHOPIFY-JE-SUB-US-USD-2026-11-18'
    expect(await waitFor(async () => (await runs())[0]?.state === 'completed', 20_000)).toBe(true)
    const [run, ...others] = await runs()
    expect(others).toEqual([])
    expect(run?.output?.batches).toEqual([
      expect.objectContaining({ externalId: eid, states: ['open', 'validated', 'posted'] }),
    ])

    // Balanced: payments from receivable to clearing, the refund back out of clearing.
    const sum = (kinds: string[]) =>
      addDecimals(
        ...settled.filter((t) => kinds.includes(String(t.kind))).map((t) => String(t.amount)),
      )
    const accountId = (number: string) =>
      netsuite.records.list('account').find((a) => a.fields.acctNumber === number)?.id
    const lines = journalLines(eid)
    expect(lines.map((l) => [l.account, l.debit ?? 0, l.credit ?? 0])).toEqual([
      [{ id: accountId(ACCOUNTS.clearing) }, Number(sum(['sale', 'capture'])), 0],
      [{ id: accountId(ACCOUNTS.receivable) }, 0, Number(sum(['sale', 'capture']))],
      [{ id: accountId(ACCOUNTS.refunds) }, Number(sum(['refund'])), 0],
      [{ id: accountId(ACCOUNTS.clearing) }, 0, Number(sum(['refund']))],
    ])

    // Each line back to the Shopify transactions it sums.
    const refs = await running.store.crossReferenceFind({
      tenantId: TENANT,
      businessKey: eid,
      entityType: 'journalEntryLine',
      limit: 50,
    })
    const idsOf = (kinds: string[]) =>
      settled
        .filter((t) => kinds.includes(String(t.kind)))
        .map((t) => String(t.id))
        .sort()
    const sourcesOf = (line: number) =>
      refs
        .filter((r) => (r.targetId.split(':')[1] ?? '').split(',').includes(String(line)))
        .map((r) => r.sourceId)
        .sort()
    expect([1, 2, 3, 4].map(sourcesOf)).toEqual([
      idsOf(['sale', 'capture']),
      idsOf(['sale', 'capture']),
      idsOf(['refund']),
      idsOf(['refund']),
    ])

    // The extract again, as the schedule runs it: past the watermark there is nothing; with the
    // watermark lost, the same day is the same message and the inbox drops it.
    const extract = {
      connection: 'shop',
      admin: admin(),
      payments: payments(),
      engine: running.engine,
      store: running.store,
      tenantId: TENANT,
      clock: running.engine.clock,
      startDay: START_DAY,
      settleAfterMs: 0,
    }
    expect(await extractSettlements(extract)).toMatchObject({ days: [], ingested: [] })
    await running.store.syncWatermarkPut({
      tenantId: TENANT,
      ...settlementWatermarkKey('shop'),
      contentHash: START_DAY,
      fieldHashes: {},
      sourceVersion: Date.parse(`${START_DAY}T00:00:00Z`),
      now: Date.now(),
    })
    expect(await extractSettlements(extract)).toMatchObject({ days: ['2026-11-18'], ingested: [] })
    await new Promise((resolve) => setTimeout(resolve, 600)) // three more scheduled extracts
    expect((await runs()).map((r) => r.state)).toEqual(['completed'])
    expect(puts()).toHaveLength(1)
    const writes = netsuite.ledger().effects.filter((e) => e.recordType === 'journalEntry')
    expect(writes).toEqual([expect.objectContaining({ businessKey: eid, writes: 1 })])
  })

  it('extracts nothing while another holder has the connection’s extract lock', async () => {
    const running = await start()
    await running.store.credentialTokenLock(
      {
        tenantId: TENANT,
        credentialKey: 'settlement-extract/shop',
        waitMs: 5_000,
        holdMs: 10_000,
      },
      async () => {
        shopNow = Date.parse('2026-11-19T15:00:00Z')
        await order('paid', 'SKU-2')
        await new Promise((resolve) => setTimeout(resolve, 600)) // three scheduled extracts
        expect(await runs()).toEqual([])
      },
    )
    expect(await waitFor(async () => (await runs())[0]?.state === 'completed', 20_000)).toBe(true)
    expect(
      netsuite.records.get('journalEntry', 'eid:SHOPIFY-JE-SUB-US-USD-2026-11-19'),
    ).toBeDefined()
  })

  it('holds a day over the threshold for approval, and posts it once approved through the API', async () => {
    shopNow = Date.parse('2026-11-21T15:00:00Z')
    await order('paid', 'SKU-2', 100)
    const running = await start()
    const eid = 'SHOPIFY-JE-SUB-US-USD-2026-11-21'
    const openTasks = async () => {
      const response = await fetch(`${running.url}/api/v1/approvals?state=open`)
      return ((await response.json()) as { approvals: { id: string; title: string }[] }).approvals
    }
    expect(await waitFor(async () => (await openTasks()).length === 1, 20_000)).toBe(true)
    const [task] = await openTasks()
    expect(task?.title).toMatch(
      new RegExp(`^Journal batch ${eid}: \\d+\\.\\d\\d USD on 2026-11-21$`),
    )
    expect((await runs()).map((r) => r.state)).toEqual(['waiting'])
    expect(netsuite.records.get('journalEntry', `eid:${eid}`)).toBeUndefined()
    expect(puts()).toEqual([])

    const decided = await fetch(`${running.url}/api/v1/approvals/${task?.id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'cfo' }),
    })
    expect(decided.status).toBe(200)
    expect(await waitFor(async () => (await runs())[0]?.state === 'completed', 20_000)).toBe(true)
    const [run] = await runs()
    expect(run?.output?.batches).toEqual([
      expect.objectContaining({
        externalId: eid,
        states: ['open', 'validated', 'awaiting_approval', 'posted'],
        decidedBy: 'cfo',
      }),
    ])
    expect(netsuite.records.get('journalEntry', `eid:${eid}`)).toBeDefined()
    expect(puts()).toHaveLength(1)
  })
})
