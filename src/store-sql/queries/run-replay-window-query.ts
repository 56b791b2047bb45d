/** @module store-sql/queries/run-replay-window-query — replay completed runs, by time window or ids. */
import { sql, type Kysely } from 'kysely'
import {
  isRecordId,
  type RunReplayWindowParams,
  type RunReplayWindowResult,
} from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { compareIds } from '../sql-row-mapper.ts'
import { auditAppend } from './audit-append-query.ts'

/** From this many new runs, the replay refreshes the statistics its foreign-key checks plan by. */
const ANALYZE_BEFORE_REPLAYS = 1_000

interface Selected {
  id: string
  state: string
}

/**
 * Must run inside a transaction: the selection, the new runs and the audit entry commit together.
 *
 * A completed run is never reopened (terminal states do not regress). Without force it is left
 * alone: its effects are applied, and sending them again under the same keys could add nothing.
 * With `new-scope` each completed run gets a new pending run of the same message and business key,
 * in the new scope: it starts with no steps, so every delivery runs afresh with new keys, and its
 * later id queues it behind any unfinished run of the same key.
 */
export async function runReplayWindow(
  trx: Kysely<Database>,
  params: RunReplayWindowParams,
): Promise<RunReplayWindowResult> {
  const selected = await select(trx, params)
  const notFound =
    params.runIds === undefined
      ? []
      : [...new Set(params.runIds)]
          .filter((id) => !selected.some((run) => run.id === id))
          .sort(compareIds)
  const outcome =
    notFound.length > 0 ? 'not_found' : selected.length > params.maxRuns ? 'too_many' : 'ok'
  const completed = outcome === 'ok' ? selected.filter((run) => run.state === 'completed') : []
  const scope = params.force === undefined ? null : (params.scope ?? null)
  if (params.force !== undefined && scope === null) {
    throw new RangeError('a forced replay needs the new scope')
  }
  const replays =
    scope === null || completed.length === 0
      ? []
      : await insertReplays(
          trx,
          params,
          scope,
          completed.map((run) => run.id),
        )
  const result: Omit<RunReplayWindowResult, 'auditId'> = {
    outcome,
    matched: outcome === 'too_many' ? 0 : selected.length,
    replays,
    alreadyApplied: scope === null ? completed.length : 0,
    notCompleted: outcome === 'ok' ? selected.length - completed.length : 0,
    notFound,
    scope: outcome === 'ok' ? scope : null,
  }
  const auditId = await auditAppend(trx, {
    tenantId: params.tenantId,
    at: params.now,
    actor: params.audit.actor,
    interactionId: params.audit.interactionId,
    action: params.force === undefined ? 'replay' : `replay.force-${params.force}`,
    subject: {
      ...(params.window === undefined ? {} : { from: params.window.from, to: params.window.to }),
      ...(params.runIds === undefined ? {} : { runIds: params.runIds }),
      ...(params.flowName === undefined ? {} : { flowName: params.flowName }),
    },
    outcome,
    details: {
      matched: result.matched,
      replayed: replays.length,
      alreadyApplied: result.alreadyApplied,
      notCompleted: result.notCompleted,
      notFound: notFound.length,
      scope: result.scope,
    },
  })
  return { ...result, auditId }
}

/** At most maxRuns + 1 rows, so an oversized window is detected without reading all of it. */
async function select(trx: Kysely<Database>, params: RunReplayWindowParams): Promise<Selected[]> {
  // An id that is not a record id names no run of any tenant; it stays in the not-found list.
  const runIds = params.runIds?.filter(isRecordId)
  if (runIds !== undefined && runIds.length === 0) return []
  const byIds = runIds === undefined ? sql`true` : sql`id = any(${runIds}::bigint[])`
  const byWindow =
    params.window === undefined
      ? sql`true`
      : sql`created_at >= ${params.window.from} and created_at < ${params.window.to}`
  const byFlow = params.flowName === undefined ? sql`true` : sql`flow_name = ${params.flowName}`
  const rows = await sql<{ id: string; state: string }>`
    select id, state from flow_runs
    where tenant_id = ${params.tenantId} and ${byIds} and ${byWindow} and ${byFlow}
    order by id
    limit ${params.maxRuns + 1}
  `.execute(trx)
  return rows.rows.map((row) => ({ id: String(row.id), state: row.state }))
}

async function insertReplays(
  trx: Kysely<Database>,
  params: RunReplayWindowParams,
  scope: string,
  runIds: string[],
): Promise<RunReplayWindowResult['replays']> {
  // Each new run is checked against two foreign keys (its message, the run it replays), by plans
  // PostgreSQL caches per session from the statistics it has. Without statistics (autovacuum
  // off, or a table that grew since) a check can walk every index entry of the tenant: 10,000
  // checks then ran past the 30 s statement timeout. Fresh statistics make those plans re-plan.
  if (runIds.length >= ANALYZE_BEFORE_REPLAYS) {
    await sql`analyze flow_runs, inbox_messages`.execute(trx)
  }
  const rows = await sql<{ id: string; replay_of: string }>`
    insert into flow_runs (
      tenant_id, flow_name, business_key, state, attempt, next_run_at, inbox_id,
      created_at, updated_at, replay_scope, replay_of
    )
    select tenant_id, flow_name, business_key, 'pending', 0, ${params.now}, inbox_id,
           ${params.now}, ${params.now}, ${scope}, id
    from flow_runs
    where tenant_id = ${params.tenantId} and id = any(${runIds}::bigint[])
    order by id
    returning id, replay_of
  `.execute(trx)
  return rows.rows
    .map((row) => ({ runId: String(row.replay_of), replayRunId: String(row.id) }))
    .sort((a, b) => compareIds(a.runId, b.runId))
}
