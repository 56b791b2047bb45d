/** @module store-sql/queries/step-fail-query — record a failed or in-doubt attempt of a step. */
import { sql, type Kysely } from 'kysely'
import type { StepFailParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { runLeaseHeld } from './run-lease-query.ts'

/** Must run inside a transaction (the lease check holds its lock until the update commits). */
export async function stepFail(trx: Kysely<Database>, params: StepFailParams): Promise<boolean> {
  if (!(await runLeaseHeld(trx, params))) return false
  const result = await sql<{ name: string }>`
    update flow_steps
    set state = ${params.inDoubt ? 'in_doubt' : 'failed'},
        last_error = ${toJsonParam(params.error)}::jsonb,
        finished_at = ${params.now}
    where tenant_id = ${params.tenantId} and run_id = ${params.runId} and name = ${params.name}
    returning name
  `.execute(trx)
  if (result.rows.length === 0) {
    // The lease is held, so this is a caller bug, not a lost lease: returning false would
    // make the engine abandon a run it still owns.
    throw new Error(`stepFail: step '${params.name}' of run ${params.runId} was never started`)
  }
  return true
}
