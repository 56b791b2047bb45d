// Financial postings from the Shopify simulator's own order transactions, read over HTTP with the payment client: a sale, a capture and a refund become one NetSuite journal entry whose lines trace back to those transaction ids.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addDecimals } from '../../src/canonical/index.ts'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { ShopifyOrderPaymentClient } from '../../src/connectors/shopify/shopify-order-payment-client.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import {
  createShopifySettlementsFlow,
  SETTLED_TRANSACTIONS_TOPIC,
  type FinancialPostingsOutput,
} from '../../src/flows/financial-postings/financial-postings-flow.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { netsuiteClient, policy, seedLedger } from './financial-postings-kit.ts'

const pgUrl = await postgresForTests('financial postings from shopify')
const netsuite = createNetSuiteSimulator({ seed: 13 })
// The shop's clock is fixed inside the open period the ledger seeds (November 2026, UTC−5).
const shopify = createShopifySimulator({ seed: 14, now: () => Date.parse('2026-11-18T15:00:00Z') })
beforeAll(async () => {
  await netsuite.start()
  await shopify.start()
})
afterAll(async () => {
  await netsuite.stop()
  await shopify.stop()
})

describeOnStores('financial postings from shopify', pgUrl, (bench) => {
  it('posts the shop day’s sale, capture and refund as one traced journal entry', async () => {
    netsuite.reset()
    shopify.reset()
    seedLedger(netsuite)
    const admin = new ShopifyAdminClient(
      parseShopifyConnectionConfig({
        shopDomain: shopify.shopDomain,
        apiVersion: shopify.apiVersion,
        adminBaseUrl: shopify.baseUrl,
        accessToken: shopify.accessToken,
        webhookSecrets: [{ secret: shopify.webhookSecret }],
        requestTimeoutMs: 3000,
      }),
    )
    const payments = new ShopifyOrderPaymentClient(admin.rest)
    const order = async (financialStatus: string, sku: string) =>
      String(
        (
          await admin.createOrder({
            email: 'fin@example.com',
            financial_status: financialStatus,
            line_items: [{ sku, quantity: 1 }],
          })
        ).id,
      )
    const paid = await order('paid', 'SKU-2')
    const authorized = await order('authorized', 'SKU-3')
    await payments.settlePayment(authorized)
    const refunded = await order('paid', 'SKU-4')
    await payments.cancelOrder(refunded, { reason: 'customer' })
    const transactions = (
      await Promise.all([paid, authorized, refunded].map((id) => payments.listTransactions(id)))
    ).flat()
    const settled = transactions.filter(
      (t) => t.status === 'success' && ['sale', 'capture', 'refund'].includes(String(t.kind)),
    )
    expect(settled.map((t) => t.kind).sort()).toEqual(['capture', 'refund', 'sale', 'sale'])

    const b = bench()
    const engine = b.engine({
      flows: [
        createShopifySettlementsFlow({
          netsuite: netsuiteClient(netsuite),
          netsuiteTarget: `netsuite:${netsuite.accountId}`,
          policy: policy({ includeTestTransactions: true }),
        }),
      ],
    })
    const { runIds } = await engine.ingest({
      sourceSystem: 'shopify',
      sourceMessageId: `extract-${b.tenantId}`,
      connection: 'main',
      topic: SETTLED_TRANSACTIONS_TOPIC,
      payload: JSON.stringify({ transactions }),
      headers: {},
      triggeredAt: null,
      businessKey: 'settlement-2026-11-18',
    })
    await engine.runOnce()
    const run = await b.run(runIds[0] ?? '')
    expect(run.state).toBe('completed')
    const [batch] = (run.output as FinancialPostingsOutput).batches
    const eid = 'SHOPIFY-JE-SUB-US-USD-2026-11-18'
    expect(batch).toMatchObject({ externalId: eid, states: ['open', 'validated', 'posted'] })

    const kindOf = (kinds: string[]) => settled.filter((t) => kinds.includes(String(t.kind)))
    const sum = (ts: typeof settled) => addDecimals(...ts.map((t) => String(t.amount)))
    const lines = netsuite.records.get('journalEntry', `eid:${eid}`)?.fields.line as {
      items: Record<string, unknown>[]
    }
    const payments_ = kindOf(['sale', 'capture'])
    const refunds = kindOf(['refund'])
    expect(lines.items.map((l) => l.debit ?? l.credit)).toEqual([
      Number(sum(payments_)),
      Number(sum(payments_)),
      Number(sum(refunds)),
      Number(sum(refunds)),
    ])
    const refs = await b.store.crossReferenceFind({
      tenantId: b.tenantId,
      businessKey: eid,
      entityType: 'journalEntryLine',
      limit: 50,
    })
    const ids = (ts: typeof settled) => ts.map((t) => String(t.id)).sort()
    const backFrom = (line: number) =>
      refs
        .filter((r) => (r.targetId.split(':')[1] ?? '').split(',').includes(String(line)))
        .map((r) => r.sourceId)
        .sort()
    expect([1, 2, 3, 4].map(backFrom)).toEqual([
      ids(payments_),
      ids(payments_),
      ids(refunds),
      ids(refunds),
    ])
  })
})
