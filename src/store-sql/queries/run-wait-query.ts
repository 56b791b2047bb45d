/** @module store-sql/queries/run-wait-query — suspend a run on a durable timer or a wait for an event. */
import { sql, type Kysely } from 'kysely'
import type {
  JsonValue,
  RunWaitParams,
  RunWaitResult,
  WaitEvent,
} from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { correlationLock } from './event-signal-query.ts'
import { stepCompletionsCte } from './step-completions-cte.ts'

interface RunWaitRow {
  held: boolean
  event_id: string | null
  name: string | null
  payload: JsonValue | null
  received_at: string | null
}

/**
 * In the caller's transaction: the correlation key's lock (so a signal cannot slip between the
 * look for an event and the suspension), then one statement that takes the oldest unconsumed event
 * for the key if there is one and completes the wait step with it, or else records the step
 * `started` and suspends the run (`waiting`, no lease, due at the deadline). Under the lease, with
 * the carried completions, or nothing at all.
 */
export async function runWait(
  trx: Kysely<Database>,
  params: RunWaitParams,
): Promise<RunWaitResult> {
  const { tenantId, now } = params
  if (params.correlationKey !== null) await correlationLock(trx, tenantId, params.correlationKey)
  const waiting = toJsonParam({
    waiting: { correlationKey: params.correlationKey, deadline: params.deadline },
  })
  const result = await sql<RunWaitRow>`
    with held as (
      select id from flow_runs
      where tenant_id = ${tenantId} and id = ${params.runId}
        and state = 'running' and lease_version = ${params.leaseVersion}
      for update
    ),
    ${stepCompletionsCte(tenantId, now, params.carried ?? [])},
    ev as (
      select e.id from run_events e, held
      where e.tenant_id = ${tenantId} and e.correlation_key = ${params.correlationKey}
        and e.consumed_at is null
      order by e.id
      limit 1
    ),
    consumed as (
      update run_events e
      set consumed_at = ${now}::bigint, consumed_by_run = held.id
      from held, ev
      where e.tenant_id = ${tenantId} and e.id = ev.id
      returning e.event_id, e.name, e.payload, e.received_at
    ),
    step as (
      insert into flow_steps (
        tenant_id, run_id, name, kind, state, attempts, output, correlation_key,
        started_at, finished_at
      )
      select ${tenantId}, held.id, ${params.name}, 'wait',
             case when c.event_id is null then 'started' else 'completed' end, 1,
             case when c.event_id is null then ${waiting}::jsonb
                  else jsonb_build_object('event', jsonb_build_object(
                    'eventId', c.event_id, 'name', c.name, 'payload', c.payload,
                    'receivedAt', c.received_at))
             end,
             ${params.correlationKey}, ${now}::bigint,
             case when c.event_id is null then null else ${now}::bigint end
      from held left join consumed c on true
      on conflict (tenant_id, run_id, name) do update
      set kind = 'wait',
          state = excluded.state,
          output = excluded.output,
          correlation_key = excluded.correlation_key,
          finished_at = excluded.finished_at,
          last_error = null
      returning state
    ),
    suspended as (
      update flow_runs r
      set state = 'waiting',
          next_run_at = ${params.deadline}::bigint,
          lease_owner = null,
          lease_expires_at = null,
          updated_at = ${now}::bigint
      from held
      where r.tenant_id = ${tenantId} and r.id = held.id
        and not exists (select 1 from consumed)
      returning r.id
    )
    select exists (select 1 from held) as held, c.event_id, c.name, c.payload,
           c.received_at::text as received_at
    from (select 1) one left join consumed c on true
  `.execute(trx)
  const row = result.rows[0]
  if (row?.held !== true) return { held: false }
  if (row.event_id === null) return { held: true, event: null }
  const event: WaitEvent = {
    eventId: row.event_id,
    name: row.name ?? '',
    payload: row.payload,
    receivedAt: Number(row.received_at),
  }
  return { held: true, event }
}
