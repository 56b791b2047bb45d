/** @module store-sql/queries/run-claim-query — batch claim of due runs, one business key at a time. */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { ClaimedRun, RunClaimParams } from '../../store/store-contract.ts'
import type { Database, FlowRunRow, FlowStepRow, InboxMessageRow } from '../database-schema.ts'
import { compareIds, mapInboxMessage, mapRun, mapStep } from '../sql-row-mapper.ts'
import { stepsOfRuns } from './run-steps-query.ts'

/**
 * Claims up to `limit` runs in one statement.
 *
 * A run is claimable when it is due (pending/retrying with next_run_at <= now) or abandoned
 * (running with an expired lease), and its business key is free:
 * - no earlier run of the key is unfinished, so a key's runs go in arrival order; and
 * - no other run of the key holds a live lease. Arrival order alone would not cover a replayed
 *   dead run, which is older than a later run of the same key that may be running right now.
 *
 * SKIP LOCKED lets concurrent claimers pass over each other's rows instead of queueing; a skipped
 * row stays visible as unfinished in the checks above, so it still blocks its key's later runs.
 *
 * A `waiting` run is due at its deadline or once a signal moved its `next_run_at` to now.
 *
 * Due runs, expired leases and woken waits are found apart, each by its own partial index in claim order, so
 * the scan stops after `limit` claimable rows however long the backlog is (100,000 queued orders
 * cost what 100 do), then merged in next_run_at order.
 *
 * `offset 0` keeps each key check a subplan run per candidate with its business key bound, an
 * index probe of flow_runs_active_key_idx whatever the statistics say. Without it PostgreSQL
 * turns the checks into anti-joins, and on a table it believes tiny (new, or its statistics reset
 * by a crash restart) it probes by tenant only and filters by key: quadratic in the backlog. Tier-2
 * campaign test 5 found it: 5,000 runs queued behind a PostgreSQL restart took 12 s per claim,
 * and the worker delivered 15 orders per lease period.
 */
export async function runClaim(
  db: Kysely<Database>,
  params: RunClaimParams,
): Promise<ClaimedRun[]> {
  if (params.limit <= 0 || params.flowNames.length === 0) return []
  const { tenantId, now } = params
  const keyFree = sql`
        and not exists (
          select 1 from flow_runs earlier
          where earlier.tenant_id = r.tenant_id
            and earlier.business_key = r.business_key
            and earlier.id < r.id
            and earlier.state in ('pending', 'running', 'retrying')
          offset 0
        )
        and not exists (
          select 1 from flow_runs holder
          where holder.tenant_id = r.tenant_id
            and holder.business_key = r.business_key
            and holder.id <> r.id
            and holder.state = 'running'
            and holder.lease_expires_at > ${now}
          offset 0
        )`
  // One scan per partial index (flow_runs_due_idx, _lease_expiry_idx, _waiting_idx): the state
  // predicate must match the index's, and the scan is ordered by the column it is due by.
  const scan = (state: RawBuilder<unknown>, dueBy: RawBuilder<unknown>): RawBuilder<unknown> => sql`
      select r.tenant_id, r.id, r.next_run_at, r.state as was
      from flow_runs r
      where r.tenant_id = ${tenantId}
        and ${state}
        and ${dueBy} <= ${now}
        and r.flow_name = any(${params.flowNames}::text[])
        ${keyFree}
      order by ${dueBy}, r.id
      limit ${params.limit}
      for no key update of r skip locked`
  // The claim hands over each run's inbox message and memoized steps in the same statement (one
  // round trip per claim, not three). The steps are read in the statement's snapshot, which is
  // final only for runs nobody else could be writing: a due run has no holder. A run taken over
  // from an expired lease (its holder may have committed a step between this statement's snapshot
  // and its row lock) or woken from a wait has its steps read again once the claim committed.
  const claimed = await sql<ClaimRow>`
    with due as (${scan(sql`r.state in ('pending', 'retrying')`, sql`r.next_run_at`)}),
    expired as (${scan(sql`r.state = 'running'`, sql`r.lease_expires_at`)}),
    woken as (${scan(sql`r.state = 'waiting'`, sql`r.next_run_at`)}),
    candidates as (
      select tenant_id, id, was from (
        select * from due union all select * from expired union all select * from woken
      ) c
      order by next_run_at, id
      limit ${params.limit}
    ),
    claimed as (
      update flow_runs f
      set state = 'running',
          -- Re-claiming an expired lease means the last holder died mid-run: that counts as an
          -- attempt, so a message that crashes every worker ends in the dead-letter queue.
          attempt = case when f.state = 'running' then f.attempt + 1 else f.attempt end,
          lease_owner = ${params.workerId},
          lease_version = f.lease_version + 1,
          lease_expires_at = ${now + params.leaseMs},
          updated_at = ${now}
      from candidates c
      where f.tenant_id = c.tenant_id and f.id = c.id
      returning f.*, c.was
    )
    select r.*,
           m.id as message_id, m.source_system as message_source_system,
           m.source_message_id as message_source_message_id, m.connection as message_connection,
           m.topic as message_topic, m.payload as message_payload, m.headers as message_headers,
           m.received_at as message_received_at, m.triggered_at as message_triggered_at,
           (select json_agg(s order by s.started_at nulls last, s.name) from flow_steps s
            where s.tenant_id = r.tenant_id and s.run_id = r.id) as steps
    from claimed r
    left join inbox_messages m on m.tenant_id = r.tenant_id and m.id = r.inbox_id
  `.execute(db)

  const rows = claimed.rows
  if (rows.length === 0) return []
  // Due runs had no holder, so the statement's own read of their steps is final.
  const readInClaim = (row: ClaimRow): boolean => row.was === 'pending' || row.was === 'retrying'
  const reread = rows.filter((row) => !readInClaim(row))
  const fresh = await stepsOfRuns(
    db,
    tenantId,
    reread.map((row) => String(row.id)),
  )

  const runs = rows.map((row): ClaimedRun => {
    const run = mapRun(row)
    if (row.message_id === null) {
      throw new Error(`run ${run.id} references inbox message ${run.inboxId}, which is missing`)
    }
    const message = mapInboxMessage({
      tenant_id: row.tenant_id,
      id: row.message_id,
      source_system: row.message_source_system,
      source_message_id: row.message_source_message_id,
      connection: row.message_connection,
      topic: row.message_topic,
      payload: row.message_payload,
      headers: row.message_headers,
      received_at: row.message_received_at,
      triggered_at: row.message_triggered_at,
    })
    const steps = readInClaim(row) ? (row.steps ?? []).map(mapStep) : (fresh.get(run.id) ?? [])
    return { ...run, leaseVersion: Number(row.lease_version), message, steps }
  })
  // UPDATE ... RETURNING promises no order; callers get the claim order.
  return runs.sort((a, b) => a.nextRunAt - b.nextRunAt || compareIds(a.id, b.id))
}

/** A claimed run's row, with what it was before the claim, its inbox message and its steps. */
type ClaimRow = FlowRunRow & {
  was: string
  message_id: string | null
  message_source_system: string
  message_source_message_id: string
  message_connection: string
  message_topic: string
  message_payload: string
  message_headers: InboxMessageRow['headers']
  message_received_at: InboxMessageRow['received_at']
  message_triggered_at: InboxMessageRow['triggered_at']
  /** `json_agg` of the run's flow_steps rows: bigints arrive as JSON numbers. */
  steps: FlowStepRow[] | null
}
