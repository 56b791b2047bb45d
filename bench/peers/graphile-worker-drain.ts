/** @module bench/peers/graphile-worker-drain — child process: inserts N no-op jobs with
 * graphile-worker's batch `addJobs`, then runs one worker pool tuned as graphile-worker's own
 * performance page does, and times it until the jobs table is empty (a completed job is deleted).
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

/** The little of graphile-worker 0.17's API the drain uses (the root typecheck cannot see its types). */
interface GraphileWorker {
  makeWorkerUtils(options: { connectionString: string; logger: unknown }): Promise<{
    migrate(): Promise<void>
    addJobs(specs: readonly { identifier: string; payload: unknown }[]): Promise<unknown>
    release(): Promise<void>
  }>
  run(options: Record<string, unknown>): Promise<{ stop(): Promise<void> }>
  Logger: new (factory: () => () => void) => unknown
}

async function drain(config: DrainConfig): Promise<DrainResult> {
  const gw = requirePeer('graphile-worker', 'dist/index.js') as GraphileWorker
  // Its default logger prints a line per worker start and stop: silence, not measurement.
  const logger = new gw.Logger(() => () => undefined)
  const utils = await gw.makeWorkerUtils({ connectionString: config.url, logger })
  await utils.migrate()

  const insertStarted = performance.now()
  for (let first = 0; first < config.jobs; first += config.insertBatch) {
    const count = Math.min(config.insertBatch, config.jobs - first)
    await utils.addJobs(
      Array.from({ length: count }, (_, k) => ({ identifier: 'noop', payload: { i: first + k } })),
    )
  }
  const insertMs = performance.now() - insertStarted
  await utils.release()
  progress(`${config.jobs} jobs inserted in ${Math.round(insertMs)} ms; draining`)

  const monitor = new pg.Client({ connectionString: config.url })
  await monitor.connect()
  let handled = 0
  let allHandled: () => void = () => undefined
  const handledAll = new Promise<void>((resolve) => {
    allHandled = resolve
  })
  const concurrency = config.tuning.concurrency ?? 24
  const cpuBefore = process.cpuUsage()
  const backendsBefore = await backendCpu(monitor)
  const started = performance.now()
  const runner = await gw.run({
    connectionString: config.url,
    concurrency,
    maxPoolSize: config.tuning.maxPoolSize ?? concurrency + 1,
    noHandleSignals: true,
    logger,
    taskList: {
      noop: () => {
        handled += 1
        if (handled >= config.jobs) allHandled()
        return Promise.resolve()
      },
    },
    preset: {
      worker: {
        // Batched fetch and completion, as graphile-worker's performance page configures them.
        localQueue: { size: config.tuning.localQueueSize ?? 500 },
        completeJobBatchDelay: config.tuning.completeJobBatchDelay ?? 0,
        failJobBatchDelay: config.tuning.completeJobBatchDelay ?? 0,
      },
    },
  })
  await handledAll
  // A handled job is done only once its completion (a DELETE, maybe batched) has committed.
  await waitForZero(
    monitor,
    'select count(*)::int as n from graphile_worker._private_jobs',
    [],
    60_000,
  )
  const drainMs = performance.now() - started
  const workerCpuMs = ownCpuMs(cpuBefore)
  const backendCpuMs = cpuBetween(backendsBefore, await backendCpu(monitor))
  await runner.stop()
  await monitor.end()
  return { jobs: config.jobs, insertMs, drainMs, workerCpuMs, backendCpuMs, notes: [] }
}

runChild(drain)
