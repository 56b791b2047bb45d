/** @module bench/peers/graphile-worker-peer — graphile-worker 0.17.3 draining pre-inserted no-op
 * jobs: the Node + PostgreSQL job queue Syncline's engine is most often compared with.
 */
import { drainWorkload } from './queue-drain-runner.ts'

export const graphileWorkerPeer = drainWorkload({
  name: 'graphile-worker',
  title: 'graphile-worker 0.17.3: burn-down of pre-inserted no-op jobs',
  entry: 'graphile-worker-drain.ts',
  // graphile-worker's performance page: concurrentJobs 24, maxPoolSize 25, localQueue 500,
  // completion batching on. It runs 4 such processes on a 24-core machine; here one, on 2 cores.
  tuning: { concurrency: 24, maxPoolSize: 25, localQueueSize: 500, completeJobBatchDelay: 0 },
  tuningNote:
    "graphile-worker's documented performance settings; one worker process, where its page runs 4 on many more cores",
  insertCall: 'workerUtils.addJobs',
})
