/** @module store-sql/queries/step-fail-query — record a failed or in-doubt attempt of a step. */
import { sql, type Kysely } from 'kysely'
import type { StepFailParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { heldLease } from './run-lease-query.ts'

/** One statement: the lease check and the update commit together, or nothing is written. */
export async function stepFail(db: Kysely<Database>, params: StepFailParams): Promise<boolean> {
  const result = await sql<{ held: number; updated: number }>`
    with ${heldLease(params)},
    failed as (
      update flow_steps
      set state = ${params.inDoubt ? 'in_doubt' : 'failed'},
          last_error = ${toJsonParam(params.error)}::jsonb,
          finished_at = ${params.now}
      where tenant_id = ${params.tenantId} and run_id = ${params.runId} and name = ${params.name}
        and exists (select 1 from held)
      returning name
    )
    select (select count(*) from held)::int as held, (select count(*) from failed)::int as updated
  `.execute(db)
  const row = result.rows[0]
  if (row === undefined || row.held === 0) return false
  if (row.updated === 0) {
    // The lease is held, so this is a caller bug, not a lost lease: returning false would
    // make the engine abandon a run it still owns.
    throw new Error(`stepFail: step '${params.name}' of run ${params.runId} was never started`)
  }
  return true
}
