/** @module store-sql/queries/event-signal-query — an event wakes the runs waiting for it. */
import { sql, type Kysely } from 'kysely'
import type { EventSignalParams, EventSignalResult } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

/**
 * Serializes waits and signals of one correlation key for the rest of the caller's transaction.
 * Without it a run could look for the event, find none and suspend while the event, looking for
 * waiting runs, finds the run still running: the event kept for later, the run asleep until its
 * deadline. The statement after the lock sees everything committed before it was granted.
 * Tenant ids contain no ':' (hub config), so `<tenant>:<key>` names one key of one tenant.
 */
export async function correlationLock(
  trx: Kysely<Database>,
  tenantId: string,
  correlationKey: string,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:${correlationKey}`}, 7))`.execute(
    trx,
  )
}

/**
 * In the caller's transaction, after the key's lock: records the event (a known event id is a
 * duplicate and does nothing), completes the open waits of runs that are `waiting` with it, moves
 * those runs' `next_run_at` to now, and marks the event consumed if any wait took it.
 */
export async function eventSignal(
  trx: Kysely<Database>,
  params: EventSignalParams,
): Promise<EventSignalResult> {
  const { tenantId, now } = params
  await correlationLock(trx, tenantId, params.correlationKey)
  const recorded = toJsonParam({
    event: {
      eventId: params.eventId,
      name: params.name,
      payload: params.payload,
      receivedAt: now,
    },
  })
  const result = await sql<{ inserted: boolean; woke: string[] }>`
    with fresh as (
      select not exists (
        select 1 from run_events where tenant_id = ${tenantId} and event_id = ${params.eventId}
      ) as yes
    ),
    waiters as (
      select s.run_id, s.name
      from flow_steps s
      join flow_runs r on r.tenant_id = s.tenant_id and r.id = s.run_id
      where s.tenant_id = ${tenantId} and s.kind = 'wait' and s.state = 'started'
        and s.correlation_key = ${params.correlationKey}
        and r.state = 'waiting'
        and (select yes from fresh)
      for no key update of s, r
    ),
    done as (
      update flow_steps s
      set state = 'completed', output = ${recorded}::jsonb, finished_at = ${now}::bigint
      from waiters w
      where s.tenant_id = ${tenantId} and s.run_id = w.run_id and s.name = w.name
      returning s.run_id
    ),
    woke as (
      update flow_runs r
      set next_run_at = ${now}::bigint, updated_at = ${now}::bigint
      from done d
      where r.tenant_id = ${tenantId} and r.id = d.run_id
      returning r.id
    ),
    ins as (
      insert into run_events (
        tenant_id, event_id, correlation_key, name, payload, received_at,
        consumed_at, consumed_by_run
      )
      select ${tenantId}, ${params.eventId}, ${params.correlationKey}, ${params.name},
             ${JSON.stringify(params.payload)}::jsonb, ${now}::bigint,
             case when exists (select 1 from done) then ${now}::bigint end,
             (select min(run_id) from done)
      where (select yes from fresh)
      on conflict (tenant_id, event_id) do nothing
      returning id
    )
    select exists (select 1 from ins) as inserted,
           array(select id::text from woke order by id) as woke
  `.execute(trx)
  const row = result.rows[0]
  return { duplicate: row?.inserted !== true, woke: row?.woke ?? [] }
}
