/** @module bench/workloads/w2-end-to-end-workload — an order webhook becomes a customer upsert and
 * a sales order in the NetSuite simulator. The arrival rate is stepped up until the backlog grows;
 * at half the highest sustained rate, propagation (scheduled send → sales order committed in
 * NetSuite), CPU-seconds per 1,000 orders and peak memory. On PostgreSQL and on the embedded store.
 */
import { HdrHistogram } from '../../src/reliability/load/hdr-percentiles.ts'
import { runOpenModel } from '../../src/reliability/load/open-model-load.ts'
import type { BenchContext, BenchFigure, Workload } from '../harness/bench-contract.ts'
import { startBenchEstate } from '../harness/bench-estate.ts'
import { sleep, waitUntil } from '../harness/bench-timing.ts'
import { searchSustainableRate } from '../harness/rate-search.ts'

type StoreKind = 'postgres' | 'embedded'

export const w2EndToEnd: Workload = {
  id: 'W2',
  title: 'End to end: order webhook → customer upsert → NetSuite sales order',
  async run(ctx) {
    const started = Date.now()
    const notes: string[] = []
    const figures: BenchFigure[] = []
    for (const store of ['postgres', 'embedded'] as const) {
      figures.push(...(await measureStore(ctx, store, notes)))
    }
    return { id: 'W2', title: w2EndToEnd.title, figures, notes, durationMs: Date.now() - started }
  },
}

interface StepOutcome {
  readonly sent: number
  readonly acked: number
  readonly notAcked: number
  /** Acknowledged orders of this step with no sales order when the step (plus grace) ended. */
  readonly backlog: number
  readonly propagation: HdrHistogram
  readonly completed: number
}

async function measureStore(
  ctx: BenchContext,
  store: StoreKind,
  notes: string[],
): Promise<BenchFigure[]> {
  const short = store === 'postgres' ? 'pg' : 'embedded'
  const stepMs = ctx.quick ? 3_000 : 15_000
  const estate = await startBenchEstate(ctx, { label: `w2_${short}`, store })
  const scheduled = new Map<string, number>()
  let active: { propagation: HdrHistogram; done: number } | null = null
  estate.onSalesOrder((orderId, at) => {
    const sentAt = scheduled.get(orderId)
    if (sentAt === undefined || active === null) return
    scheduled.delete(orderId)
    active.propagation.record(Math.max(0, at - sentAt))
    active.done += 1
  })
  let next = 0
  const step = async (rate: number, ms: number): Promise<StepOutcome> => {
    const acked = new Set<string>()
    const current = { propagation: new HdrHistogram(), done: 0 }
    active = current
    const result = await runOpenModel({
      ratePerSecond: rate,
      durationMs: ms,
      lateStartMs: 20,
      send: async (_i, scheduledAt) => {
        const i = next++
        const orderId = estate.payloads.orderId(i)
        scheduled.set(orderId, scheduledAt)
        const outcome = await estate.sender.send(estate.payloads.body(i))
        if (outcome === '2xx') acked.add(orderId)
        else scheduled.delete(orderId)
        return outcome
      },
    })
    // A second's grace: an order acknowledged in the step's last moments is not backlog yet.
    await sleep(1_000)
    const backlog = [...acked].filter((id) => !estate.salesOrders.has(id)).length
    const drained = await waitUntil(
      () => [...acked].every((id) => estate.salesOrders.has(id)),
      ctx.quick ? 30_000 : 120_000,
    )
    active = null
    if (!drained) throw new Error(`the backlog at ${rate}/s did not drain: stopping the search`)
    return {
      sent: result.sent,
      acked: acked.size,
      notAcked: result.sent - acked.size,
      backlog,
      propagation: current.propagation,
      completed: current.done,
    }
  }
  try {
    await step(20, 2_000)
    const search = await searchSustainableRate({
      start: ctx.quick ? 50 : 100,
      factor: ctx.quick ? 2 : 1.5,
      max: 20_000,
      refine: ctx.quick ? 0 : 2,
      progress: (m) => ctx.progress(`${short}: ${m}`),
      measure: async (rate) => {
        const o = await step(rate, stepMs)
        return {
          ok: o.notAcked === 0 && o.backlog <= rate,
          summary: `${rate}/s: ${o.acked} acknowledged, ${o.notAcked} not, backlog ${o.backlog} at the end, propagation p99 ${Math.round(o.propagation.percentile(99))} ms`,
          detail: o,
        }
      },
    })
    for (const s of search.steps) notes.push(`${short} step ${s.summary}`)
    const sustainable = search.sustainable ?? 0
    const figures: BenchFigure[] = [
      {
        key: `w2.${short}.sustainable`,
        label: `orders/s sustained end to end (${store})`,
        value: sustainable,
        unit: 'orders/s',
        baseline: 'peer.n8n.sustainable',
        target:
          store === 'postgres'
            ? [
                { op: '>=', value: 2_000, text: '≥ 2,000 orders/s' },
                {
                  op: '>=',
                  timesFigure: { key: 'peer.n8n.sustainable', times: 20 },
                  text: '≥ 20× n8n',
                },
              ]
            : { op: '>=', value: 1_000, text: '≥ 1,000 orders/s on the embedded store' },
      },
    ]
    if (sustainable === 0) return figures
    const half = Math.max(1, Math.round(sustainable / 2))
    ctx.progress(`${short}: propagation at half the sustained rate (${half}/s)`)
    const cpuBefore = estate.hub.cpuSeconds()
    const o = await step(half, stepMs * 2)
    const cpu = estate.hub.cpuSeconds() - cpuBefore
    notes.push(
      `${short}: at ${half}/s for ${(stepMs * 2) / 1000} s: ${o.completed} orders, hub CPU ${cpu.toFixed(1)} s`,
    )
    for (const p of [50, 95, 99] as const) {
      figures.push({
        key: `w2.${short}.p${p}`,
        label: `propagation p${p} at ${half}/s (${store})`,
        value: o.propagation.percentile(p),
        unit: 'ms',
        baseline: p === 50 ? 'peer.n8n.propagation-p50' : 'peer.n8n.propagation-p99',
        ...(store === 'postgres' && p === 99
          ? { target: { op: '<=', value: 500, text: 'p99 ≤ 500 ms at half the sustained rate' } }
          : {}),
      })
    }
    figures.push(
      {
        key: `w2.${short}.cpu-per-1000`,
        label: `hub CPU-seconds per 1,000 orders (${store})`,
        value: o.completed === 0 ? 0 : (cpu / o.completed) * 1_000,
        unit: 'CPU-s',
      },
      {
        key: `w2.${short}.rss`,
        label: `hub peak RSS (${store})`,
        value: estate.hub.peakRssMb(),
        unit: 'MB',
        baseline: 'peer.n8n.rss',
        ...(store === 'postgres'
          ? { target: { op: '<=', value: 300, text: 'hub RSS ≤ 300 MB' } }
          : {}),
      },
    )
    return figures
  } finally {
    await estate.stop()
  }
}
