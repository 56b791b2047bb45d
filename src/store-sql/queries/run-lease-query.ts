/** @module store-sql/queries/run-lease-query — the fence for writes that belong to a claimed run. */
import { sql, type Kysely } from 'kysely'
import type { LeaseParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

/**
 * True when the caller still holds the run's lease. Inside a transaction the row stays share-locked
 * until commit, so a concurrent claim (FOR UPDATE SKIP LOCKED) cannot take the run over between
 * this check and the writes that depend on it.
 */
export async function runLeaseHeld(trx: Kysely<Database>, params: LeaseParams): Promise<boolean> {
  const result = await sql<{ id: string }>`
    select id from flow_runs
    where tenant_id = ${params.tenantId} and id = ${params.runId}
      and state = 'running' and lease_version = ${params.leaseVersion}
    for share
  `.execute(trx)
  return result.rows.length > 0
}
