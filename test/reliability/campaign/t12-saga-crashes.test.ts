// Campaign test 12 (reliability-campaign.md §C2): the order fulfilment saga (NetSuite sales order →
// 3PL fulfillment request → NetSuite invoice → Shopify capture) on a hub process on PostgreSQL
// that SIGKILLs itself between two undos (crash point mid_saga_compensation). For each failure
// point k = 1..4 a batch of orders is refused at step k by the vendor's own rule (credit hold,
// unknown SKU, closed period, voided payment), beside a batch that commits. Every saga ends fully
// committed or fully compensated, the undos newest first and each applied once in the simulators'
// ledgers, with one saga-log entry per step. A few sagas whose 3PL request ships before they fail
// cannot be undone: they are dead-lettered with their run id and the orderLifecycle
// dead_letters alert fires within 60 s. No run is left running 120 s after the last fault.
import { describe, expect, it } from 'vitest'
import { ShopifyAdminClient } from '../../../src/connectors/shopify/shopify-admin-client.ts'
import { parseShopifyConnectionConfig } from '../../../src/connectors/shopify/shopify-spec.ts'
import { ORDER_FULFILMENT_SAGA } from '../../../src/flows/order-to-cash/order-fulfilment-saga-flow.ts'
import type { Sandbox } from '../../../src/sandbox/sandbox-host.ts'
import { shopifyConnectionFields } from '../../../src/sandbox/sandbox-connections.ts'
import type { DeadLetterRecord } from '../../../src/store/store-contract.ts'
import {
  heldCustomer,
  openInvoicingPeriod,
  placeSagaOrder,
  sagaProblems,
  seedAccountingPeriods,
  type FailAt,
  type SagaSims,
} from '../../flows/order-fulfilment-saga-kit.ts'
import { harnessConfig } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  adminQuery,
  campaignSeed,
  percentile,
  progress,
  recordResult,
  sized,
  sleep,
  startCampaignEnv,
  waitTerminalAfterLastFault,
  type CampaignEnv,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 12')
const SEED = campaignSeed(12)
/** Sagas per failure point, and committed ones beside them. */
const RUNS = sized(20, 100)
/** Sagas whose undo the warehouse refuses for good (it shipped the goods meanwhile). */
const STUCK = 3
/**
 * Only runs with two undos or more pass the crash point (between undos): k=3 once, k=4 twice, and
 * again on every re-run after a kill. 0.2 kills about a fifth of the compensating sagas.
 */
const CRASH_P = 0.2
/**
 * A kill interrupts every run in flight, and the hub counts each interrupt as a failed attempt
 * (the poison-run guard). This test kills far more often than production does, in loops (the
 * runs a kill orphaned are taken up together, and one of them may hit the point again), so the
 * default cap of 12 would dead-letter bystanders instead of testing the saga.
 */
const MAX_ATTEMPTS = 40
const ALERT_WITHIN_MS = 60_000
/** Orders arrive paced, as a shop's do, so a kill meets a few sagas in flight, not all of them. */
const PACE_MS = 300
const FAIL_POINTS: readonly FailAt[] = [1, 2, 4, 0]

type RunWithSteps = Parameters<typeof sagaProblems>[3]

/** A GET on the hub's API, tried again while the hub is down (a crash point just killed it). */
async function api<T>(env: CampaignEnv, path: string): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      const response = await fetch(`${env.hub.url}${path}`)
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`)
      return (await response.json()) as T
    } catch (error) {
      if (tries >= 120) throw error
      await sleep(250)
    }
  }
}

/** The saga of one order through the API, with its steps (the saga log); null before it ends. */
async function endedSaga(env: CampaignEnv, orderId: string): Promise<RunWithSteps | null> {
  const key = encodeURIComponent(`shopify:order:${orderId}`)
  const { runs } = await api<{ runs: RunWithSteps[] }>(
    env,
    `/api/v1/runs?businessKey=${key}&flow=${ORDER_FULFILMENT_SAGA}&limit=5`,
  )
  const [run] = runs
  if (run === undefined || !['completed', 'compensated', 'dead'].includes(run.state)) return null
  return api<RunWithSteps>(env, `/api/v1/runs/${run.id}`)
}

interface Alert {
  domain: string
  rule: string
  firing: boolean
}

function sagaConfig(sandbox: Sandbox): Record<string, unknown> {
  const threepl = sandbox.threepl
  if (threepl === undefined) throw new Error('the sandbox has no 3PL')
  const base = harnessConfig(sandbox)
  return {
    connections: {
      ...base.connections,
      threepl: {
        demo: {
          baseUrl: threepl.baseUrl,
          apiKey: threepl.apiKey,
          // The saga takes no 3PL webhooks; the connection needs a secret all the same.
          webhookSecrets: ['whsec_c2FnYS1jYW1wYWlnbi0xMi1zZWNyZXQtc2VjcmV0'],
        },
      },
    },
    engine: { ...base.engine, retry: { ...base.engine.retry, maxAttempts: MAX_ATTEMPTS } },
    flows: [
      {
        flow: 'shopify-order-fulfilment-saga',
        shopifyConnection: 'demo',
        erp: 'netsuite',
        erpConnection: 'demo',
        threeplConnection: 'demo',
      },
    ],
  }
}

describe.runIf(pgUrl)('campaign 12: saga with compensation under crashes', () => {
  it('commits or fully undoes every saga, newest first and once, through kills mid-compensation', async () => {
    const started = Date.now()
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: {
        seed: SEED,
        // A Plus shop's bucket: the test's own order calls must not throttle the hub's captures.
        shopify: { bucketSize: 4000, leakPerSecond: 2000 },
        threepl: {
          // SKU-1..SKU-19 stocked; SKU-20 the warehouse does not carry (step 2 refused).
          inventory: Array.from({ length: 19 }, (_, i) => ({
            sku: `SKU-${i + 1}`,
            warehouse: 'WH-EAST',
            onHand: 100_000,
          })),
          // Picking takes hours: a request is still cancellable when its saga unwinds.
          progression: { allocateAfterMs: 0, pickAfterMs: 3_600_000, shipAfterMs: 3_600_000 },
          rateLimit: { burst: 5000, perSecond: 5000 },
        },
      },
      config: sagaConfig,
      env: { HUB_CRASHPOINTS: `mid_saga_compensation:${CRASH_P}` },
    })
    const threepl = env.sandbox.threepl
    if (threepl === undefined) throw new Error('the sandbox has no 3PL')
    const sims: SagaSims = { shopify: env.sandbox.shopify, netsuite: env.sandbox.netsuite, threepl }
    const admin = new ShopifyAdminClient(
      parseShopifyConnectionConfig(shopifyConnectionFields(env.sandbox.shopify)),
    )
    try {
      seedAccountingPeriods(sims)
      const plan: { orderId: string; failAt: FailAt }[] = []
      const place = async (failAt: FailAt, n: number, held?: string) => {
        plan.push({ orderId: await placeSagaOrder(admin, n, failAt, held), failAt })
        await sleep(PACE_MS)
      }
      // Dated into the closed period: placed before the shop's clock moves on.
      for (let i = 0; i < RUNS; i++) await place(3, 3_000 + i)
      openInvoicingPeriod(sims)
      const held = await Promise.all([0, 1, 2, 3].map((n) => heldCustomer(admin, sims, n)))
      for (let i = 0; i < RUNS; i++) {
        for (const failAt of FAIL_POINTS) {
          await place(failAt, failAt * 1_000 + i, failAt === 1 ? held[i % held.length] : undefined)
        }
      }
      // The 120 s bound runs from the later of the last kill and the last order placed.
      let placedAt = Date.now()
      progress('12', `placed ${plan.length} orders; waiting for every saga to end`)
      const ended = new Map<string, RunWithSteps>()
      const collect = async (orders: readonly { orderId: string }[]) => {
        for (const { orderId } of orders) {
          if (ended.has(orderId)) continue
          const run = await endedSaga(env, orderId)
          if (run !== null) ended.set(orderId, run)
        }
        return orders.every((o) => ended.has(o.orderId))
      }
      const lastCrash = (): number => Math.max(placedAt, ...env.hub.outages.map((o) => o.at))
      const forward = await waitTerminalAfterLastFault(() => collect(plan), lastCrash)
      progress(
        '12',
        `${ended.size}/${plan.length} ended (settled=${forward.settled}); crash points hit ${env.hub.crashPointHits.get('mid_saga_compensation') ?? 0}`,
      )

      // Sagas whose request the warehouse ships while they are still going: NetSuite answers
      // slowly, and the floor ships each request as soon as it sees it. Their payment is voided,
      // so they unwind, and the cancel of a shipped request is refused for good.
      env.sandbox.netsuite.setScenario({ seed: SEED, latencyMs: { min: 1_200, max: 1_200 } })
      const stuck: string[] = []
      for (let i = 0; i < STUCK; i++) stuck.push(await placeSagaOrder(admin, 9_000 + i, 4))
      placedAt = Date.now()
      const shipped = new Set<string>()
      const shipping = Date.now()
      while (shipped.size < STUCK && Date.now() - shipping < 60_000) {
        for (const orderId of stuck) {
          const order = threepl.order(`SHOPIFY-O-${orderId}`)
          if (order === undefined || shipped.has(orderId)) continue
          threepl.shipOrder(String(order.id), {})
          shipped.add(orderId)
        }
        await sleep(20)
      }
      const deadLetters = async (): Promise<DeadLetterRecord[]> =>
        (await api<{ deadLetters: DeadLetterRecord[] }>(env, '/api/v1/dlq?limit=500')).deadLetters
      let dead: DeadLetterRecord[] = []
      const stuckEnded = await waitTerminalAfterLastFault(async () => {
        dead = await deadLetters()
        return stuck.every((id) => dead.some((d) => d.businessKey === `shopify:order:${id}`))
      }, lastCrash)
      env.sandbox.netsuite.setScenario({ seed: SEED })
      // From the first saga whose undo was refused for good.
      const firstDeadAt = Math.min(
        ...dead
          .filter((d) => stuck.some((id) => d.businessKey === `shopify:order:${id}`))
          .map((d) => d.deadAt),
      )
      let alertAfterMs = Number.POSITIVE_INFINITY
      while (Date.now() - firstDeadAt < ALERT_WITHIN_MS + 5_000) {
        const { alerts } = await api<{ alerts: Alert[] }>(env, '/api/v1/alerts')
        if (
          alerts.some((a) => a.domain === 'orderLifecycle' && a.rule === 'dead_letters' && a.firing)
        ) {
          alertAfterMs = Date.now() - firstDeadAt
          break
        }
        await sleep(500)
      }

      // No run anywhere left running, pending or retrying 120 s after the last fault.
      const unfinished = async (): Promise<number> =>
        Number(
          (
            await adminQuery(
              env.databaseUrl,
              "select count(*)::int as n from flow_runs where state in ('running', 'pending', 'retrying')",
            )
          ).rows[0]?.n ?? -1,
        )
      const drained = await waitTerminalAfterLastFault(
        async () => (await unfinished()) === 0,
        lastCrash,
      )
      const byState = Object.fromEntries(
        (
          await adminQuery(
            env.databaseUrl,
            'select state, count(*)::int as n from flow_runs group by state',
          )
        ).rows.map((r: { state: string; n: number }) => [r.state, r.n]),
      )
      await collect(plan)

      const problems = plan.flatMap(({ orderId, failAt }) => {
        const run = ended.get(orderId)
        return run === undefined
          ? [`order ${orderId}: no ended saga`]
          : sagaProblems(sims, orderId, failAt, run)
      })
      const stuckRuns = await Promise.all(stuck.map((id) => endedSaga(env, id)))
      const stuckLetters = stuck.map((id) =>
        dead.find((d) => d.businessKey === `shopify:order:${id}`),
      )
      const stuckProblems = stuck.flatMap((id, i) => {
        const letter = stuckLetters[i]
        const run = stuckRuns[i]
        if (letter === undefined || run === null || run === undefined) {
          return [`${id}: not dead-lettered`]
        }
        return [
          letter.runId === run.id
            ? []
            : [`${id}: dead letter names run ${letter.runId}, not ${run.id}`],
          letter.error.code === 'order_already_shipped' ? [] : [`${id}: code ${letter.error.code}`],
          /compensation of step request-fulfillment failed/.test(letter.error.message)
            ? []
            : [`${id}: ${letter.error.message}`],
        ].flat()
      })
      const otherDead = dead.filter(
        (d) => !stuck.some((id) => d.businessKey === `shopify:order:${id}`),
      )
      const hits = env.hub.crashPointHits.get('mid_saga_compensation') ?? 0
      const compensating = plan.filter((p) => p.failAt !== 0).length
      const recovery = env.hub.outages.flatMap((o) =>
        o.readyAt === null ? [] : [o.readyAt - o.at],
      )
      const stuckCount = (byState.pending ?? 0) + (byState.running ?? 0) + (byState.retrying ?? 0)
      const passed =
        forward.settled &&
        stuckEnded.settled &&
        drained.settled &&
        problems.length === 0 &&
        stuckProblems.length === 0 &&
        otherDead.length === 0 &&
        alertAfterMs <= ALERT_WITHIN_MS &&
        hits > 0

      recordResult({
        test: '12',
        file: 't12-saga-crashes.test.ts',
        name: 'Saga with compensation under crashes',
        seed: SEED,
        passed,
        events: plan.length + STUCK,
        faults: { crashPoints: hits, kill9: env.hub.kills, undoRefused: STUCK },
        lost: plan.filter((p) => !ended.has(p.orderId)).length,
        duplicated: problems.filter((p) =>
          /creates [2-9]|undos [2-9]|cancels [2-9]|captures [2-9]/.test(p),
        ).length,
        stale: 0,
        stuck: stuckCount,
        regressions: 0,
        recoveryMs: { p50: percentile(recovery, 50), max: Math.max(0, ...recovery) },
        peakRssMb: env.hub.peakRssMb,
        durationMs: Date.now() - started,
        notes: [
          `${RUNS} sagas per failure point k=1..4 and ${RUNS} committed; ${STUCK} with an undo refused for good`,
          `mid_saga_compensation kills: ${hits} over ${compensating} compensating sagas (${Math.round((100 * hits) / compensating)}%); hub starts ${env.hub.starts}`,
          `Problems: ${problems.length + stuckProblems.length}${problems.length + stuckProblems.length === 0 ? '' : ` — first: ${[...problems, ...stuckProblems][0]}`}`,
          `Dead letters: ${dead.length} (${otherDead.length} unexpected); orderLifecycle dead_letters alert firing ${Number.isFinite(alertAfterMs) ? `${Math.round(alertAfterMs / 1000)} s` : 'never'} after the first`,
          `Runs by state: ${JSON.stringify(byState)}; unfinished 0 ${Math.round(drained.terminalMs / 1000)} s after the last fault`,
        ],
      })
      expect(forward.settled, 'every saga ended').toBe(true)
      expect(problems, 'sagas not fully committed or fully compensated').toEqual([])
      expect(stuckProblems, 'undo refused for good: dead letter with the run id').toEqual([])
      expect(
        otherDead.map((d) => d.error.message),
        'unexpected dead letters',
      ).toEqual([])
      expect(alertAfterMs, 'orderLifecycle dead_letters alert').toBeLessThanOrEqual(ALERT_WITHIN_MS)
      expect(hits, 'kills mid-compensation').toBeGreaterThan(0)
      expect(drained.settled, 'no run running 120 s after the last fault').toBe(true)
      expect(stuckCount).toBe(0)
      expect(env.hub.peakRssMb).toBeLessThan(512)
    } finally {
      await env.dispose()
    }
  })
})
