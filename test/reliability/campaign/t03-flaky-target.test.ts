// Campaign test 3: a NetSuite failing 30% of writes (500/502/503, 400 SSS_REQUEST_LIMIT_EXCEEDED,
// timeouts after commit, resets before the headers), plus orders NetSuite rejects as invalid.
// All good orders are delivered exactly once; invalid ones are tried once and dead-lettered;
// retries are spread by full jitter; concurrency never exceeds the governor.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RequestLogEntry } from '../../../src/sandbox/kit/request-log.ts'
import { startHarness } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  campaignSeed,
  adminQuery,
  netsuiteLedgerRule,
  PATIENT_WEBHOOK_RETRIES,
  progress,
  recordResult,
  sized,
  waitTerminalAfterLastFault,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 3')
const SEED = campaignSeed(3)
const GOOD = sized(1_900, 9_500)
const BAD = sized(100, 500)
const GOVERNOR = 5

describe.runIf(pgUrl)('campaign 3: flaky target, backoff and non-retryable errors', () => {
  it('delivers the good orders once, dead-letters the invalid after one try, and jitters retries', async () => {
    const started = Date.now()
    const h = await startHarness({
      databaseUrl: pgUrl,
      netsuiteTimeoutMs: 800,
      sandbox: {
        seed: SEED,
        shopify: { webhookRetryScheduleMs: PATIENT_WEBHOOK_RETRIES },
        netsuite: {
          concurrencyLimit: GOVERNOR,
          scenario: {
            seed: SEED,
            faults: {
              http5xx: 0.075,
              requestLimit: 0.075,
              timeout: 0.075,
              resetBeforeHeaders: 0.075,
            },
            statuses: [500, 502, 503],
            timeout: { delayMs: 1_200, commit: true },
          },
        },
      },
      config: {
        engine: {
          leaseMs: 10_000,
          heartbeatMs: 2_000,
          idlePollMs: 50,
          concurrency: 64,
          retry: { baseDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 30 },
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
      const good = h.sandbox.shopify.generateOrders({
        count: GOOD,
        ratePerSecond: 150,
        customers: GOOD / 5,
      })
      const bad = h.sandbox.shopify.generateOrders({
        count: BAD,
        ratePerSecond: 10,
        skus: ['SKU-404'],
      })
      await Promise.all([good.done, bad.done])
      await h.sandbox.shopify.deliveriesSettled(360_000)
      progress('3', 'deliveries settled; waiting for every run to be terminal')
      // Faults keep firing while the backlog drains through the 5 slots, so §C2's 120 s clock
      // runs from the last faulted request NetSuite saw, not from the producer settling.
      const lastFault = (): number => {
        collect()
        for (let i = requests.length - 1; i >= 0; i--) {
          const r = requests[i]
          if (r !== undefined && r.fault !== 'none') return Date.parse(r.endedAt ?? r.startedAt)
        }
        return started
      }
      let byState: Record<string, number> = {}
      const { settled: terminal, terminalMs } = await waitTerminalAfterLastFault(async () => {
        const rows = await adminQuery(
          pgUrl ?? '',
          `select state, count(*)::int as n from "${h.schema}".flow_runs group by state`,
        )
        byState = Object.fromEntries(
          rows.rows.map((r: { state: string; n: number }) => [r.state, r.n]),
        )
        return (byState.completed ?? 0) + (byState.dead ?? 0) === GOOD + BAD
      }, lastFault)
      collect()
      const ledger = h.sandbox.netsuite.ledger()
      const goodKeys = new Set(good.orderIds.map((id) => `SHOPIFY-O-${id}`))
      const badKeys = new Set(bad.orderIds.map((id) => `SHOPIFY-O-${id}`))
      const salesOrders = ledger.effects.filter((e) => e.recordType === 'salesOrder')
      const deliveredGood = salesOrders.filter(
        (e) => goodKeys.has(e.businessKey) && e.creates === 1,
      ).length
      const duplicated = ledger.effects.filter((e) => e.creates > 1)
      // Non-retryable: each invalid order's sales order was rejected exactly once, and never tried again.
      const rejections = requests.filter(
        (r) => r.status === 400 && r.fault === 'none' && badKeys.has(r.businessKey ?? ''),
      )
      const triedAgain = [...badKeys].filter((key) => {
        const rejectedAt =
          requests.find((r) => r.businessKey === key && r.status === 400 && r.fault === 'none')
            ?.seq ?? Infinity
        return requests.some((r) => r.businessKey === key && r.seq > rejectedAt)
      })
      // Full jitter is judged on when the hub SCHEDULED each backoff retry (its log: failure time
      // + the drawn delay), not on arrivals at the target, which the governor's queue reshapes. No
      // 100 ms bucket of a 10 s window may hold more than 5% of that window's retries; judged on
      // windows with at least 150 retries, below which a uniform spread does that by chance.
      await h.hub.stop()
      const log = await readFile(join(h.dataDir, 'hub.log'), 'utf8')
      const retried = log
        .split('\n')
        .filter((line) => line.includes('"msg":"attempt failed; retrying"'))
        .map(
          (line) =>
            JSON.parse(line) as {
              time: string
              delayMs: number
              attempt: number
              throttled?: boolean
            },
        )
      const retryTimes = retried.map((entry) => Date.parse(entry.time) + entry.delayMs)
      // Full jitter draws each delay uniformly from [0, min(cap, base·2^(n-1))): normalised by that
      // ceiling the delays must be uniform on [0, 1). Throttled retries wait out Retry-After (or the
      // base delay) instead, so they are not part of it. Kolmogorov–Smirnov at α = 0.001: at 0.01 a
      // correct implementation fails one CI run in a hundred (CI saw D = 0.0629 against 0.0624),
      // while a broken jitter (none, or equal jitter) gives D near 0.5.
      const normalised = retried
        .filter((e) => e.throttled !== true)
        .map((e) => e.delayMs / Math.min(5_000, 100 * 2 ** (e.attempt - 1)))
        .sort((a, b) => a - b)
      const ks = normalised.reduce(
        (d, u, i) =>
          Math.max(
            d,
            Math.abs((i + 1) / normalised.length - u),
            Math.abs(u - i / normalised.length),
          ),
        0,
      )
      const ksLimit = 1.95 / Math.sqrt(Math.max(1, normalised.length))
      // The busiest 10 s span of scheduled retries (a sliding window), where bunching would show.
      const sorted = [...retryTimes].sort((a, b) => a - b)
      let busiest: number[] = []
      for (let i = 0, j = 0; i < sorted.length; i++) {
        while (j < sorted.length && (sorted[j] ?? 0) < (sorted[i] ?? 0) + 10_000) j++
        if (j - i > busiest.length) busiest = sorted.slice(i, j)
      }
      // The campaign's own yardstick needs ≥ 150 retries in the span to be fair; T2 sizes reach it.
      const judgedWindows = busiest.length >= 150 ? 1 : 0
      const buckets = new Map<number, number>()
      for (const t of busiest) {
        buckets.set(Math.floor(t / 100), (buckets.get(Math.floor(t / 100)) ?? 0) + 1)
      }
      const worstShare = busiest.length === 0 ? 0 : Math.max(...buckets.values()) / busiest.length
      const rule = netsuiteLedgerRule(h.sandbox)
      recordResult({
        test: '3',
        file: 't03-flaky-target.test.ts',
        name: 'Flaky target: retries, backoff, governor, non-retryable errors',
        seed: SEED,
        // Every check asserted below, so a recorded pass means the test passed.
        passed:
          terminal &&
          deliveredGood === GOOD &&
          duplicated.length === 0 &&
          rule.duplicated.length === 0 &&
          byState.completed === GOOD &&
          byState.dead === BAD &&
          Object.keys(byState).length === 2 &&
          triedAgain.length === 0 &&
          rejections.length === BAD &&
          normalised.length > 200 &&
          ks < ksLimit &&
          (judgedWindows === 0 || worstShare <= 0.05) &&
          ledger.concurrency.max <= GOVERNOR &&
          ledger.retryAfterViolations.length === 0 &&
          ledger.faultsInjected.requestLimit > 20,
        events: GOOD + BAD,
        faults: { ...ledger.faultsInjected },
        lost: GOOD - deliveredGood,
        duplicated: duplicated.length,
        stale: 0,
        stuck: GOOD + BAD - (byState.completed ?? 0) - (byState.dead ?? 0),
        regressions: 0,
        recoveryMs: null,
        peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
        durationMs: Date.now() - started,
        notes: [
          `${BAD} invalid orders: ${rejections.length} rejections, ${triedAgain.length} tried again after the rejection; dead-lettered ${byState.dead ?? 0}`,
          `Backoff delays vs full jitter: Kolmogorov–Smirnov D = ${ks.toFixed(3)} (limit ${ksLimit.toFixed(3)} at α = 0.001, ${normalised.length} retries)`,
          `Backoff retries: ${retryTimes.length}; busiest 10 s span holds ${busiest.length}; its largest 100 ms bucket: ${(worstShare * 100).toFixed(1)}% of them`,
          `Peak concurrency at the target: ${ledger.concurrency.max} (governor ${GOVERNOR}); Retry-After violations: ${ledger.retryAfterViolations.length}`,
          `Every run terminal ${(terminalMs / 1000).toFixed(1)} s after the last faulted request (bound 120 s)`,
        ],
      })
      expect(deliveredGood).toBe(GOOD)
      expect(duplicated).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(terminal, 'every run terminal within 120 s of the last fault').toBe(true)
      expect(byState).toEqual({ completed: GOOD, dead: BAD })
      expect(triedAgain).toEqual([])
      expect(rejections.length).toBe(BAD)
      expect(normalised.length, 'backoff retries observed').toBeGreaterThan(200)
      expect(ks, 'retry delays are full-jitter uniform').toBeLessThan(ksLimit)
      if (judgedWindows > 0) expect(worstShare).toBeLessThanOrEqual(0.05)
      expect(ledger.concurrency.max).toBeLessThanOrEqual(GOVERNOR)
      expect(ledger.retryAfterViolations).toEqual([])
      expect(ledger.faultsInjected.requestLimit).toBeGreaterThan(20)
    } finally {
      clearInterval(collector)
      await h.stop()
    }
  })
})
