/** @module store-sql/queries/run-replay-query — send dead runs back to the queue. */
import { sql, type Kysely } from 'kysely'
import type { RunReplayParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { compareIds } from '../sql-row-mapper.ts'

/**
 * One statement: the runs become pending and their open dead letters are marked replayed together.
 * Steps are left alone: completed ones stay memoized, so a replay resumes instead of re-running.
 */
export async function runReplay(
  db: Kysely<Database>,
  params: RunReplayParams,
): Promise<{ replayed: string[] }> {
  if (params.runIds !== undefined && params.runIds.length === 0) return { replayed: [] }
  const onlyIds =
    params.runIds === undefined ? sql`true` : sql`id = any(${params.runIds}::bigint[])`
  const result = await sql<{ id: string }>`
    with replayed as (
      update flow_runs
      set state = 'pending',
          attempt = 0,
          next_run_at = ${params.now},
          updated_at = ${params.now},
          completed_at = null,
          lease_owner = null,
          lease_expires_at = null
      where tenant_id = ${params.tenantId} and state = 'dead' and ${onlyIds}
      returning tenant_id, id
    ),
    marked as (
      update dead_letters d
      set replayed_at = ${params.now}
      from replayed
      where d.tenant_id = replayed.tenant_id and d.run_id = replayed.id and d.replayed_at is null
      returning d.id
    )
    select id from replayed
  `.execute(db)
  return { replayed: result.rows.map((row) => String(row.id)).sort(compareIds) }
}
