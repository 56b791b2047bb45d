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
      env: { HUB_CRASHPOINTS: 'after_ingest_commit_before_ack:0.01' },
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
      const delivered = await waitFor(
        () => netsuiteLedgerRule(env.sandbox).lost.length === 0,
        120_000,
        500,
      )
      const rule = netsuiteLedgerRule(env.sandbox)
      const stored = await count('select count(*)::int as n from inbox_messages')
      const duplicates = await count(
        'select count(*)::int as n from (select source_message_id from inbox_messages group by 1 having count(*) > 1) d',
      )
      const halfStored = await count(
        'select count(*)::int as n from inbox_messages i where not exists (select 1 from flow_runs r where r.inbox_id = i.id and r.tenant_id = i.tenant_id)',
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
          stored === EVENTS &&
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
          `Stored ${stored} inbox messages for ${EVENTS} orders; duplicates ${duplicates}; half-stored ${halfStored}`,
          `While the database refused connections: ${statuses.filter((s) => s === 503).length} of ${statuses.length} webhooks answered 503, ${statuses.filter((s) => s >= 200 && s < 300).length} answered 2xx`,
        ],
      })
      expect(rule.acknowledged).toBe(EVENTS)
      expect(rule.lost).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(stored).toBe(EVENTS)
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
