/** @module store-sql/queries/reconciliation-run-query — reconciliation runs: start one, finish it with its stats. */
import { sql, type Kysely } from 'kysely'
import {
  RECONCILIATION_RUN_STATES,
  type JsonValue,
  type ReconciliationRun,
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
