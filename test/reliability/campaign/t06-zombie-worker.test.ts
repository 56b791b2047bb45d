// Campaign test 6: a worker frozen (SIGSTOP) while holding in-flight deliveries for twice the
// lease, then resumed (SIGCONT). Another worker takes its runs over when the leases expire; the
// zombie's late results are refused by the fencing version; every order lands exactly once.
import { describe, expect, it } from 'vitest'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  campaignSeed,
  adminQuery,
  netsuiteLedgerRule,
  progress,
  recordResult,
  sized,
  sleep,
  startCampaignEnv,
  waitForRunStates,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 6')
const SEED = campaignSeed(6)
const EVENTS = sized(300, 1_000)
const LEASE_MS = 5_000

describe.runIf(pgUrl)('campaign 6: zombie worker and lease fencing', () => {
  it('fences out a frozen worker and delivers its runs once through another', async () => {
    const started = Date.now()
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: {
        seed: SEED,
        netsuite: {
          concurrencyLimit: 100,
          // Slow enough that the frozen worker holds calls in flight; honours idempotency keys.
          scenario: { seed: SEED, latencyMs: { min: 300, max: 900 }, idempotency: 'honour' },
        },
      },
      config: {
        engine: { leaseMs: LEASE_MS, heartbeatMs: 1_000, idlePollMs: 50, concurrency: 32 },
      },
    })
    try {
      const other = await env.addHub()
      const generation = env.sandbox.shopify.generateOrders({
        count: EVENTS,
        ratePerSecond: 60,
        customers: EVENTS / 5,
      })
      await sleep(2_000)
      const holding = await adminQuery(
        env.databaseUrl,
        `select count(*)::int as n from flow_runs where state = 'running'`,
      )
      progress('6', `freezing a worker for ${2 * LEASE_MS} ms (${holding.rows[0]?.n} runs running)`)
      await env.hub.freeze(2 * LEASE_MS)
      progress('6', 'worker resumed')
      await generation.done
      await env.sandbox.shopify.deliveriesSettled(240_000)
      const { settled, byState } = await waitForRunStates(
        env.databaseUrl,
        (byState) => byState.completed === EVENTS,
        120_000,
      )
      const takenOver = await adminQuery(
        env.databaseUrl,
        `select count(*)::int as n from flow_runs where lease_version >= 2`,
      )
      const rule = netsuiteLedgerRule(env.sandbox)
      const ledger = env.sandbox.netsuite.ledger()
      recordResult({
        test: '6',
        file: 't06-zombie-worker.test.ts',
        name: 'Zombie worker (SIGSTOP for 2× the lease) and lease fencing',
        seed: SEED,
        passed: settled && rule.lost.length === 0 && rule.duplicated.length === 0,
        events: EVENTS,
        faults: { sigstop: 1 },
        lost: rule.lost.length,
        duplicated: rule.duplicated.length,
        stale: 0,
        stuck: EVENTS - (byState.completed ?? 0),
        regressions: 0,
        recoveryMs: null,
        peakRssMb: Math.max(env.hub.peakRssMb, other.peakRssMb),
        durationMs: Date.now() - started,
        notes: [
          `${holding.rows[0]?.n} runs were running when the worker froze; ${takenOver.rows[0]?.n} runs were re-claimed after a lease expired`,
          `Idempotent replays answered by the target: ${ledger.effects.reduce((a, e) => a + e.replays, 0)}`,
        ],
      })
      expect(rule.acknowledged).toBe(EVENTS)
      expect(rule.lost).toEqual([])
      expect(rule.duplicated).toEqual([])
      expect(byState).toEqual({ completed: EVENTS })
      expect(takenOver.rows[0]?.n).toBeGreaterThan(0)
    } finally {
      await env.dispose()
    }
  })
})
