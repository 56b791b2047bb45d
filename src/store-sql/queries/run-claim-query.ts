/** @module store-sql/queries/run-claim-query — batch claim of due runs, one business key at a time. */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { ClaimedRun, RunClaimParams } from '../../store/store-contract.ts'
import type { Database, FlowRunRow } from '../database-schema.ts'
import { compareIds, mapRun } from '../sql-row-mapper.ts'
import { inboxMessagesById, stepsOfRuns } from './run-steps-query.ts'

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
      select r.tenant_id, r.id, r.next_run_at
      from flow_runs r
      where r.tenant_id = ${tenantId}
        and ${state}
        and ${dueBy} <= ${now}
        and r.flow_name = any(${params.flowNames}::text[])
        ${keyFree}
      order by ${dueBy}, r.id
      limit ${params.limit}
      for no key update of r skip locked`
  const claimed = await sql<FlowRunRow>`
    with due as (${scan(sql`r.state in ('pending', 'retrying')`, sql`r.next_run_at`)}),
    expired as (${scan(sql`r.state = 'running'`, sql`r.lease_expires_at`)}),
    woken as (${scan(sql`r.state = 'waiting'`, sql`r.next_run_at`)}),
    candidates as (
      select tenant_id, id from (
        select * from due union all select * from expired union all select * from woken
      ) c
      order by next_run_at, id
      limit ${params.limit}
    )
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
    returning f.*
  `.execute(db)

  const rows = claimed.rows
  if (rows.length === 0) return []
  const runIds = rows.map((row) => String(row.id))
  const [steps, messages] = await Promise.all([
    stepsOfRuns(db, tenantId, runIds),
    inboxMessagesById(
      db,
      tenantId,
      rows.map((row) => String(row.inbox_id)),
    ),
  ])

  const runs = rows.map((row): ClaimedRun => {
    const run = mapRun(row)
    const message = messages.get(run.inboxId)
    if (message === undefined) {
      throw new Error(`run ${run.id} references inbox message ${run.inboxId}, which is missing`)
    }
    return {
      ...run,
      leaseVersion: Number(row.lease_version),
      message,
      steps: steps.get(run.id) ?? [],
    }
  })
  // UPDATE ... RETURNING promises no order; callers get the claim order.
  return runs.sort((a, b) => a.nextRunAt - b.nextRunAt || compareIds(a.id, b.id))
}
