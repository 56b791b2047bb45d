// Campaign test 5: PostgreSQL restarted crash-like (`restart -m immediate`), frozen for 15 s
// (SIGSTOP of the postmaster and backends) and its hub connections terminated, all mid-run. While
// it is down the hub answers webhooks 503 with Retry-After and never 2xx; every 2xx it gave is
// still stored after the crash; it is ready again within 10 s of the server; the ledger rule holds.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import { signedShopifyHeaders } from '../../support/test-network.ts'
import {
  campaignSeed,
  adminQuery,
  netsuiteLedgerRule,
  percentile,
  progress,
  recordResult,
  sized,
  sleep,
  startCampaignEnv,
  waitForRunStates,
} from './campaign-kit.ts'
import {
  freezeServer,
  restartImmediate,
  terminateHubConnections,
  waitForServer,
} from './postgres-faults.ts'

const pgUrl = await postgresForTests('reliability campaign test 5')
const SEED = campaignSeed(5)
const ORDERS = sized(1_000, 5_000)
const RATE = sized(20, 100)
const FREEZE_MS = 15_000

interface Probe {
  eventId: string
  answeredAt: number
  status: number
  retryAfter: string | undefined
  /** Why there was no answer, when there was none. */
  error?: string
}

interface Outage {
  fault: string
  from: number
  to: number
  readyAfterMs: number | null
}

describe.runIf(pgUrl)('campaign 5: PostgreSQL restart and stall mid-run', () => {
  it('answers 503 while the database is away, loses no acknowledged event, and recovers', async () => {
    const started = Date.now()
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: {
        seed: SEED,
        netsuite: { concurrencyLimit: 10, scenario: { seed: SEED, idempotency: 'naive' } },
      },
      config: { engine: { concurrency: 16, idlePollMs: 50 } },
    })
    const database = new URL(env.databaseUrl).pathname.slice(1)
    const probes: Probe[] = []
    const outages: Outage[] = []
    let probing = true
    // A webhook every 200 ms on a topic no flow takes: the ingest path alone, with no effects.
    const prober = (async () => {
      while (probing) {
        const eventId = randomUUID()
        const body = JSON.stringify({ id: 7_000_000_000_000 + probes.length })
        const headers = {
          ...signedShopifyHeaders(body, env.sandbox.shopify.webhookSecret),
          'x-shopify-topic': 'orders/paid',
          'x-shopify-event-id': eventId,
        }
        let status = 0
        let retryAfter: string | undefined
        let error: string | undefined
        try {
          const response = await fetch(`${env.hub.url}/webhooks/shopify/demo`, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(10_000),
          })
          status = response.status
          retryAfter = response.headers.get('retry-after') ?? undefined
          await response.arrayBuffer()
        } catch (failure) {
          status = 0
          const cause = (failure as { cause?: { code?: string; message?: string } }).cause
          error = cause?.code ?? cause?.message ?? String(failure)
        }
        probes.push({ eventId, answeredAt: Date.now(), status, retryAfter, error })
        await sleep(200)
      }
    })()
    const readyAgain = async (): Promise<number | null> => {
      const from = Date.now()
      const ok = await waitFor(
        async () => (await fetch(`${env.hub.url}/readyz`).catch(() => null))?.status === 200,
        60_000,
        100,
      )
      return ok ? Date.now() - from : null
    }

    try {
      const generation = env.sandbox.shopify.generateOrders({
        count: ORDERS,
        ratePerSecond: RATE,
        customers: ORDERS / 5,
      })
      await sleep(5_000)
      const terminated = await terminateHubConnections(pgUrl ?? '', database)
      const terminatedAt = Date.now()
      outages.push({
        fault: 'pg_terminate_backend',
        from: terminatedAt,
        to: terminatedAt,
        readyAfterMs: await readyAgain(),
      })
      progress('5', `terminated ${terminated} hub connections`)

      await sleep(7_000)
      const restartFrom = Date.now()
      restartImmediate()
      await waitForServer(pgUrl ?? '')
      const restartTo = Date.now()
      outages.push({
        fault: 'restart -m immediate',
        from: restartFrom,
        to: restartTo,
        readyAfterMs: await readyAgain(),
      })
      progress('5', `restarted PostgreSQL (down ${restartTo - restartFrom} ms)`)

      await sleep(8_000)
      const resume = freezeServer()
      const freezeFrom = Date.now()
      await sleep(FREEZE_MS)
      resume()
      const freezeTo = Date.now()
      outages.push({
        fault: 'SIGSTOP 15 s',
        from: freezeFrom,
        to: freezeTo,
        readyAfterMs: await readyAgain(),
      })
      progress('5', 'server resumed after the freeze')
      const lastFault = freezeTo

      await generation.done
      await env.sandbox.shopify.deliveriesSettled(300_000)
      probing = false
      await prober
      const { settled, byState } = await waitForRunStates(
        env.databaseUrl,
        (byState) => (byState.completed ?? 0) === ORDERS,
        180_000,
      )
      const terminalMs = Date.now() - lastFault

      // Ack = durable: every probe answered 2xx is in the inbox, across the crash-restart too.
      const acked = probes.filter((p) => p.status === 200)
      const stored = await adminQuery(
        env.databaseUrl,
        `select source_message_id from inbox_messages where topic = 'orders/paid'`,
      )
      const storedIds = new Set(
        stored.rows.map((r: { source_message_id: string }) => r.source_message_id),
      )
      const lostAcks = acked.filter((p) => !storedIds.has(`event:orders/paid:${p.eventId}`))
      // 2xx answered while the server was frozen. The restart's window is not exact (the command
      // stops, then starts, the server), so there the check is the one that matters: each 2xx is
      // in the inbox after the crash (lostAcks above).
      const frozen = outages.filter((o) => o.fault.startsWith('SIGSTOP'))
      const ackedWhileDown = acked.filter((p) =>
        frozen.some((o) => p.answeredAt > o.from + 300 && p.answeredAt < o.to),
      )
      const unavailable = probes.filter((p) => p.status === 503)
      const without = unavailable.filter((p) => p.retryAfter === undefined)
      const odd = probes.filter((p) => p.status !== 200 && p.status !== 503)
      const during = (p: Probe): string =>
        outages.find((o) => p.answeredAt >= o.from && p.answeredAt <= o.to + 12_000)?.fault ??
        'no fault'
      const oddWhen = JSON.stringify(
        odd.map((p) => `${p.status}${p.error === undefined ? '' : ` ${p.error}`}@${during(p)}`),
      )
      const oddStatuses = JSON.stringify(
        Object.fromEntries(
          [...new Set(odd.map((p) => p.status))].map((s) => [
            s,
            odd.filter((p) => p.status === s).length,
          ]),
        ),
      )
      const ready = outages.map((o) => o.readyAfterMs ?? Number.POSITIVE_INFINITY)
      const rule = netsuiteLedgerRule(env.sandbox)
      const stuck = (byState.pending ?? 0) + (byState.running ?? 0) + (byState.retrying ?? 0)
      const passed =
        settled &&
        rule.lost.length === 0 &&
        rule.duplicated.length === 0 &&
        lostAcks.length === 0 &&
        env.hub.unplannedExits === 0 &&
        ackedWhileDown.length === 0 &&
        without.length === 0 &&
        ready.every((ms) => ms <= 10_000) &&
        terminalMs < 120_000

      recordResult({
        test: '5',
        file: 't05-postgres-outage.test.ts',
        name: 'PostgreSQL restart (immediate), 15 s freeze and terminated connections',
        seed: SEED,
        passed,
        events: ORDERS,
        faults: { terminateBackend: 1, restartImmediate: 1, sigstop: 1 },
        lost: rule.lost.length + lostAcks.length,
        duplicated: rule.duplicated.length,
        stale: 0,
        stuck,
        regressions: 0,
        recoveryMs: { p50: percentile(ready, 50), max: Math.max(...ready) },
        peakRssMb: env.hub.peakRssMb,
        durationMs: Date.now() - started,
        notes: [
          `Hub process exits: ${env.hub.unplannedExits}`,
          ...outages.map(
            (o) =>
              `${o.fault}: database away ${o.to - o.from} ms; hub ready ${o.readyAfterMs ?? 'never'} ms after it was back`,
          ),
          `Probe webhooks: ${probes.length}; 200 ${acked.length} (all stored: ${lostAcks.length === 0}), 503 ${unavailable.length} (without Retry-After ${without.length}), other ${odd.length} ${oddStatuses} (0 = no answer within 10 s) ${oddWhen}; 2xx while the database was away: ${ackedWhileDown.length}`,
          `All runs terminal ${Math.round(terminalMs / 1000)} s after the last fault; runs by state ${JSON.stringify(byState)}`,
          '"Recovery" here is from the database being back until the hub reports ready.',
        ],
      })
      expect(env.hub.unplannedExits, `the hub process died:\n${env.hub.stderrTail}`).toBe(0)
      expect(lostAcks, 'acknowledged probes missing from the inbox').toEqual([])
      expect(ackedWhileDown, '2xx answers while the database was away').toEqual([])
      expect(without, '503 answers without Retry-After').toEqual([])
      expect(unavailable.length, 'the outages were seen as 503s').toBeGreaterThan(0)
      expect(
        ready.every((ms) => ms <= 10_000),
        `ready again: ${ready.join(', ')} ms`,
      ).toBe(true)
      expect(settled, `runs: ${JSON.stringify(byState)}`).toBe(true)
      expect(rule.lost, 'acknowledged orders without exactly one sales order').toEqual([])
      expect(rule.duplicated, 'keys written more than once').toEqual([])
      expect(terminalMs).toBeLessThan(120_000)
      expect(env.hub.peakRssMb).toBeLessThan(512)
    } finally {
      probing = false
      await prober
      await env.dispose()
    }
  })
})
