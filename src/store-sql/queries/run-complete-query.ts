/** @module store-sql/queries/run-complete-query — finish runs the caller still holds (completed or compensated). */
import { sql, type Kysely } from 'kysely'
import type { RunCompleteParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { batchCompletionsCte } from './step-completions-cte.ts'

/**
 * Finishes every run of `batch` in one statement (group commit across runs): each run's update is
 * its own fence, so a run whose lease moved on is left as it is, with its carried completions
 * unwritten, while the others finish. Answers, in the batch's order, whether each run was held.
 */
export async function runCompleteBatch(
  db: Kysely<Database>,
  batch: readonly RunCompleteParams[],
): Promise<boolean[]> {
  if (batch.length === 0) return []
  const column = <T>(pick: (p: RunCompleteParams) => T): T[] => batch.map(pick)
  // The update is the fence: it matches only while the caller holds the lease, and the carried
  // completions select from what it returned, so they are written with the run's end or not at
  // all. lease_version is kept: it only ever grows, so a stale holder can never match it again.
  // `ord` ties each returned run to its own input row, and so to its own completions. A
  // compensated run keeps the failure it was compensated for; a completed one keeps whatever
  // error an earlier attempt left, as it always has.
  const result = await sql<{ ord: number }>`
    with input as (
      select * from unnest(
        ${column((p) => p.tenantId)}::text[], ${column((p) => p.runId)}::bigint[],
        ${column((p) => String(p.leaseVersion))}::bigint[],
        ${column((p) => (p.compensated === undefined ? 'completed' : 'compensated'))}::text[],
        ${column((p) => toJsonParam(p.output))}::text[],
        ${column((p) => (p.compensated === undefined ? null : toJsonParam(p.compensated.error)))}::text[],
        ${column((p) => String(p.now))}::bigint[]
      ) with ordinality as i(tenant_id, id, lease_version, state, output, error, now, ord)
    ),
    held as (
      update flow_runs r
      set state = i.state,
          output = i.output::jsonb,
          last_error = case when i.state = 'compensated' then i.error::jsonb else r.last_error end,
          completed_at = i.now,
          updated_at = i.now,
          lease_owner = null,
          lease_expires_at = null
      from input i
      where r.tenant_id = i.tenant_id and r.id = i.id
        and r.state = 'running' and r.lease_version = i.lease_version
      returning r.id, (i.ord - 1)::int as ord
    ),
    ${batchCompletionsCte(batch.map((p) => ({ tenantId: p.tenantId, now: p.now, completions: p.carried ?? [] })))}
    select ord from held
  `.execute(db)
  const held = new Set(result.rows.map((row) => Number(row.ord)))
  return batch.map((_, ord) => held.has(ord))
}
