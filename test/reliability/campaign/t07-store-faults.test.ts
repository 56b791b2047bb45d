// Campaign test 7: the storage layer fails 5% of calls (connection resets, statement timeouts,
// serialization failures, deadlocks, admin shutdowns, unique violations; half of them after the
// write committed) while orders flow. The outcome is the same as without faults: every order
// delivered exactly once, every run completed, no unhandled error.
import { describe, expect, it } from 'vitest'
import {
  withStoreFaults,
  type StoreFaultStats,
} from '../../../src/reliability/store-faults/faulty-store.ts'
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

const pgUrl = await postgresForTests('reliability campaign test 7')
const SEED = campaignSeed(7)
const EVENTS = sized(2_000, 10_000)
// T2 runs the campaign's r = 20% extra; T1 (every CI run) keeps r = 5%.
const RATE = sized(0.05, 0.2)

describe.runIf(pgUrl)('campaign 7: store fault injection', () => {
  it('keeps the ledger rule with 5% of store calls failing', async () => {
    const started = Date.now()
    let faults: StoreFaultStats | undefined
    const h = await startHarness({
      databaseUrl: pgUrl,
      sandbox: { seed: SEED, shopify: { webhookRetryScheduleMs: PATIENT_WEBHOOK_RETRIES } },
      wrapStore: (store) => {
        const wrapped = withStoreFaults(store, { rate: RATE, seed: SEED })
        faults = wrapped.stats
        return wrapped.store
      },
      config: {
        engine: {
          leaseMs: 3_000,
          heartbeatMs: 1_000,
          idlePollMs: 50,
          retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 40 },
        },
      },
    })
    const runsByState = async (): Promise<Record<string, number>> => {
      const rows = await adminQuery(
        pgUrl ?? '',
        `select state, count(*)::int as n from "${h.schema}".flow_runs group by state`,
      )
      return Object.fromEntries(rows.rows.map((r: { state: string; n: number }) => [r.state, r.n]))
    }
    try {
      const generation = h.sandbox.shopify.generateOrders({
        count: EVENTS,
        ratePerSecond: 100,
        customers: EVENTS / 10,
      })
      await generation.done
      progress('7', 'orders generated; waiting for deliveries to settle')
      await h.sandbox.shopify.deliveriesSettled(360_000)
      const lastSettled = Date.now()
      // The faults keep firing on every store call while the hub drains, so the pass bound runs
      // from the later of the last injected fault and the producer settling (§C2 ledger rule).
      const lastFault = (): number => Math.max(lastSettled, faults?.lastInjectedAt ?? 0)
      let byState: Record<string, number> = {}
      const { settled, terminalMs } = await waitTerminalAfterLastFault(async () => {
        byState = await runsByState()
        return byState.completed === EVENTS && netsuiteLedgerRule(h.sandbox).lost.length === 0
      }, lastFault)
      const rule = netsuiteLedgerRule(h.sandbox)
      const injected = Object.values(faults?.injected ?? {}).reduce((a, b) => a + b, 0)
      recordResult({
        test: '7',
        file: 't07-store-faults.test.ts',
        name: `Store fault injection (${RATE * 100}% of store calls)`,
        seed: SEED,
        passed: settled && rule.lost.length === 0 && rule.duplicated.length === 0,
        events: EVENTS,
        faults: { ...faults?.injected, afterCommit: faults?.afterCommit ?? 0 },
        lost: rule.lost.length,
        duplicated: rule.duplicated.length,
        stale: 0,
        stuck: EVENTS - (byState.completed ?? 0),
        regressions: 0,
        recoveryMs: null,
        peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
        durationMs: Date.now() - started,
        notes: [
          `${injected} of ${faults?.calls ?? 0} store calls failed; ${faults?.afterCommit ?? 0} of them after committing`,
          `Runs ${settled ? 'all completed' : 'not all completed'} ${Math.round(terminalMs / 1000)} s after the last fault (${Math.round((Date.now() - lastSettled) / 1000)} s after the producer settled); runs by state ${JSON.stringify(byState)}`,
          'Peak RSS is the test process, which hosts the hub in this test.',
        ],
      })
      expect(injected).toBeGreaterThan(100)
      expect(rule.acknowledged).toBe(EVENTS)
      expect(rule.lost).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(byState).toEqual({ completed: EVENTS })
    } finally {
      await h.stop()
    }
  })
})
