/** @module bench/workloads/w3-drain-workload — a backlog drained: 100,000 orders acknowledged by
 * an API-only hub while no worker runs, then one worker hub started on the same database; the
 * drain rate is orders turned into NetSuite sales orders per second, from the worker being ready
 * to the last sales order. Compared with graphile-worker draining the same count of no-op jobs.
 */
import type { BenchFigure, Workload } from '../harness/bench-contract.ts'
import { startBenchEstate } from '../harness/bench-estate.ts'
import { waitUntil } from '../harness/bench-timing.ts'

export const w3Drain: Workload = {
  id: 'W3',
  title: 'Drain: a pre-loaded backlog of orders, delivered',
  async run(ctx) {
    const started = Date.now()
    const count = ctx.quick ? 2_000 : 100_000
    const notes: string[] = []
    const estate = await startBenchEstate(ctx, { label: 'w3', store: 'postgres', worker: false })
    try {
      const loadStarted = performance.now()
      let next = 0
      let acked = 0
      let refused = 0
      // Closed loop with 64 senders: loading is not what is measured; every order must get in.
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < count) {
            const i = next++
            for (;;) {
              const outcome = await estate.sender.send(estate.payloads.body(i))
              if (outcome === '2xx') break
              refused += 1
            }
            acked += 1
            if (acked % 5_000 === 0) {
              ctx.progress(
                `loaded ${acked.toLocaleString('en-US')}/${count.toLocaleString('en-US')}`,
              )
            }
          }
        }),
      )
      const loadSeconds = (performance.now() - loadStarted) / 1_000
      notes.push(
        `Loaded ${count.toLocaleString('en-US')} orders in ${loadSeconds.toFixed(1)} s through an API-only hub (${refused} answers other than 2xx, each retried)`,
      )
      if (estate.salesOrders.size !== 0) {
        throw new Error('a sales order appeared before any worker ran')
      }
      ctx.progress('starting the worker')
      const worker = await estate.addHub('w3_worker', true)
      // The clock estate.salesOrders times use (monotonic epoch ms).
      const ready = performance.timeOrigin + performance.now()
      const cpuBefore = worker.cpuSeconds()
      const progress = setInterval(
        () =>
          ctx.progress(
            `drained ${estate.salesOrders.size.toLocaleString('en-US')}/${count.toLocaleString('en-US')}`,
          ),
        2_000,
      )
      const drained = await waitUntil(
        () => estate.salesOrders.size >= count,
        ctx.quick ? 120_000 : 900_000,
      )
      clearInterval(progress)
      if (!drained) {
        throw new Error(`only ${estate.salesOrders.size} of ${count} orders were delivered in time`)
      }
      const times = [...estate.salesOrders.values()]
      const last = Math.max(...times)
      const first = Math.min(...times)
      const seconds = (last - ready) / 1_000
      const cpu = worker.cpuSeconds() - cpuBefore
      const duplicates = estate.sandbox.netsuite
        .ledger()
        .effects.filter((e) => e.creates > 1).length
      if (duplicates > 0) {
        throw new Error(`${duplicates} NetSuite records were created more than once`)
      }
      notes.push(
        `Worker ready → last sales order ${seconds.toFixed(1)} s (first sales order after ${((first - ready) / 1_000).toFixed(2)} s); worker CPU ${cpu.toFixed(1)} s; 0 duplicate records`,
      )
      const figures: BenchFigure[] = [
        {
          key: 'w3.drain',
          label: `orders drained/s (${count.toLocaleString('en-US')} pre-loaded, each a customer upsert and a sales order)`,
          value: count / seconds,
          unit: 'orders/s',
          baseline: 'peer.graphile-worker.drain',
          target: {
            op: '>=',
            timesFigure: { key: 'peer.graphile-worker.drain', times: 1 },
            text: '≥ graphile-worker’s no-op drain rate',
          },
        },
        {
          key: 'w3.cpu-per-1000',
          label: 'worker CPU-seconds per 1,000 orders drained',
          value: (cpu / count) * 1_000,
          unit: 'CPU-s',
        },
        {
          key: 'w3.rss',
          label: 'worker peak RSS while draining',
          value: worker.peakRssMb(),
          unit: 'MB',
          target: { op: '<=', value: 300, text: 'hub RSS ≤ 300 MB' },
        },
      ]
      return { id: 'W3', title: w3Drain.title, figures, notes, durationMs: Date.now() - started }
    } finally {
      await estate.stop()
    }
  },
}
