/** @module store-sql/queries/run-complete-query — finish a run the caller still holds (completed or compensated). */
import { sql, type Kysely } from 'kysely'
import type { RunCompleteParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { stepCompletionsCte } from './step-completions-cte.ts'

export async function runComplete(
  db: Kysely<Database>,
  params: RunCompleteParams,
): Promise<boolean> {
  const compensated = params.compensated
  // A compensated run keeps the failure it was compensated for; a completed one keeps whatever
  // error an earlier attempt left, as it always has.
  const lastError =
    compensated === undefined ? sql`last_error` : sql`${toJsonParam(compensated.error)}::jsonb`
  // The update is the fence: it matches only while the caller holds the lease, and the carried
  // completions select from what it returned, so they are written with the run's end or not at
  // all. lease_version is kept: it only ever grows, so a stale holder can never match it again.
  const result = await sql<{ id: string }>`
    with held as (
      update flow_runs
      set state = ${compensated === undefined ? 'completed' : 'compensated'},
          output = ${toJsonParam(params.output)}::jsonb,
          last_error = ${lastError},
          completed_at = ${params.now},
          updated_at = ${params.now},
          lease_owner = null,
          lease_expires_at = null
      where tenant_id = ${params.tenantId} and id = ${params.runId}
        and state = 'running' and lease_version = ${params.leaseVersion}
      returning id
    ),
    ${stepCompletionsCte(params.tenantId, params.now, params.carried ?? [])}
    select id from held
  `.execute(db)
  return result.rows.length > 0
}
