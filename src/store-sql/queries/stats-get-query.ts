/** @module store-sql/queries/stats-get-query — the numbers behind the operator dashboard and metrics. */
import { sql, type Kysely } from 'kysely'
import { RUN_STATES, type RunState, type StoreStats } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toNullableMillis } from '../sql-row-mapper.ts'

interface StatsRow {
  runs_by_state: Record<string, number>
  backlog_by_flow: Record<string, number>
  oldest_backlog_at: string | null
  dead_letters: string
  steps_in_doubt: string
  inbox_messages: string
}

/**
 * One round trip. A `waiting` run is not backlog: it waits for an event or a deadline on purpose.
 * A 'started' step counts as in doubt only when no live lease covers it: inside a
 * run that is running right now it is simply in progress, but found on resume its outcome is
 * unknown (see STEP_STATES).
 */
export async function statsGet(
  db: Kysely<Database>,
  params: { tenantId: string; now: number },
): Promise<StoreStats> {
  const { tenantId, now } = params
  const result = await sql<StatsRow>`
    select
      (select coalesce(jsonb_object_agg(s.state, s.n), '{}'::jsonb)
         from (select state, count(*) as n from flow_runs
               where tenant_id = ${tenantId} group by state) s) as runs_by_state,
      (select coalesce(jsonb_object_agg(b.flow_name, b.n), '{}'::jsonb)
         from (select flow_name, count(*) as n from flow_runs
               where tenant_id = ${tenantId} and state in ('pending', 'running', 'retrying')
               group by flow_name) b) as backlog_by_flow,
      (select min(created_at) from flow_runs
        where tenant_id = ${tenantId} and state in ('pending', 'running', 'retrying')
      ) as oldest_backlog_at,
      (select count(*) from dead_letters
        where tenant_id = ${tenantId} and replayed_at is null) as dead_letters,
      (select count(*) from flow_steps st
         join flow_runs r on r.tenant_id = st.tenant_id and r.id = st.run_id
        where st.tenant_id = ${tenantId}
          and r.state in ('pending', 'running', 'retrying')
          and st.kind <> 'wait'
          and (st.state = 'in_doubt'
               or (st.state = 'started'
                   and not (r.state = 'running' and r.lease_expires_at > ${now})))
      ) as steps_in_doubt,
      (select count(*) from inbox_messages where tenant_id = ${tenantId}) as inbox_messages
  `.execute(db)
  const row = result.rows[0]
  if (row === undefined) throw new Error('stats query returned no row')

  const runsByState = Object.fromEntries(RUN_STATES.map((state) => [state, 0])) as Record<
    RunState,
    number
  >
  for (const [state, count] of Object.entries(row.runs_by_state)) {
    if ((RUN_STATES as readonly string[]).includes(state)) runsByState[state as RunState] = count
  }
  const oldest = toNullableMillis(row.oldest_backlog_at)
  return {
    runsByState,
    backlogByFlow: { ...row.backlog_by_flow },
    oldestBacklogAgeMs: oldest === null ? 0 : Math.max(0, now - oldest),
    deadLetters: Number(row.dead_letters),
    stepsInDoubt: Number(row.steps_in_doubt),
    inboxMessages: Number(row.inbox_messages),
  }
}
