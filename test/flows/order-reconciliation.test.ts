// Order reconciliation over real HTTP, a real store and the engine: 40 Shopify orders, 3 of them
// never sent to the hub, then NetSuite's sales orders changed (a line, a header) and deleted behind
// the hub's back, and one NetSuite order Shopify never had. Both sides page in pages smaller than
// the data; the compare finds exactly those breaks; the heal port repairs each through the order
// flow once (a second heal of a break starts nothing), and a second pass finds only the one that
// is a person's to resolve. A heal carrying an older version than the one applied writes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { systemClock } from '../../src/clock/clock.ts'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { shopifyOrderBusinessKey } from '../../src/connectors/shopify/shopify-mapping.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { netsuiteSalesOrderSide } from '../../src/flows/order-to-erp/netsuite-sales-order-side.ts'
import { createNetSuiteOrderPort } from '../../src/flows/order-to-erp/netsuite-order-port.ts'
import { orderHealPort } from '../../src/flows/order-to-erp/order-heal-port.ts'
import { ORDER_DOMAIN } from '../../src/flows/order-to-erp/order-recon-record.ts'
import {
  createOrderToErpFlow,
  orderHealTopic,
  SHOPIFY_ORDER_TO_ERP,
} from '../../src/flows/order-to-erp/order-to-erp-flow.ts'
import { shopifyOrderSide } from '../../src/flows/order-to-erp/shopify-order-side.ts'
import { compareSides } from '../../src/reconciliation/compare-job.ts'
import type { HealPolicy } from '../../src/reconciliation/heal-policy.ts'
import type { ReconciliationSide } from '../../src/reconciliation/reconciliation-port.ts'
import { reconcile, settleHeals } from '../../src/reconciliation/reconciler.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import {
  netsuiteConnectionFields,
  shopifyConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { drained } from './inventory-test-kit.ts'

const pgUrl = await postgresForTests('order reconciliation')
const ORDERS = 40
const PAGE = 7

const shopify = createShopifySimulator({ seed: 10, bucketSize: 4000, leakPerSecond: 2000 })
const netsuite = createNetSuiteSimulator({ seed: 10, concurrencyLimit: 16 })
beforeAll(async () => {
  await Promise.all([shopify.start(), netsuite.start()])
})
afterAll(async () => {
  await Promise.all([shopify.stop(), netsuite.stop()])
})

const policy: HealPolicy = {
  autoHeal: ['missing_in_target', 'field_mismatch'],
  maxAutoHealDiff: null,
  assignee: 'order-desk',
}

/** Counts each page a side yields, to show it paged and never exceeded the page size. */
async function pagesOf(side: ReconciliationSide, pageSize: number) {
  const sizes: number[] = []
  const keys: string[] = []
  for await (const page of side.digests(pageSize, new AbortController().signal)) {
    sizes.push(page.length)
    keys.push(...page.map((d) => d.key))
  }
  return { sizes, keys }
}

const salesOrderWrites = (key: string) =>
  netsuite.ledger().effects.find((e) => e.recordType === 'salesOrder' && e.businessKey === key)
    ?.writes ?? 0

describeOnStores('order reconciliation', pgUrl, (bench) => {
  it('pages both sides, finds exactly the drift, heals each break once through the order flow', async () => {
    shopify.reset()
    netsuite.reset()
    const b = bench()
    const admin = new ShopifyAdminClient(
      parseShopifyConnectionConfig(shopifyConnectionFields(shopify)),
    )
    const ns = new NetSuiteClient(parseNetSuiteConnectionConfig(netsuiteConnectionFields(netsuite)))
    const flow = createOrderToErpFlow({
      name: SHOPIFY_ORDER_TO_ERP,
      erp: createNetSuiteOrderPort({ client: ns, target: `netsuite:${netsuite.accountId}` }),
    })
    const engine = b.engine({
      flows: [flow],
      clock: systemClock,
      heartbeatMs: 1_000,
      concurrency: 8,
      retryPolicy: { baseDelayMs: 20, maxDelayMs: 500, maxAttempts: 10 },
    })
    engine.start()

    // The orders exist in the shop; the hub is sent all but three (ingested as the gateway would).
    const generated = shopify.generateOrders({ count: ORDERS, customers: 8, webhooks: false })
    const ids = [...generated.orderIds]
    const never = new Set([ids[4], ids[17], ids[33]])
    for (const id of ids) {
      if (never.has(id)) continue
      const order = await admin.getOrder(id)
      await engine.ingest({
        sourceSystem: 'shopify',
        sourceMessageId: `webhook-${id}`,
        connection: 'demo',
        topic: 'orders/create',
        payload: JSON.stringify(order),
        headers: {},
        triggeredAt: null,
        businessKey: shopifyOrderBusinessKey(id),
      })
    }
    await drained(engine)
    const key = (id: string | undefined) => `SHOPIFY-O-${id ?? ''}`

    // 1. In sync (bar the three never sent), both sides page below the data and agree on the rest.
    const source = shopifyOrderSide(admin)
    const target = netsuiteSalesOrderSide(ns)
    const signal = new AbortController().signal
    expect(await source.count(signal)).toBe(ORDERS)
    expect(await target.count(signal)).toBe(ORDERS - 3)
    const s = await pagesOf(source, PAGE)
    const t = await pagesOf(target, PAGE)
    expect(s.sizes).toEqual([7, 7, 7, 7, 7, 5])
    expect(t.sizes).toEqual([7, 7, 7, 7, 7, 2])
    expect(new Set(s.keys).size).toBe(ORDERS)
    const clean = await compareSides({ source, target, tolerance: [], pageSize: PAGE, signal })
    expect(clean.stats).toMatchObject({ keysInBoth: ORDERS - 3, hashMismatches: 0 })
    expect(clean.breaks.map((x) => `${x.breakClass}:${x.entityKey}`).sort()).toEqual(
      [...never].map((id) => `missing_in_target:${key(id)}`).sort(),
    )

    // 2. Drift behind the hub's back: a line's quantity, a header field, a deletion, a stranger.
    const lineChanged = key(ids[2])
    const headerChanged = key(ids[9])
    const deleted = key(ids[21])
    const stranger = 'SHOPIFY-O-999999999'
    const original = netsuite.records.get('salesOrder', `eid:${lineChanged}`)
    const lines = (original?.fields.item as { items: Record<string, unknown>[] }).items
    netsuite.records.put('salesOrder', {
      ...original?.fields,
      externalId: lineChanged,
      item: {
        items: lines.map((l, i) => (i === 0 ? { ...l, quantity: Number(l.quantity) + 5 } : l)),
      },
    })
    const header = netsuite.records.get('salesOrder', `eid:${headerChanged}`)
    netsuite.records.put('salesOrder', {
      ...header?.fields,
      externalId: headerChanged,
      otherRefNum: 'EDITED-IN-NETSUITE',
    })
    expect(netsuite.records.remove('salesOrder', `eid:${deleted}`)).toBe(true)
    netsuite.records.put('salesOrder', {
      ...header?.fields,
      externalId: stranger,
      otherRefNum: '#STRANGER',
    })
    const writesBefore = new Map(
      [...ids.map(key), stranger].map((k) => [k, salesOrderWrites(k)] as const),
    )

    const heal = orderHealPort({ engine, shopify: admin, connection: 'demo', flowName: flow.name })
    const first = await reconcile({
      store: engine.store,
      tenantId: engine.tenantId,
      clock: engine.clock,
      domain: ORDER_DOMAIN,
      source,
      target,
      tolerance: [],
      policy,
      heal,
      pageSize: PAGE,
    })
    const found = first.breaks.map((x) => `${x.breakClass}:${x.cause}:${x.entityKey}:${x.state}`)
    expect(found.sort()).toEqual(
      [
        ...[...never].map((id) => `missing_in_target:missing_in_target:${key(id)}:healing`),
        `missing_in_target:missing_in_target:${deleted}:healing`,
        `field_mismatch:mismatch:lines:${lineChanged}:healing`,
        `field_mismatch:mismatch:orderName:${headerChanged}:healing`,
        `missing_in_source:missing_in_source:${stranger}:assigned`,
      ].sort(),
    )
    expect(first.stats).toMatchObject({
      sourceCount: ORDERS,
      targetCount: ORDERS - 3,
      keysInBoth: ORDERS - 4,
      hashMismatches: 2,
      withinTolerance: 0,
    })

    // A second heal of the same break (a crash between ingest and its move) starts nothing new.
    const healing = first.breaks.filter((x) => x.state === 'healing')
    const again = await heal.heal(healing[0]!, signal)
    expect(again).toBe(healing[0]?.healRef)

    await drained(engine)
    expect(
      await settleHeals({
        store: engine.store,
        tenantId: engine.tenantId,
        clock: engine.clock,
        policy,
        domain: ORDER_DOMAIN,
      }),
    ).toEqual({ healed: 6, assigned: 0, pending: 0 })

    // Exactly one repair effect per drifted key, none anywhere else; the stranger is left alone.
    const drifted = new Set([...[...never].map(key), deleted, lineChanged, headerChanged])
    for (const k of [...ids.map(key), stranger]) {
      expect([k, salesOrderWrites(k) - (writesBefore.get(k) ?? 0)]).toEqual([
        k,
        drifted.has(k) ? 1 : 0,
      ])
    }
    expect(netsuite.records.get('salesOrder', `eid:${headerChanged}`)?.fields.otherRefNum).toBe(
      header?.fields.otherRefNum,
    )
    expect(netsuite.records.get('salesOrder', `eid:${deleted}`)).toBeDefined()

    // 3. Healed: a second pass finds only the order a person must resolve.
    const second = await reconcile({
      store: engine.store,
      tenantId: engine.tenantId,
      clock: engine.clock,
      domain: ORDER_DOMAIN,
      source,
      target,
      tolerance: [],
      policy,
      heal,
      pageSize: PAGE,
    })
    expect(second.breaks.map((x) => `${x.breakClass}:${x.entityKey}`)).toEqual([
      `missing_in_source:${stranger}`,
    ])

    // 4. A heal still never writes an older version than the one applied: only the equal passes.
    const current = await admin.getOrder(ids[5] ?? '')
    const older = new Date(Date.parse(String(current?.updated_at)) - 3_600_000).toISOString()
    const writesNow = salesOrderWrites(key(ids[5]))
    const stale = await engine.ingest({
      sourceSystem: 'shopify',
      sourceMessageId: 'reconciliation-break-stale',
      connection: 'demo',
      topic: orderHealTopic(flow.name),
      payload: JSON.stringify({ ...current, updated_at: older }),
      headers: {},
      triggeredAt: null,
      businessKey: shopifyOrderBusinessKey(ids[5] ?? ''),
    })
    await drained(engine)
    const staleRun = await engine.store.runGet({
      tenantId: engine.tenantId,
      runId: stale.runIds[0] ?? '',
    })
    expect(staleRun).toMatchObject({ state: 'completed', output: { superseded: {} } })
    expect(salesOrderWrites(key(ids[5]))).toBe(writesNow)
  })

  it('begins one run of a domain at a time and none within the schedule period', async () => {
    const b = bench()
    const begin = (now: number, notWithinMs?: number) =>
      b.store.reconciliationRunBegin({
        tenantId: b.tenantId,
        domain: ORDER_DOMAIN,
        source: 'shopify',
        target: 'netsuite',
        now,
        staleAfterMs: 60_000,
        ...(notWithinMs === undefined ? {} : { notWithinMs }),
      })
    const [x, y] = await Promise.all([begin(1_000), begin(1_000)])
    const started = [x, y].filter((r) => r.started)
    expect(started).toHaveLength(1)
    const run = started[0]?.started ? started[0].run : undefined
    expect([x, y].find((r) => !r.started)).toMatchObject({
      started: false,
      reason: 'running',
      run: { id: run?.id },
    })
    await b.store.reconciliationRunFinish({
      tenantId: b.tenantId,
      runId: run?.id ?? '',
      state: 'finished',
      stats: {},
      now: 2_000,
    })
    expect(await begin(3_000, 10_000)).toMatchObject({ started: false, reason: 'recent' })
    const next = await begin(3_000)
    expect(next.started).toBe(true)
    // Abandoned: still running past staleAfterMs, so it no longer blocks and is marked failed.
    const later = await begin(3_000 + 60_000)
    expect(later.started).toBe(true)
    const abandoned = next.started
      ? await b.store.reconciliationRunGet({ tenantId: b.tenantId, runId: next.run.id })
      : null
    expect(abandoned).toMatchObject({
      state: 'failed',
      stats: { error: 'abandoned: still running after 60000 ms' },
    })
    expect(
      await b.store.reconciliationRunGet({
        tenantId: `${b.tenantId}-other`,
        runId: next.started ? next.run.id : '',
      }),
    ).toBeNull()
  })
})
