/** @module store-sql/queries/run-lease-query — the fence for writes that belong to a claimed run. */
import { sql, type RawBuilder } from 'kysely'
import type { LeaseParams } from '../../store/store-contract.ts'

/**
 * A CTE named `held`: the run's row when the caller still holds its lease, none otherwise. The
 * writes of the same statement select from it, so they happen only under the lease, and the row
 * stays share-locked until the statement commits: a concurrent claim (FOR UPDATE SKIP LOCKED)
 * cannot take the run over between the check and the writes, and a lease moved on meanwhile is
 * re-checked after the wait (READ COMMITTED re-evaluates the locked row).
 */
export function heldLease(params: LeaseParams): RawBuilder<unknown> {
  return sql`held as (
    select id from flow_runs
    where tenant_id = ${params.tenantId} and id = ${params.runId}
      and state = 'running' and lease_version = ${params.leaseVersion}
    for share
  )`
}
