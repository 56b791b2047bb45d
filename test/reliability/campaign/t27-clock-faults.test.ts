// Campaign test 27: the wall clock of one of two hub processes on one database jumps +1 h, then
// −10 min, then +25 h (libfaketime, offsets from real time), under steady traffic to a NetSuite
// failing a quarter of its writes with long retry delays. Retries keep their pace, no lease is
// taken from a live worker, nothing the hub stores carries its stepped clock, and a webhook
// redelivered "25 hours later" is still a duplicate: the hubs follow the database's clock.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  adminQuery,
  campaignSeed,
  netsuiteLedgerRule,
  progress,
  recordResult,
  sized,
  sleep,
  startCampaignEnv,
  waitForRunStates,
} from './campaign-kit.ts'
import {
  installReclaimRecorder,
  overlappingKeys,
  reclaims,
  retryArrivals,
  timesOffTheDatabaseClock,
  watchOverdueRetries,
  windowCounts,
} from './clock-fault-measures.ts'
import { createFaketimeControl } from './faketime-control.ts'

const pgUrl = await postgresForTests('reliability campaign test 27')
const SEED = campaignSeed(27)
const RATE = sized(8, 20)
const BASELINE_MS = sized(50_000, 120_000)
/** The campaign's yardstick: at most 2× the normal retry rate for the 60 s after a jump. */
const OBSERVE_MS = 60_000
const WINDOW_MS = 10_000
const JUMPS = [
  { offset: '+1h', ms: 3_600_000 },
  { offset: '-10m', ms: -600_000 },
  { offset: '+25h', ms: 90_000_000 },
]
const EVENTS = (RATE * (BASELINE_MS + JUMPS.length * OBSERVE_MS)) / 1_000
/**
 * Full jitter over 30 s keeps about 1.5 windows' worth of retries waiting at any moment: a hub
 * that found them all due at once would show at least 2.5× the normal rate in one window.
 */
const RETRY_DELAY_MS = 30_000
const LEASE_MS = 5_000
const REDELIVERED = 50

describe.runIf(pgUrl)('campaign 27: clock faults', () => {
  it('keeps retries paced, leases exclusive and dedup intact while one hub’s wall clock jumps', async () => {
    const started = Date.now()
    const faketime = await createFaketimeControl()
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: {
        seed: SEED,
        netsuite: {
          concurrencyLimit: 100,
          scenario: {
            seed: SEED,
            latencyMs: { min: 100, max: 400 },
            faults: { http5xx: 0.25 },
            statuses: [503],
            idempotency: 'honour',
          },
        },
      },
      config: {
        engine: {
          leaseMs: LEASE_MS,
          heartbeatMs: 1_000,
          idlePollMs: 50,
          concurrency: 32,
          retry: { baseDelayMs: RETRY_DELAY_MS, maxDelayMs: RETRY_DELAY_MS, maxAttempts: 30 },
        },
      },
      // The hub webhooks go to is the one whose clock jumps: it stamps receipts and schedules.
      mainHubEnv: faketime.env,
    })
    const overdue = watchOverdueRetries(env.databaseUrl, 10_000)
    try {
      const other = await env.addHub()
      await installReclaimRecorder(env.databaseUrl)
      const trafficFrom = Date.now()
      const generation = env.sandbox.shopify.generateOrders({
        count: EVENTS,
        ratePerSecond: RATE,
        customers: EVENTS / 5,
      })
      await sleep(BASELINE_MS)
      const jumpedAt: number[] = []
      let duplicates = { answered200: 0, newInbox: -1, newRuns: -1 }
      for (const jump of JUMPS) {
        const at = Date.now()
        jumpedAt.push(at)
        await faketime.set(jump.offset)
        const noticed = await hubReportedSkew(env.hubLog(env.hub.url), jump.ms)
        progress('27', `wall clock ${jump.offset}; the hub reported it: ${noticed}`)
        // Fail loudly if libfaketime did not take: a test whose clock never moved proves nothing.
        expect(noticed, `the hub never saw its wall clock at ${jump.offset}`).toBe(true)
        if (jump.offset === '+25h') duplicates = await redeliverEarlyWebhooks(env)
        await sleep(Math.max(0, at + OBSERVE_MS - Date.now()))
      }
      await generation.done
      await env.sandbox.shopify.deliveriesSettled(240_000)
      progress('27', 'deliveries settled; waiting for every run to complete')
      const { settled, byState } = await waitForRunStates(
        env.databaseUrl,
        (states) => states.completed === EVENTS,
        180_000,
      )
      // Read once everything settled: an entry read while in flight has no end time yet.
      const requests = env.sandbox.netsuite.requests()
      expect(requests[0]?.seq, 'the request log dropped its oldest entries').toBe(1)
      const worstOverdue = await overdue.stop()
      const doubleClaims = await reclaims(env.databaseUrl)
      const overlaps = overlappingKeys(requests)
      const offClock = await timesOffTheDatabaseClock(
        env.databaseUrl,
        trafficFrom - 5_000,
        Date.now() + RETRY_DELAY_MS + 5_000,
      )
      const retries = retryArrivals(requests)
      // Normal: the baseline's windows once the first retries have come round (full delay span).
      const baseline = windowCounts(retries, trafficFrom + 20_000, jumpedAt[0] ?? 0, WINDOW_MS)
      const normal = baseline.reduce((a, b) => a + b, 0) / Math.max(1, baseline.length)
      const afterJumps = JUMPS.map((jump, i) => {
        const from = jumpedAt[i] ?? 0
        const counts = windowCounts(retries, from, from + OBSERVE_MS, WINDOW_MS)
        return { offset: jump.offset, counts, maxRatio: Math.max(...counts) / normal }
      })
      const worstRatio = Math.max(...afterJumps.map((j) => j.maxRatio))
      const rule = netsuiteLedgerRule(env.sandbox)
      const passed =
        settled &&
        rule.lost.length === 0 &&
        rule.duplicated.length === 0 &&
        worstRatio <= 2 &&
        worstOverdue.count === 0 &&
        doubleClaims.length === 0 &&
        overlaps.length === 0 &&
        offClock === 0 &&
        duplicates.answered200 === REDELIVERED &&
        duplicates.newInbox === 0 &&
        duplicates.newRuns === 0
      recordResult({
        test: '27',
        file: 't27-clock-faults.test.ts',
        name: 'Clock faults: one hub’s wall clock +1 h, −10 min, +25 h (libfaketime)',
        seed: SEED,
        passed,
        events: EVENTS,
        faults: {
          clockJumps: JUMPS.length,
          http503: env.sandbox.netsuite.ledger().faultsInjected.http5xx,
        },
        lost: rule.lost.length,
        duplicated: rule.duplicated.length,
        stale: 0,
        stuck: EVENTS - (byState.completed ?? 0),
        regressions: 0,
        recoveryMs: null,
        peakRssMb: Math.max(env.hub.peakRssMb, other.peakRssMb),
        durationMs: Date.now() - started,
        notes: [
          `Normal retry rate ${normal.toFixed(1)} per 10 s (baseline windows ${baseline.join(', ')}); ` +
            afterJumps
              .map(
                (j) => `after ${j.offset}: ${j.counts.join(', ')} (max ${j.maxRatio.toFixed(2)}×)`,
              )
              .join('; '),
          `Retries overdue by more than 10 s (database clock): ${worstOverdue.count} at worst` +
            (worstOverdue.count > 0 ? `, up to ${worstOverdue.lateMs} ms late` : ''),
          `Double claims (a running run claimed from its live holder): ${doubleClaims.length}; ` +
            `sales orders with two calls in flight at once: ${overlaps.length}`,
          `Stored times not from the database clock: ${offClock}`,
          `${REDELIVERED} webhooks redelivered at +25 h: ${duplicates.answered200} answered 200, ` +
            `${duplicates.newInbox} new inbox messages, ${duplicates.newRuns} new runs (dedup keys never expire)`,
        ],
      })
      expect(rule.acknowledged).toBe(EVENTS)
      expect(rule.lost).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(byState).toEqual({ completed: EVENTS })
      expect(doubleClaims).toEqual([])
      expect(overlaps).toEqual([])
      expect(offClock).toBe(0)
      expect(worstOverdue.count).toBe(0)
      expect(baseline.every((n) => n > 0)).toBe(true)
      expect(worstRatio).toBeLessThanOrEqual(2)
      expect(duplicates).toEqual({ answered200: REDELIVERED, newInbox: 0, newRuns: 0 })
    } finally {
      await overdue.stop()
      await env.dispose()
      await faketime.dispose()
    }
  })
})

/** Waits for the hub's own report that its wall clock is `skewMs` off the database's (±5 s). */
async function hubReportedSkew(logFile: string, skewMs: number): Promise<boolean> {
  return waitFor(
    async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '')
      return text.split('\n').some((line) => {
        if (!line.includes('wall clock disagrees')) return false
        const reported = (JSON.parse(line) as { wallSkewMs?: number }).wallSkewMs ?? 0
        return Math.abs(reported - skewMs) < 5_000
      })
    },
    30_000,
    500,
  )
}

/** Redelivers webhooks acknowledged in the baseline: the same X-Shopify-Webhook-Id, 25 h "later". */
async function redeliverEarlyWebhooks(
  env: Awaited<ReturnType<typeof startCampaignEnv>>,
): Promise<{ answered200: number; newInbox: number; newRuns: number }> {
  const early = env.sandbox.shopify
    .deliveries()
    .filter((d) => d.state === 'delivered')
    .slice(0, REDELIVERED)
  let answered200 = 0
  for (const delivery of early) {
    const view = await env.sandbox.shopify.redeliver(delivery.webhookId)
    if (view?.lastStatus === 200) answered200 += 1
  }
  // New orders keep arriving meanwhile: count only these events' messages and runs, under any of
  // the inbox's keys for a Shopify delivery (its Webhook-Id, or its topic and Event-Id).
  const quoted = (id: string): string => `'${id.replace(/'/g, "''")}'`
  const ids = early
    .flatMap((d) => [d.webhookId, `webhook:${d.webhookId}`, `event:${d.topic}:${d.eventId}`])
    .map(quoted)
    .join(',')
  const stored = await adminQuery(
    env.databaseUrl,
    `select count(distinct m.id)::int as messages, count(r.id)::int as runs
     from inbox_messages m left join flow_runs r on r.tenant_id = m.tenant_id and r.inbox_id = m.id
     where m.source_message_id in (${ids})`,
  )
  const row = stored.rows[0] as { messages: number; runs: number } | undefined
  return {
    answered200,
    newInbox: (row?.messages ?? 0) - early.length,
    newRuns: (row?.runs ?? 0) - early.length,
  }
}
