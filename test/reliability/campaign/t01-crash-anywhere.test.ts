// Campaign test 1 (reliability-campaign.md §C2): kill -9 the hub at random times and at every
// named crash point while orders flow to a NetSuite that drops 5% of connections after
// committing. Every acknowledged order ends as exactly one sales order, in both target modes,
// and every dropped-after-commit write is resolved by a read, never by a second write.
import { describe, expect, it } from 'vitest'
import type { RequestLogEntry } from '../../../src/sandbox/kit/request-log.ts'
import { waitFor } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  campaignSeed,
  adminQuery,
  netsuiteLedgerRule,
  percentile,
  progress,
  recordResult,
  seededRandom,
  sized,
  sleep,
  startCampaignEnv,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 1')
const SEED = campaignSeed(1)
const EVENTS = sized(2_000, 10_000)
const RATE = sized(100, 200)
const CRASH_P = sized(0.003, 0.002)
const POINTS = [
  'after_ingest_commit_before_ack',
  'after_claim_before_call',
  'after_target_2xx_before_commit',
  'after_dlq_move_before_ack',
]

describe.runIf(pgUrl)('campaign 1: crash-anywhere delivery', () => {
  it('loses nothing and duplicates nothing through kills, crash points and commit-then-drop', async () => {
    const started = Date.now()
    const random = seededRandom(SEED)
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: {
        seed: SEED,
        netsuite: {
          scenario: { seed: SEED, faults: { commitThenDrop: 0.05 }, idempotency: 'naive' },
        },
      },
      env: { HUB_CRASHPOINTS: POINTS.map((p) => `${p}:${CRASH_P}`).join(',') },
    })
    const requests: RequestLogEntry[] = []
    let afterSeq = 0
    const collect = (): void => {
      const batch = env.sandbox.netsuite.requests(afterSeq)
      requests.push(...batch)
      afterSeq = batch.at(-1)?.seq ?? afterSeq
    }
    const collector = setInterval(collect, 500)
    let killing = true
    const killer = (async () => {
      while (killing) {
        await sleep(2_000 + random() * 6_000)
        if (killing) await env.hub.kill9()
      }
    })()
    try {
      // Half the orders against a naive target (applies every request), half against one that
      // honours idempotency keys: exactly-once must not depend on the target's help.
      const first = env.sandbox.shopify.generateOrders({
        count: EVENTS / 2,
        ratePerSecond: RATE,
        customers: EVENTS / 10,
      })
      await first.done
      progress('1', `first half generated; kills ${env.hub.kills}, starts ${env.hub.starts}`)
      env.sandbox.netsuite.setScenario({
        seed: SEED + 1,
        faults: { commitThenDrop: 0.05 },
        idempotency: 'honour',
      })
      const second = env.sandbox.shopify.generateOrders({
        count: EVENTS / 2,
        ratePerSecond: RATE,
        customers: EVENTS / 10,
      })
      await second.done
      progress('1', `second half generated; kills ${env.hub.kills}, starts ${env.hub.starts}`)
      while (env.hub.kills < sized(5, 25)) await env.hub.kill9()
      killing = false
      await killer
      const lastFault = Date.now()
      progress('1', `kills done (${env.hub.kills}); waiting for Shopify's deliveries to settle`)
      await env.sandbox.shopify.deliveriesSettled(360_000)
      progress('1', 'deliveries settled; waiting for every acknowledged order in NetSuite')
      const settled = await waitFor(
        () => netsuiteLedgerRule(env.sandbox).lost.length === 0,
        120_000,
        500,
      )
      const terminalMs = Date.now() - lastFault
      collect()
      progress('1', `settled=${settled} after ${Math.round(terminalMs / 1000)} s; checking`)

      const rule = netsuiteLedgerRule(env.sandbox)
      const runs = await adminQuery(
        env.databaseUrl,
        'select state, count(*)::int as n from flow_runs group by state',
      )
      const byState = Object.fromEntries(
        runs.rows.map((r: { state: string; n: number }) => [r.state, r.n]),
      )
      const drops = requests.filter((r) => r.fault === 'commitThenDrop')
      // Each dropped-after-commit write must be followed, for its key, by a read before any write.
      const resolvedByRead = drops.filter((drop) => {
        const next = requests.find(
          (r) =>
            r.seq > drop.seq &&
            r.businessKey === drop.businessKey &&
            r.recordType === drop.recordType,
        )
        return next?.method === 'GET'
      }).length
      const recovery = env.hub.outages.flatMap((o) =>
        o.readyAt === null ? [] : [o.readyAt - o.at],
      )
      const crashHits = [...env.hub.crashPointHits.values()].reduce((a, b) => a + b, 0)
      const passed =
        settled &&
        rule.lost.length === 0 &&
        rule.duplicated.length === 0 &&
        rule.acknowledged === EVENTS &&
        resolvedByRead === drops.length
      recordResult({
        test: '1',
        file: 't01-crash-anywhere.test.ts',
        name: 'Crash-anywhere delivery (kill -9 and crash points)',
        seed: SEED,
        passed,
        events: EVENTS,
        faults: { kill9: env.hub.kills, crashPoints: crashHits, commitThenDrop: drops.length },
        lost: rule.lost.length,
        duplicated: rule.duplicated.length,
        stale: 0,
        stuck: (byState.pending ?? 0) + (byState.running ?? 0) + (byState.retrying ?? 0),
        regressions: 0,
        recoveryMs: { p50: percentile(recovery, 50), max: Math.max(0, ...recovery) },
        peakRssMb: env.hub.peakRssMb,
        durationMs: Date.now() - started,
        notes: [
          `Crash points hit: ${[...env.hub.crashPointHits].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
          `Commit-then-drop faults: ${drops.length}; resolved by read-before-retry: ${resolvedByRead}`,
          `All runs terminal ${Math.round(terminalMs / 1000)} s after the last kill; runs by state: ${JSON.stringify(byState)}`,
        ],
      })
      expect(rule.acknowledged, 'every order was eventually acknowledged').toBe(EVENTS)
      expect(rule.lost, 'acknowledged orders without exactly one sales order').toEqual([])
      expect(rule.duplicated, 'keys written more than once').toEqual([])
      expect(resolvedByRead, 'commit-then-drop faults resolved by a read').toBe(drops.length)
      expect(drops.length).toBeGreaterThan(20)
      expect(terminalMs).toBeLessThan(120_000)
      expect(percentile(recovery, 50), 'median recovery after a kill').toBeLessThanOrEqual(5_000)
      expect(byState).toEqual({ completed: EVENTS })
      expect(env.hub.peakRssMb).toBeLessThan(512)
    } finally {
      killing = false
      clearInterval(collector)
      await env.dispose()
    }
  })
})
