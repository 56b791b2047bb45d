/** @module store-sql/queries/reconciliation-run-query — reconciliation runs: start one (alone in its domain, if asked), read it, finish it with its stats. */
import { sql, type Kysely } from 'kysely'
import {
  RECONCILIATION_RUN_STATES,
  type JsonValue,
  type ReconciliationRun,
  type ReconciliationRunBeginParams,
  type ReconciliationRunBeginResult,
  type ReconciliationRunFinishParams,
  type ReconciliationRunStartParams,
} from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toMillis, toNullableMillis } from '../sql-row-mapper.ts'

interface RunRow {
  id: string
  domain: string
  source: string
  target: string
  state: string
  started_at: string
  finished_at: string | null
  stats: JsonValue
}

const COLUMNS = sql`id::text as id, domain, source, target, state, started_at::text as started_at,
  finished_at::text as finished_at, stats`

function mapRun(row: RunRow): ReconciliationRun {
  const state = RECONCILIATION_RUN_STATES.find((s) => s === row.state)
  if (state === undefined) throw new Error(`unexpected reconciliation run state '${row.state}'`)
  return {
    id: row.id,
    domain: row.domain,
    source: row.source,
    target: row.target,
    state,
    startedAt: toMillis(row.started_at),
    finishedAt: toNullableMillis(row.finished_at),
    stats: row.stats,
  }
}

export async function reconciliationRunStart(
  db: Kysely<Database>,
  params: ReconciliationRunStartParams,
): Promise<ReconciliationRun> {
  const result = await sql<RunRow>`
    insert into reconciliation_runs (tenant_id, domain, source, target, state, started_at)
    values (${params.tenantId}, ${params.domain}, ${params.source}, ${params.target}, 'running',
            ${params.now}::bigint)
    returning ${COLUMNS}
  `.execute(db)
  const row = result.rows[0]
  if (row === undefined) throw new Error('insert into reconciliation_runs returned no row')
  return mapRun(row)
}

/**
 * Seed of `hashtextextended` for the (tenant, domain) lock, apart from the credential locks'
 * (store-postgres/advisory-credential-lock.ts), which hash other text with their own seed.
 */
const RUN_LOCK_SEED = 0x5245434e

/**
 * In one transaction: a transaction-level advisory lock on (schema, tenant, domain), so two hubs
 * beginning at once queue here; then, in statements that each see what the other committed,
 * abandoned runs are failed, a live one is returned, or the new one is inserted.
 */
export async function reconciliationRunBegin(
  trx: Kysely<Database>,
  params: ReconciliationRunBeginParams & { schema: string | undefined },
): Promise<ReconciliationRunBeginResult> {
  const lockKey = JSON.stringify([params.schema ?? '', params.tenantId, params.domain])
  await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, ${RUN_LOCK_SEED}))`.execute(
    trx,
  )
  const staleBefore = params.now - params.staleAfterMs
  await sql`
    update reconciliation_runs
    set state = 'failed', finished_at = ${params.now}::bigint,
        stats = ${JSON.stringify({ error: `abandoned: still running after ${params.staleAfterMs} ms` })}::jsonb
    where tenant_id = ${params.tenantId} and domain = ${params.domain} and state = 'running'
      and started_at <= ${staleBefore}::bigint
  `.execute(trx)
  const recentAfter = params.now - (params.notWithinMs ?? 0)
  const blocking = await sql<RunRow>`
    select ${COLUMNS} from reconciliation_runs
    where tenant_id = ${params.tenantId} and domain = ${params.domain}
      and (state = 'running' or started_at > ${recentAfter}::bigint)
    order by (state = 'running') desc, id desc limit 1
  `.execute(trx)
  const found = blocking.rows[0]
  if (found !== undefined) {
    const run = mapRun(found)
    return { started: false, reason: run.state === 'running' ? 'running' : 'recent', run }
  }
  return { started: true, run: await reconciliationRunStart(trx, params) }
}

export async function reconciliationRunGet(
  db: Kysely<Database>,
  params: { tenantId: string; runId: string },
): Promise<ReconciliationRun | null> {
  const result = await sql<RunRow>`
    select ${COLUMNS} from reconciliation_runs
    where tenant_id = ${params.tenantId} and id = ${params.runId}::bigint
  `.execute(db)
  const row = result.rows[0]
  return row === undefined ? null : mapRun(row)
}

export async function reconciliationRunFinish(
  db: Kysely<Database>,
  params: ReconciliationRunFinishParams,
): Promise<ReconciliationRun | null> {
  const result = await sql<RunRow>`
    update reconciliation_runs
    set state = ${params.state}, finished_at = ${params.now}::bigint,
        stats = ${JSON.stringify(params.stats)}::jsonb
    where tenant_id = ${params.tenantId} and id = ${params.runId}::bigint and state = 'running'
    returning ${COLUMNS}
  `.execute(db)
  const row = result.rows[0]
  return row === undefined ? null : mapRun(row)
}
