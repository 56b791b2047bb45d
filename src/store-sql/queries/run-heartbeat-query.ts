/** @module store-sql/queries/run-heartbeat-query — extend the lease of a run the caller still holds. */
import { sql, type Kysely } from 'kysely'
import type { RunHeartbeatParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

export async function runHeartbeat(
  db: Kysely<Database>,
  params: RunHeartbeatParams,
): Promise<boolean> {
  const result = await sql<{ id: string }>`
    update flow_runs
    set lease_expires_at = ${params.now + params.leaseMs}, updated_at = ${params.now}
    where tenant_id = ${params.tenantId} and id = ${params.runId}
      and state = 'running' and lease_version = ${params.leaseVersion}
    returning id
  `.execute(db)
  return result.rows.length > 0
}
