// Campaign test 2: the ingest path is killed (random SIGKILLs and the
// after_ingest_commit_before_ack crash point) while Shopify sends webhooks and retries them as it
// does (same Webhook-Id, patient schedule). Every acknowledged event is stored exactly once, no
// event is half-stored (message without its run), and with the database unreachable the gateway
// answers 503, never 2xx.
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../support/hub-harness.ts'
import { signedShopifyHeaders } from '../../support/test-network.ts'
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
  undeliveredWebhooks,
  webhookAttempts,
  hubOutages,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 2')
const SEED = campaignSeed(2)
const EVENTS = sized(1_000, 5_000)

describe.runIf(pgUrl)('campaign 2: crash the ingest path', () => {
  it('stores every acknowledged webhook exactly once and never half', async () => {
    const started = Date.now()
    const random = seededRandom(SEED)
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: { seed: SEED },
      // One hit per ~3 s at 100 webhooks/s: the SIGKILLs' own cadence. At 1% (one a second) the
      // crash point kept the single gateway restarting through whole retry cohorts.
      env: { HUB_CRASHPOINTS: 'after_ingest_commit_before_ack:0.003' },
    })
    const count = async (sql: string): Promise<number> =>
      Number((await adminQuery(env.databaseUrl, sql)).rows[0]?.n ?? -1)
    try {
      const generation = env.sandbox.shopify.generateOrders({
        count: EVENTS,
        ratePerSecond: 100,
        customers: EVENTS / 5,
      })
      let generating = true
      void generation.done.then(() => (generating = false))
      while (generating) {
        await sleep(3_000 + random() * 7_000)
        await env.hub.kill9()
      }
      while (env.hub.kills < 3) await env.hub.kill9()
      progress(
        '2',
        `generated; ${env.hub.kills} kills, ${[...env.hub.crashPointHits.values()].join('+') || 0} crash points`,
      )
      await env.sandbox.shopify.deliveriesSettled(360_000)
      progress('2', `webhook attempts: ${webhookAttempts(env.sandbox)}`)
      progress('2', `hub outages: ${hubOutages(env.hub)}`)
      const stored = await count('select count(*)::int as n from inbox_messages')
      const salesOrders = (): number =>
        env.sandbox.netsuite.ledger().effects.filter((e) => e.recordType === 'salesOrder').length
      // Every stored message is delivered, acknowledged or not (a crash between commit and ack).
      const delivered = await waitFor(
        () => netsuiteLedgerRule(env.sandbox).lost.length === 0 && salesOrders() === stored,
        120_000,
        500,
      )
      const rule = netsuiteLedgerRule(env.sandbox)
      const duplicates = await count(
        'select count(*)::int as n from (select source_message_id from inbox_messages group by 1 having count(*) > 1) d',
      )
      const halfStored = await count(
        'select count(*)::int as n from inbox_messages i where not exists (select 1 from flow_runs r where r.inbox_id = i.id and r.tenant_id = i.tenant_id)',
      )
      // Shopify gives up after 8 retries. With its 4 h schedule compressed to 4 minutes and the
      // hub's restarts not compressed, a webhook can meet an outage on every try; the pass rule
      // (§C2 test 2) is about what was acknowledged. A hub that was up must never have turned a
      // valid webhook away: an abandoned one saw only refused or cut connections and 503s.
      const abandoned = env.sandbox.shopify.deliveries().filter((d) => d.state === 'abandoned')
      const turnedAway = abandoned.filter((d) =>
        d.history.some((a) => a.status !== null && a.status !== 503),
      )

      // The database goes away: the gateway must answer 503 and never acknowledge.
      const name = new URL(env.databaseUrl).pathname.slice(1)
      await adminQuery(pgUrl ?? '', `alter database ${name} allow_connections false`)
      await adminQuery(
        pgUrl ?? '',
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`,
      )
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) {
        statuses.push(
          await postSigned(
            env.hub.url,
            env.sandbox.shopify.webhookSecret,
            env.sandbox.shopify.shopDomain,
          ),
        )
      }
      await adminQuery(pgUrl ?? '', `alter database ${name} allow_connections true`)

      const recovery = env.hub.outages.flatMap((o) =>
        o.readyAt === null ? [] : [o.readyAt - o.at],
      )
      recordResult({
        test: '2',
        file: 't02-ingest-crash.test.ts',
        name: 'Crash the ingest path (SIGKILL and after_ingest_commit_before_ack)',
        seed: SEED,
        passed:
          delivered &&
          duplicates === 0 &&
          halfStored === 0 &&
          stored >= rule.acknowledged &&
          stored === salesOrders() &&
          turnedAway.length === 0 &&
          statuses.every((s) => s === 503),
        events: EVENTS,
        faults: {
          kill9: env.hub.kills,
          crashPoints: [...env.hub.crashPointHits.values()].reduce((a, b) => a + b, 0),
          databaseUnreachable: 1,
        },
        lost: rule.lost.length,
        duplicated: duplicates + rule.duplicated.length,
        stale: 0,
        stuck: 0,
        regressions: 0,
        recoveryMs: { p50: percentile(recovery, 50), max: Math.max(0, ...recovery) },
        peakRssMb: env.hub.peakRssMb,
        durationMs: Date.now() - started,
        notes: [
          `Stored ${stored} inbox messages for ${EVENTS} orders (${rule.acknowledged} acknowledged); duplicates ${duplicates}; half-stored ${halfStored}; sales orders ${salesOrders()}`,
          `Shopify gave up on ${abandoned.length} webhooks after 8 retries (each try met a restart; compressed schedule); ${turnedAway.length} of them were answered by a live hub with a status other than 503`,
          `Webhook attempts: ${webhookAttempts(env.sandbox)}`,
          `While the database refused connections: ${statuses.filter((s) => s === 503).length} of ${statuses.length} webhooks answered 503, ${statuses.filter((s) => s >= 200 && s < 300).length} answered 2xx`,
        ],
      })
      const why = undeliveredWebhooks(env.sandbox, env.hub)
      expect(rule.acknowledged + abandoned.length, why).toBe(EVENTS)
      expect(
        turnedAway.map((d) => d.history),
        why,
      ).toEqual([])
      expect(rule.lost).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(stored).toBeGreaterThanOrEqual(rule.acknowledged)
      expect(salesOrders()).toBe(stored)
      expect(duplicates).toBe(0)
      expect(halfStored).toBe(0)
      expect(
        statuses.every((s) => s === 503),
        `statuses during the outage: ${statuses.join(',')}`,
      ).toBe(true)
    } finally {
      await env.dispose()
    }
  })
})

async function postSigned(url: string, secret: string, shop: string): Promise<number> {
  const body = JSON.stringify({
    id: Number(String(Date.now()).slice(-9)) * 1000 + Math.floor(Math.random() * 1000),
    line_items: [],
  })
  const response = await fetch(`${url}/webhooks/shopify/demo`, {
    method: 'POST',
    headers: signedShopifyHeaders(body, secret, shop),
    body,
  })
  return response.status
}
