/** @module store-sql/queries/step-complete-query — memoize a step's result and its cross references. */
import { sql, type Kysely } from 'kysely'
import type { StepCompleteParams, StepCompletion } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { heldLease } from './run-lease-query.ts'
import { stepCompletionsCte } from './step-completions-cte.ts'

/**
 * One statement: the step's output (and those of any carried completions), the cross references
 * they produced and the entity versions they applied are written together under the lease, or not
 * at all.
 */
export async function stepComplete(
  db: Kysely<Database>,
  params: StepCompleteParams,
): Promise<boolean> {
  const own: StepCompletion = {
    name: params.name,
    kind: params.kind,
    output: params.output,
    ...(params.crossReferences === undefined ? {} : { crossReferences: params.crossReferences }),
    ...(params.entityVersion === undefined ? {} : { entityVersion: params.entityVersion }),
  }
  const result = await sql<{ name: string }>`
    with ${heldLease(params)},
    ${stepCompletionsCte(params.tenantId, params.now, [...(params.carried ?? []), own])}
    select name from completed
  `.execute(db)
  return result.rows.length > 0
}
