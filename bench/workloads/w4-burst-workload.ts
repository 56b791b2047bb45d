/** @module bench/workloads/w4-burst-workload — 20,000 webhooks in 2 s, ten times what W1 sustains:
 * the hub must answer every one with 2xx, 429 or 503 (never a reset, a timeout or a 500), keep its
 * memory bounded, and deliver everything it acknowledged afterwards.
 */
import { runOpenModel } from '../../src/reliability/load/open-model-load.ts'
import type { BenchFigure, Workload } from '../harness/bench-contract.ts'
import { startBenchEstate } from '../harness/bench-estate.ts'
import { sleep, waitUntil } from '../harness/bench-timing.ts'

const ALLOWED = new Set(['2xx', '429', '503'])

export const w4Burst: Workload = {
  id: 'W4',
  title: 'Burst: 20,000 webhooks in 2 s',
  async run(ctx) {
    const started = Date.now()
    const count = ctx.quick ? 2_000 : 20_000
    const seconds = ctx.quick ? 1 : 2
    const estate = await startBenchEstate(ctx, { label: 'w4', store: 'postgres' })
    try {
      await sleep(1_000)
      const rssBefore = estate.hub.rssMb()
      const acked = new Set<string>()
      ctx.progress(`sending ${count.toLocaleString('en-US')} webhooks in ${seconds} s`)
      const result = await runOpenModel({
        ratePerSecond: count / seconds,
        durationMs: seconds * 1_000,
        drainTimeoutMs: 60_000,
        send: async (i) => {
          const outcome = await estate.sender.send(estate.payloads.body(i))
          if (outcome === '2xx') acked.add(estate.payloads.orderId(i))
          return outcome
        },
      })
      const rssPeakBurst = estate.hub.peakRssMb()
      const violations = Object.entries(result.byOutcome)
        .filter(([outcome]) => !ALLOWED.has(outcome))
        .reduce((n, [, c]) => n + c, 0)
      const shed = (result.byOutcome['429'] ?? 0) + (result.byOutcome['503'] ?? 0)
      ctx.progress(`delivering the ${acked.size.toLocaleString('en-US')} acknowledged`)
      const deliverStarted = performance.now()
      await waitUntil(
        () => [...acked].every((id) => estate.salesOrders.has(id)),
        ctx.quick ? 60_000 : 600_000,
      )
      const undelivered = [...acked].filter((id) => !estate.salesOrders.has(id)).length
      const outcomes = Object.entries(result.byOutcome)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
      const figures: BenchFigure[] = [
        { key: 'w4.sent', label: 'webhooks sent', value: result.sent, unit: 'count' },
        {
          key: 'w4.accepted',
          label: 'acknowledged with 2xx',
          value: acked.size,
          unit: 'count',
          baseline: 'w4.sent',
        },
        {
          key: 'w4.shed',
          label: 'answered 429 or 503',
          value: shed,
          unit: 'count',
          baseline: 'w4.sent',
        },
        {
          key: 'w4.violations',
          label: 'answered otherwise (reset, timeout, 5xx other than 503)',
          value: violations,
          unit: 'count',
          baseline: 'w4.sent',
          target: { op: '<=', value: 0, text: 'nothing but 2xx / 429 / 503' },
        },
        { key: 'w4.rss-before', label: 'hub RSS before the burst', value: rssBefore, unit: 'MB' },
        {
          key: 'w4.rss-peak',
          label: 'hub peak RSS through the burst',
          value: rssPeakBurst,
          unit: 'MB',
          baseline: 'w4.rss-before',
          target: { op: '<=', value: 300, text: 'memory bounded (≤ 300 MB)' },
        },
        {
          key: 'w4.deliver-seconds',
          label: 'seconds from the end of the burst until every acknowledged order was delivered',
          value: (performance.now() - deliverStarted) / 1_000,
          unit: 's',
        },
        {
          key: 'w4.undelivered',
          label: 'acknowledged but not delivered',
          value: undelivered,
          unit: 'count',
          baseline: 'w4.accepted',
          target: { op: '<=', value: 0, text: 'all delivered after' },
        },
      ]
      return {
        id: 'W4',
        title: w4Burst.title,
        figures,
        notes: [
          `Outcomes: ${outcomes}; ack latency p50 ${Math.round(result.latency.percentile(50))} ms, p99 ${Math.round(result.latency.percentile(99))} ms; ${result.lateStarts} sends started late (the generator shares the machine)`,
        ],
        durationMs: Date.now() - started,
      }
    } finally {
      await estate.stop()
    }
  },
}
