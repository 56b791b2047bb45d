// Campaign test 8: duplicate and out-of-order webhooks. Real simulator webhooks (a create and 1–5
// edits per order) are delivered 1–5 times each with new Webhook-Ids, shuffled within a 60 s
// window, 5% again hours late, 5% through a second subscription (a new Event-Id for the same
// change). Each Event-Id is stored once, and every order ends at its newest version in NetSuite
// with no stale or repeated version ever applied, in both target modes.
import { describe, expect, it } from 'vitest'
import {
  ANOMALY_KINDS,
  assertLedgerRule,
} from '../../../src/reliability/history/history-check-report.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  campaignSeed,
  adminQuery,
  progress,
  recordResult,
  seededRandom,
  sized,
  startCampaignEnv,
  waitForRunStates,
} from './campaign-kit.ts'
import { checkOrderHistory } from './order-history.ts'
import { deliver, planDeliveries, startWebhookCapture } from './webhook-replayer.ts'

const pgUrl = await postgresForTests('reliability campaign test 8')
const SEED = campaignSeed(8)
const ORDERS = sized(200, 1_000)
const VERSION_FIELD = 'custbody_syncline_source_version'

describe.runIf(pgUrl)('campaign 8: duplicate and out-of-order webhooks', () => {
  it('stores each event once and never applies a stale or repeated version', async () => {
    const started = Date.now()
    const random = seededRandom(SEED)
    // The shop's clock: one second per round of edits, so each edit has its own `updated_at`
    // (Shopify's resolution), ending before now so nothing comes from the future.
    let shopNow = Date.now() - 10 * 60_000
    const capture = await startWebhookCapture()
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      hubTopics: [],
      sandbox: {
        seed: SEED,
        shopify: { now: () => shopNow },
        netsuite: {
          concurrencyLimit: 10,
          scenario: { seed: SEED, faults: { commitThenDrop: 0.03 }, idempotency: 'honour' },
        },
      },
      config: { engine: { concurrency: 16, idlePollMs: 50 } },
    })
    try {
      const shopify = env.sandbox.shopify
      shopify.addWebhookSubscriber({
        address: capture.url,
        topics: ['orders/create', 'orders/updated'],
      })
      const { orderIds } = shopify.generateOrders({ count: ORDERS, customers: ORDERS / 5 })
      const edits = new Map(orderIds.map((id) => [id, 1 + Math.floor(random() * 5)]))
      for (let round = 1; round <= 5; round += 1) {
        shopNow += 1_000
        for (const [id, count] of edits) {
          if (count >= round) shopify.merchantUpdate(id, { note: `edit ${round}` })
        }
      }
      await shopify.deliveriesSettled(120_000)
      const webhooks = [...capture.captured]
      const plan = planDeliveries(webhooks, {
        random,
        spacingMs: 10,
        windowMs: 60_000,
        lateShare: 0.05,
        secondSubscriptionShare: 0.05,
      })
      progress('8', `${webhooks.length} events from ${ORDERS} orders; ${plan.length} deliveries`)

      // The first half against a target that honours idempotency keys, the second against a
      // naive one: the guard must not depend on the target's help.
      const hubUrl = `${env.hub.url}/webhooks/shopify/demo`
      const half = Math.floor(plan.length / 2)
      const outcomes = await deliver(plan.slice(0, half), hubUrl, 16)
      env.sandbox.netsuite.setScenario({
        seed: SEED,
        faults: { commitThenDrop: 0.03 },
        idempotency: 'naive',
      })
      outcomes.push(...(await deliver(plan.slice(half), hubUrl, 16)))
      const lastSent = Date.now()

      const distinctEvents = new Set(
        plan.map((p) => `${p.webhook.topic}:${p.headers['x-shopify-event-id'] ?? ''}`),
      ).size
      const { settled, byState } = await waitForRunStates(
        env.databaseUrl,
        (byState) => (byState.completed ?? 0) + (byState.dead ?? 0) === distinctEvents,
        180_000,
      )
      const terminalMs = Date.now() - lastSent

      const inbox = await adminQuery(
        env.databaseUrl,
        'select count(*)::int as n from inbox_messages',
      )
      const stored = (inbox.rows[0] as { n: number }).n
      const superseded = await adminQuery(
        env.databaseUrl,
        `select count(*)::int as n from flow_runs where output ? 'superseded'`,
      )
      const supersededRuns = (superseded.rows[0] as { n: number }).n

      // The oracle: the shop's newest version of each order.
      const latest = new Map(shopify.orders().map((o) => [String(o.id), String(o.updated_at)]))
      const mismatched: string[] = []
      for (const [id, version] of latest) {
        const record = env.sandbox.netsuite.records.get('salesOrder', `eid:SHOPIFY-O-${id}`)
        const stored = record?.fields[VERSION_FIELD]
        if (stored !== version) mismatched.push(`${id}: ${String(stored)} ≠ ${version}`)
      }
      const effects = env.sandbox.netsuite
        .ledger()
        .effects.filter((e) => e.recordType === 'salesOrder')
      const stale = effects.reduce((n, e) => n + e.staleApplications, 0)
      const repeated = effects.flatMap((e) =>
        Object.entries(e.writesByVersion)
          .filter(([, n]) => n > 1)
          .map(([v, n]) => `${e.businessKey}@${v}×${n}`),
      )
      const doubleCreates = effects.filter((e) => e.creates !== 1).map((e) => e.businessKey)
      // The same run read as a history: producer acks, hub terminal states, target applications.
      const history = await checkOrderHistory({
        dir: `${env.dir}/history`,
        outcomes,
        databaseUrl: env.databaseUrl,
        ledger: env.sandbox.netsuite.ledger(),
        deadlineMs: lastSent + 120_000,
      })
      const notOk = outcomes.filter((o) => o.status !== 200)
      const count = (kind: string): number => plan.filter((p) => p.kind === kind).length
      const stuck = (byState.pending ?? 0) + (byState.running ?? 0) + (byState.retrying ?? 0)
      const passed =
        settled &&
        notOk.length === 0 &&
        stored === distinctEvents &&
        mismatched.length === 0 &&
        stale === 0 &&
        repeated.length === 0 &&
        doubleCreates.length === 0 &&
        (byState.dead ?? 0) === 0 &&
        ANOMALY_KINDS.every((k) => history.counts[k] === 0)

      recordResult({
        test: '8',
        file: 't08-duplicates-ordering.test.ts',
        name: 'Duplicate and out-of-order webhooks (per-entity version guard)',
        seed: SEED,
        passed,
        events: webhooks.length,
        faults: {
          deliveries: plan.length,
          repeatedCopies: count('retry') - webhooks.length,
          late: count('late'),
          secondSubscription: count('second-subscription'),
          commitThenDrop: env.sandbox.netsuite.ledger().faultsInjected.commitThenDrop,
        },
        lost: mismatched.length + history.counts.lost,
        duplicated: repeated.length + doubleCreates.length + history.counts.duplicated,
        stale,
        stuck: Math.max(stuck, history.counts.stuck),
        regressions: history.counts.regressions,
        recoveryMs: null,
        peakRssMb: env.hub.peakRssMb,
        durationMs: Date.now() - started,
        notes: [
          `${plan.length} deliveries of ${webhooks.length} events (${ORDERS} orders, 1–5 edits each); responses: ${notOk.length} not 200`,
          `Stored ${stored} inbox messages for ${distinctEvents} distinct Event-Ids (second subscriptions included)`,
          `Superseded runs (a stale or repeated version skipped): ${supersededRuns}; runs by state ${JSON.stringify(byState)}`,
          `Orders whose NetSuite sales order is not at the shop's newest version: ${mismatched.length} of ${latest.size}`,
          `All runs terminal ${Math.round(terminalMs / 1000)} s after the last delivery`,
          `History check (${history.counts.events} records, ${history.counts.items} key-versions): ${ANOMALY_KINDS.map((k) => `${k} ${history.counts[k]}`).join(', ')}`,
        ],
      })
      expect(
        notOk.map((o) => `${o.planned.kind}:${o.status}`),
        'responses other than 200',
      ).toEqual([])
      expect(settled, `runs terminal: ${JSON.stringify(byState)}`).toBe(true)
      expect(stored, 'one inbox message per distinct Event-Id').toBe(distinctEvents)
      expect(mismatched, 'orders not at their newest version in NetSuite').toEqual([])
      expect(stale, 'stale versions applied').toBe(0)
      expect(repeated, 'versions written more than once').toEqual([])
      expect(doubleCreates, 'sales orders not created exactly once').toEqual([])
      expect(byState.dead ?? 0, 'dead-lettered runs').toBe(0)
      expect(supersededRuns).toBeGreaterThan(0)
      assertLedgerRule(history)
      expect(env.hub.peakRssMb).toBeLessThan(512)
    } finally {
      await env.dispose()
      await capture.close()
    }
  })
})
