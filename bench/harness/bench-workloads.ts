/** @module bench/harness/bench-workloads — the run order: the ceilings first, then the peers, then
 * Syncline's workloads (ratios are computed from the whole run, so the order only decides what
 * runs on a fresher machine). */
import type { Workload } from './bench-contract.ts'
import { graphileWorkerPeer } from '../peers/graphile-worker-peer.ts'
import { n8nPeer } from '../peers/n8n-peer.ts'
import { pgBossPeer } from '../peers/pg-boss-peer.ts'
import { s1StoreStatements } from '../workloads/s1-store-statements-workload.ts'
import { w0Limit } from '../workloads/w0-limit-workload.ts'
import { w1Ingest } from '../workloads/w1-ingest-workload.ts'
import { w2EndToEnd } from '../workloads/w2-end-to-end-workload.ts'
import { w3Drain } from '../workloads/w3-drain-workload.ts'
import { w4Burst } from '../workloads/w4-burst-workload.ts'
import { w5Saga } from '../workloads/w5-saga-workload.ts'

export function benchWorkloads(): Workload[] {
  return [
    w0Limit,
    graphileWorkerPeer,
    pgBossPeer,
    n8nPeer,
    w1Ingest,
    w2EndToEnd,
    s1StoreStatements,
    w3Drain,
    w4Burst,
    w5Saga,
  ]
}
