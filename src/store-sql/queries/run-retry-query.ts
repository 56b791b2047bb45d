/** @module store-sql/queries/run-retry-query — put a held run back to wait for its next attempt. */
import { sql, type Kysely } from 'kysely'
import type { RunRetryParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

export async function runRetry(db: Kysely<Database>, params: RunRetryParams): Promise<boolean> {
  const result = await sql<{ id: string }>`
    update flow_runs
    set state = 'retrying',
        next_run_at = ${params.nextRunAt},
        attempt = ${params.attempt},
        last_error = ${toJsonParam(params.error)}::jsonb,
        updated_at = ${params.now},
        lease_owner = null,
        lease_expires_at = null
    where tenant_id = ${params.tenantId} and id = ${params.runId}
      and state = 'running' and lease_version = ${params.leaseVersion}
    returning id
  `.execute(db)
  return result.rows.length > 0
}
