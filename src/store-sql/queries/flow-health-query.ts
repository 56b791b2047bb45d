/** @module store-sql/queries/flow-health-query — per-flow run health for the alert rules, in one round trip. */
import { sql, type Kysely } from 'kysely'
import type { FlowHealth, FlowHealthParams } from '../../store/flow-health-params.ts'
import type { Database } from '../database-schema.ts'
import { toNullableMillis } from '../sql-row-mapper.ts'

interface FlowHealthRow {
  flow_name: string
  dead_runs: string
  oldest_unprocessed_at: string | null
  finished: string
  failed: string
}

/**
 * Runs every few seconds in every hub process, so each part reads an index rather than the whole
 * run table: dead runs through their open dead letters (a replay closes the letter), the backlog
 * through the partial index of unfinished runs, completions in the window through
 * `flow_runs_completed_idx` (0010). A dead run's finish is its `updated_at` (when it died; it has
 * no `completed_at`). A compensated run is not a failure: the saga ended it on purpose.
 */
export async function flowHealth(
  db: Kysely<Database>,
  params: FlowHealthParams,
): Promise<FlowHealth[]> {
  const { tenantId, now } = params
  const since = now - params.windowMs
  const result = await sql<FlowHealthRow>`
    with dead as (
      select r.flow_name,
             count(*) as dead_runs,
             count(*) filter (where r.updated_at between ${since} and ${now}) as failed
        from dead_letters d
        join flow_runs r on r.tenant_id = d.tenant_id and r.id = d.run_id
       where d.tenant_id = ${tenantId} and d.replayed_at is null and r.state = 'dead'
       group by r.flow_name
    ), backlog as (
      select flow_name, min(created_at) as oldest_unprocessed_at
        from flow_runs
       where tenant_id = ${tenantId} and state in ('pending', 'running', 'retrying')
       group by flow_name
    ), done as (
      select flow_name, count(*) as completed
        from flow_runs
       where tenant_id = ${tenantId}
         and completed_at between ${since} and ${now}
         and state in ('completed', 'compensated')
       group by flow_name
    )
    select coalesce(dead.flow_name, backlog.flow_name, done.flow_name) as flow_name,
           coalesce(dead.dead_runs, 0) as dead_runs,
           backlog.oldest_unprocessed_at,
           coalesce(done.completed, 0) + coalesce(dead.failed, 0) as finished,
           coalesce(dead.failed, 0) as failed
      from dead
      full join backlog on backlog.flow_name = dead.flow_name
      full join done on done.flow_name = coalesce(dead.flow_name, backlog.flow_name)
     order by 1
  `.execute(db)
  return result.rows.map((row) => ({
    flowName: row.flow_name,
    deadRuns: Number(row.dead_runs),
    oldestUnprocessedAt: toNullableMillis(row.oldest_unprocessed_at),
    finished: Number(row.finished),
    failed: Number(row.failed),
  }))
}
