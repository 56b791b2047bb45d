// Campaign test 4: NetSuite answers 503 to everything for a minute while orders keep arriving.
// The circuit opens within 10 s, probes at most once per 5 s while open, nothing is dead-lettered
// because of the outage, and after recovery the backlog drains without exceeding the governor.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RequestLogEntry } from '../../../src/sandbox/kit/request-log.ts'
import { startHarness, waitFor } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  campaignSeed,
  adminQuery,
  netsuiteLedgerRule,
  PATIENT_WEBHOOK_RETRIES,
  progress,
  recordResult,
  sized,
  sleep,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 4')
const SEED = campaignSeed(4)
// About half the capacity of a hub sharing one process with the simulators on this box (campaign §C3).
const RATE = sized(20, 50)
const BEFORE_MS = sized(30_000, 60_000)
const OUTAGE_MS = sized(60_000, 120_000)
const AFTER_MS = sized(60_000, 180_000)
const GOVERNOR = 5
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

describe.runIf(pgUrl)('campaign 4: circuit breaker and target outage', () => {
  it('opens the circuit, probes sparingly, loses nothing and drains after recovery', async () => {
    const started = Date.now()
    const events = Math.round((RATE * (BEFORE_MS + OUTAGE_MS + AFTER_MS)) / 1000)
    const h = await startHarness({
      databaseUrl: pgUrl,
      sandbox: {
        seed: SEED,
        shopify: { webhookRetryScheduleMs: PATIENT_WEBHOOK_RETRIES },
        netsuite: { concurrencyLimit: GOVERNOR },
      },
      config: {
        engine: {
          leaseMs: 10_000,
          heartbeatMs: 2_000,
          idlePollMs: 50,
          concurrency: 64,
          // Above the outage: only max attempts or max age may dead-letter, never the breaker.
          retry: { baseDelayMs: 200, maxDelayMs: 10_000, maxAttempts: 12 },
        },
      },
    })
    const requests: RequestLogEntry[] = []
    let afterSeq = 0
    const collect = (): void => {
      const batch = h.sandbox.netsuite.requests(afterSeq)
      requests.push(...batch)
      afterSeq = batch.at(-1)?.seq ?? afterSeq
    }
    const collector = setInterval(collect, 500)
    try {
      const generation = h.sandbox.shopify.generateOrders({
        count: events,
        ratePerSecond: RATE,
        customers: events / 5,
      })
      await sleep(BEFORE_MS)
      const outageStart = Date.now()
      h.sandbox.netsuite.setScenario({
        seed: SEED,
        faults: { http5xx: 1 },
        statuses: [503],
        faultMethods: ALL_METHODS,
      })
      progress('4', `outage begins (${OUTAGE_MS / 1000} s)`)
      await sleep(OUTAGE_MS)
      const outageEnd = Date.now()
      h.sandbox.netsuite.setScenario({ seed: SEED })
      progress('4', 'outage over; draining')
      await generation.done
      await h.sandbox.shopify.deliveriesSettled(360_000)
      let byState: Record<string, number> = {}
      const drained = await waitFor(
        async () => {
          const rows = await adminQuery(
            pgUrl ?? '',
            `select state, count(*)::int as n from "${h.schema}".flow_runs group by state`,
          )
          byState = Object.fromEntries(
            rows.rows.map((r: { state: string; n: number }) => [r.state, r.n]),
          )
          return byState.completed === events
        },
        240_000,
        500,
      )
      const drainedAt = Date.now()
      collect()
      await h.hub.stop()
      const log = (await readFile(join(h.dataDir, 'hub.log'), 'utf8')).split('\n')
      const circuit = log
        .filter((l) => l.includes('"msg":"circuit '))
        .map((l) => JSON.parse(l) as { time: string; state: string })
        .map((e) => ({ at: Date.parse(e.time), state: e.state }))
      const openedAt = circuit.find((c) => c.state === 'open' && c.at >= outageStart)?.at
      // While open, only half-open probes reach NetSuite: count calls about distinct keys in 5 s slots.
      const duringOpen = requests.filter((r) => {
        const t = Date.parse(r.startedAt)
        return openedAt !== undefined && t > openedAt + 100 && t < outageEnd
      })
      const slots = new Map<number, Set<string>>()
      for (const r of duringOpen) {
        const slot = Math.floor((Date.parse(r.startedAt) - (openedAt ?? 0)) / 5_000)
        slots.set(slot, (slots.get(slot) ?? new Set()).add(`${r.recordType}:${r.businessKey}`))
      }
      const worstProbesPerSlot = Math.max(0, ...[...slots.values()].map((keys) => keys.size))
      const rule = netsuiteLedgerRule(h.sandbox)
      const ledger = h.sandbox.netsuite.ledger()
      const openWithinMs = openedAt === undefined ? null : openedAt - outageStart
      recordResult({
        test: '4',
        file: 't04-target-outage.test.ts',
        name: `Circuit breaker and a ${OUTAGE_MS / 1000} s target outage`,
        seed: SEED,
        passed:
          drained &&
          openWithinMs !== null &&
          openWithinMs <= 10_000 &&
          worstProbesPerSlot <= 1 &&
          rule.acknowledged === events &&
          rule.lost.length === 0 &&
          rule.duplicated.length === 0 &&
          byState.completed === events &&
          ledger.concurrency.max <= GOVERNOR &&
          drainedAt - outageEnd < 180_000,
        events,
        faults: { outageSeconds: OUTAGE_MS / 1000, http503: ledger.faultsInjected.http5xx },
        lost: rule.lost.length,
        duplicated: rule.duplicated.length,
        stale: 0,
        stuck: events - (byState.completed ?? 0),
        regressions: 0,
        recoveryMs: { p50: drainedAt - outageEnd, max: drainedAt - outageEnd },
        peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
        durationMs: Date.now() - started,
        notes: [
          `Circuit opened ${openWithinMs === null ? 'never' : `${(openWithinMs / 1000).toFixed(1)} s`} after the outage began; transitions: ${circuit.map((c) => c.state).join(' → ')}`,
          `Calls reaching NetSuite while the circuit was open: ${duringOpen.length}; at most ${worstProbesPerSlot} key(s) probed per 5 s`,
          `Backlog drained ${((drainedAt - outageEnd) / 1000).toFixed(0)} s after recovery; peak concurrency ${ledger.concurrency.max} (governor ${GOVERNOR}); dead-lettered ${byState.dead ?? 0}`,
          '"Recovery" here is from the end of the outage until every run completed.',
        ],
      })
      expect(rule.acknowledged).toBe(events)
      expect(rule.lost).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(byState).toEqual({ completed: events })
      expect(openWithinMs).not.toBeNull()
      expect(openWithinMs ?? Infinity).toBeLessThanOrEqual(10_000)
      expect(worstProbesPerSlot).toBeLessThanOrEqual(1)
      expect(ledger.concurrency.max).toBeLessThanOrEqual(GOVERNOR)
      expect(drainedAt - outageEnd).toBeLessThan(180_000)
    } finally {
      clearInterval(collector)
      await h.stop()
    }
  })
})
