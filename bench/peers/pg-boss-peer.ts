/** @module bench/peers/pg-boss-peer — pg-boss 10.4.2 draining pre-inserted no-op jobs. */
import { drainWorkload } from './queue-drain-runner.ts'

export const pgBossPeer = drainWorkload({
  name: 'pg-boss',
  title: 'pg-boss 10.4.2: burn-down of pre-inserted no-op jobs',
  entry: 'pg-boss-drain.ts',
  // A poller drains at most batchSize per polling interval (0.5 s is pg-boss's minimum), so
  // throughput is pollers × batch ÷ interval: big batches and several pollers, per its docs.
  tuning: { workers: 4, batchSize: 500, pollingIntervalSeconds: 0.5 },
  tuningNote:
    'pg-boss drains pollers × batchSize per polling interval; 0.5 s is its minimum interval',
  insertCall: 'boss.insert',
})
