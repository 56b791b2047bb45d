/** @module bench/peers/pg-boss-drain — child process: inserts N no-op jobs with pg-boss's batch
 * `insert`, then drains them with several `work()` pollers fetching batches, and times it until
 * no job of the queue is left unfinished.
 *
 * pg-boss 10 waits out its polling interval after each fetch (at least 0.5 s) unless the fetch
 * and the handler took longer, so one poller drains at most `batchSize / interval`: throughput
 * comes from the batch size times the number of pollers, as its docs say.
 */
import pg from 'pg'
import {
  backendCpu,
  cpuBetween,
  ownCpuMs,
  progress,
  requirePeer,
  runChild,
  waitForZero,
} from './queue-drain-child.ts'
import type { DrainConfig, DrainResult } from './queue-drain-runner.ts'

/** The little of pg-boss 10's API the drain uses (the root typecheck cannot see its types). */
interface PgBoss {
  on(event: 'error', listener: (error: Error) => void): void
  start(): Promise<unknown>
  stop(options: { graceful: boolean; wait: boolean }): Promise<void>
  createQueue(name: string): Promise<void>
  insert(jobs: readonly { name: string; data: unknown }[]): Promise<unknown>
  work(
    name: string,
    options: { batchSize: number; pollingIntervalSeconds: number },
    handler: (jobs: readonly unknown[]) => Promise<void>,
  ): Promise<string>
}
type PgBossClass = new (options: Record<string, unknown>) => PgBoss

const QUEUE = 'bench-noop'

async function drain(config: DrainConfig): Promise<DrainResult> {
  const PgBoss = requirePeer('pg-boss', 'src/index.js') as PgBossClass
  const workers = config.tuning.workers ?? 4
  const batchSize = config.tuning.batchSize ?? 500
  const pollingIntervalSeconds = config.tuning.pollingIntervalSeconds ?? 0.5
  const boss = new PgBoss({
    connectionString: config.url,
    // Each poller holds a connection for its fetch while its last batch's completion may still run.
    max: config.tuning.maxPoolSize ?? workers * 2 + 2,
  })
  const errors: string[] = []
  boss.on('error', (error) => {
    if (errors.length < 5) errors.push(error.message)
  })
  await boss.start()
  await boss.createQueue(QUEUE)

  const insertStarted = performance.now()
  for (let first = 0; first < config.jobs; first += config.insertBatch) {
    const count = Math.min(config.insertBatch, config.jobs - first)
    await boss.insert(
      Array.from({ length: count }, (_, k) => ({ name: QUEUE, data: { i: first + k } })),
    )
  }
  const insertMs = performance.now() - insertStarted
  progress(`${config.jobs} jobs inserted in ${Math.round(insertMs)} ms; draining`)

  const monitor = new pg.Client({ connectionString: config.url })
  await monitor.connect()
  let handled = 0
  let allHandled: () => void = () => undefined
  const handledAll = new Promise<void>((resolve) => {
    allHandled = resolve
  })
  const cpuBefore = process.cpuUsage()
  const backendsBefore = await backendCpu(monitor)
  const started = performance.now()
  for (let w = 0; w < workers; w += 1) {
    await boss.work(QUEUE, { batchSize, pollingIntervalSeconds }, (jobs) => {
      handled += jobs.length
      if (handled >= config.jobs) allHandled()
      return Promise.resolve()
    })
  }
  await handledAll
  // pg-boss completes a batch after its handler resolves, without awaiting it: wait for the commits.
  await waitForZero(
    monitor,
    "select count(*)::int as n from pgboss.job where name = $1 and state <> 'completed'",
    [QUEUE],
    60_000,
  )
  const drainMs = performance.now() - started
  const workerCpuMs = ownCpuMs(cpuBefore)
  const backendCpuMs = cpuBetween(backendsBefore, await backendCpu(monitor))
  await boss.stop({ graceful: false, wait: true })
  await monitor.end()
  const notes = errors.length === 0 ? [] : [`pg-boss reported errors: ${errors.join('; ')}`]
  return { jobs: config.jobs, insertMs, drainMs, workerCpuMs, backendCpuMs, notes }
}

runChild(drain)
