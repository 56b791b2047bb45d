/** @module bench/workloads/w1-ingest-workload — how many signed Shopify webhooks per second the
 * gateway acknowledges durably with p99 acknowledgement latency at or under 100 ms, for 1 KB and
 * 10 KB orders, and the latency at fixed fractions of that rate beside a bare HTTP echo server's
 * at the same rate. The hub runs without a worker: this is the ingest path alone.
 */
import { Pool } from 'undici'
import {
  runOpenModel,
  statusOutcome,
  type OpenModelResult,
} from '../../src/reliability/load/open-model-load.ts'
import type { BenchContext, BenchFigure, Workload } from '../harness/bench-contract.ts'
import { startBenchEstate } from '../harness/bench-estate.ts'
import { startEchoServer } from '../harness/echo-server.ts'
import type { PayloadSize } from '../harness/order-payloads.ts'
import { searchSustainableRate } from '../harness/rate-search.ts'

const P99_LIMIT_MS = 100

export const w1Ingest: Workload = {
  id: 'W1',
  title: 'Ingest: signed Shopify webhooks acknowledged durably',
  async run(ctx) {
    const started = Date.now()
    const figures: BenchFigure[] = []
    const notes: string[] = []
    // --quick checks the path, not the payload sizes: 1 KB only.
    for (const size of ctx.quick ? (['1kb'] as const) : (['1kb', '10kb'] as const)) {
      const measured = await measureSize(ctx, size, notes)
      figures.push(...measured)
    }
    return { id: 'W1', title: w1Ingest.title, figures, notes, durationMs: Date.now() - started }
  },
}

async function measureSize(
  ctx: BenchContext,
  size: PayloadSize,
  notes: string[],
): Promise<BenchFigure[]> {
  const stepMs = ctx.quick ? 3_000 : 10_000
  const estate = await startBenchEstate(ctx, {
    label: `w1_${size}`,
    store: 'postgres',
    size,
    worker: false,
  })
  let next = 0
  const at = async (rate: number): Promise<OpenModelResult> =>
    runOpenModel({
      ratePerSecond: rate,
      durationMs: stepMs,
      send: () => estate.sender.send(estate.payloads.body(next++)),
      lateStartMs: 20,
    })
  try {
    // Warm the hub (JIT, pool) before anything is measured.
    await at(50)
    const search = await searchSustainableRate({
      start: ctx.quick ? 200 : 400,
      factor: ctx.quick ? 2 : 1.5,
      max: 40_000,
      refine: ctx.quick ? 0 : 3,
      progress: (m) => ctx.progress(`${size}: ${m}`),
      measure: async (rate) => {
        const result = await at(rate)
        const acked = result.byOutcome['2xx'] ?? 0
        const p99 = result.latency.percentile(99)
        const others = result.sent - acked
        const generatorBehind = result.lateStarts > result.sent * 0.01
        return {
          ok: p99 <= P99_LIMIT_MS && others === 0 && !generatorBehind && result.unfinished === 0,
          summary: `${rate}/s: ${acked} acknowledged, p99 ${Math.round(p99)} ms, ${others} not 2xx, ${result.lateStarts} late starts`,
          detail: result,
        }
      },
    })
    for (const step of search.steps) notes.push(`${size} step ${step.summary}`)
    const sustainable = search.sustainable ?? 0
    const figures: BenchFigure[] = [
      {
        key: `w1.${size}.sustainable`,
        label: `${size} webhooks acknowledged/s with p99 ≤ ${P99_LIMIT_MS} ms`,
        value: sustainable,
        unit: 'webhooks/s',
        baseline: 'w0.pg.insert-8',
        target: {
          op: '>=',
          timesFigure: { key: 'w0.pg.insert-8', times: 1 },
          text: '≥ 8,000/s and ≥ the 8-connection insert ceiling (W0)',
        },
      },
    ]
    if (sustainable === 0) return figures
    const echo = await startEchoServer()
    const echoPool = new Pool(echo.url, { connections: 64 })
    try {
      for (const fraction of [0.5, 0.8]) {
        const rate = Math.max(1, Math.round(sustainable * fraction))
        ctx.progress(`${size}: latency at ${fraction * 100}% (${rate}/s)`)
        const hub = await at(rate)
        const body = estate.payloads.body(0)
        const bare = await runOpenModel({
          ratePerSecond: rate,
          durationMs: stepMs,
          send: async () => {
            const response = await echoPool.request({ path: '/', method: 'POST', body })
            await response.body.dump()
            return statusOutcome(response.statusCode)
          },
        })
        const pct = `${fraction * 100}pct`
        for (const p of [50, 99] as const) {
          figures.push(
            {
              key: `w1.${size}.echo-p${p}-at-${pct}`,
              label: `echo server p${p} at ${rate}/s`,
              value: bare.latency.percentile(p),
              unit: 'ms',
            },
            {
              key: `w1.${size}.p${p}-at-${pct}`,
              label: `${size} ack p${p} at ${fraction * 100}% of sustainable (${rate}/s)`,
              value: hub.latency.percentile(p),
              unit: 'ms',
              baseline: `w1.${size}.echo-p${p}-at-${pct}`,
            },
          )
        }
      }
    } finally {
      await echoPool.close()
      echo.stop()
    }
    figures.push({
      key: `w1.${size}.rss`,
      label: `hub peak RSS (${size})`,
      value: estate.hub.peakRssMb(),
      unit: 'MB',
      baseline: 'peer.n8n.rss',
      target: { op: '<=', value: 300, text: 'hub RSS ≤ 300 MB' },
    })
    return figures
  } finally {
    await estate.stop()
  }
}
