/** @module store-sql/queries/reconciliation-break-query — reconciliation breaks: record a run's, move one along its lifecycle, list them. */
import { sql, type Kysely } from 'kysely'
import {
  BREAK_CLASSES,
  BREAK_STATES,
  type JsonValue,
  type ReconciliationBreak,
  type ReconciliationBreakAddParams,
  type ReconciliationBreakListParams,
  type ReconciliationBreakMoveParams,
} from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toMillis, toNullableMillis } from '../sql-row-mapper.ts'

interface BreakRow {
  id: string
  run_id: string
  domain: string
  target: string
  entity_key: string
  break_class: string
  cause: string
  source_value: JsonValue
  target_value: JsonValue
  diff: number | string | null
  state: string
  assignee: string | null
  heal_ref: string | null
  note: string | null
  opened_at: string
  updated_at: string
  closed_at: string | null
}

const COLUMNS = sql`id::text as id, run_id::text as run_id, domain, target, entity_key,
  break_class, cause, source_value, target_value, diff, state, assignee, heal_ref, note,
  opened_at::text as opened_at, updated_at::text as updated_at, closed_at::text as closed_at`

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string): T {
  const found = allowed.find((a) => a === value)
  if (found === undefined) throw new Error(`unexpected ${column} '${value}' in the database`)
  return found
}

function mapBreak(row: BreakRow): ReconciliationBreak {
  return {
    id: row.id,
    runId: row.run_id,
    domain: row.domain,
    target: row.target,
    entityKey: row.entity_key,
    breakClass: oneOf(BREAK_CLASSES, row.break_class, 'break_class'),
    cause: row.cause,
    sourceValue: row.source_value,
    targetValue: row.target_value,
    diff: row.diff === null ? null : Number(row.diff),
    state: oneOf(BREAK_STATES, row.state, 'state'),
    assignee: row.assignee,
    healRef: row.heal_ref,
    note: row.note,
    openedAt: toMillis(row.opened_at),
    updatedAt: toMillis(row.updated_at),
    closedAt: toNullableMillis(row.closed_at),
  }
}

/** All of a run's breaks in one statement; a repeat for the same (run, key) keeps the first. */
export async function reconciliationBreakAdd(
  db: Kysely<Database>,
  params: ReconciliationBreakAddParams,
): Promise<ReconciliationBreak[]> {
  if (params.breaks.length > 0) {
    const rows = params.breaks.map((b) => ({
      entity_key: b.entityKey,
      break_class: b.breakClass,
      cause: b.cause,
      source_value: b.sourceValue,
      target_value: b.targetValue,
      diff: b.diff,
    }))
    await sql`
      insert into reconciliation_breaks (
        tenant_id, run_id, domain, target, entity_key, break_class, cause, source_value,
        target_value, diff, state, opened_at, updated_at
      )
      select r.tenant_id, r.id, r.domain, r.target, b.entity_key, b.break_class, b.cause,
             b.source_value, b.target_value, b.diff, 'open', ${params.now}::bigint,
             ${params.now}::bigint
      from reconciliation_runs r,
           jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as b(
             entity_key text, break_class text, cause text, source_value jsonb,
             target_value jsonb, diff double precision)
      where r.tenant_id = ${params.tenantId} and r.id = ${params.runId}::bigint
      on conflict (tenant_id, run_id, entity_key) do nothing
    `.execute(db)
  }
  const result = await sql<BreakRow>`
    select ${COLUMNS} from reconciliation_breaks
    where tenant_id = ${params.tenantId} and run_id = ${params.runId}::bigint
    order by id
  `.execute(db)
  return result.rows.map(mapBreak)
}

/** The caller has checked the move against BREAK_TRANSITIONS; `state = from` fences a race. */
export async function reconciliationBreakMove(
  db: Kysely<Database>,
  params: ReconciliationBreakMoveParams,
): Promise<ReconciliationBreak | null> {
  const final = params.to === 'healed' || params.to === 'closed'
  const result = await sql<BreakRow>`
    update reconciliation_breaks
    set state = ${params.to}, updated_at = ${params.now}::bigint,
        assignee = coalesce(${params.assignee ?? null}::text, assignee),
        heal_ref = coalesce(${params.healRef ?? null}::text, heal_ref),
        note = coalesce(${params.note ?? null}::text, note),
        closed_at = ${final ? sql`${params.now}::bigint` : sql`closed_at`}
    where tenant_id = ${params.tenantId} and id = ${params.breakId}::bigint
      and state = ${params.from}
    returning ${COLUMNS}
  `.execute(db)
  const row = result.rows[0]
  return row === undefined ? null : mapBreak(row)
}

export async function reconciliationBreakList(
  db: Kysely<Database>,
  params: ReconciliationBreakListParams,
): Promise<ReconciliationBreak[]> {
  const result = await sql<BreakRow>`
    select ${COLUMNS} from reconciliation_breaks
    where tenant_id = ${params.tenantId}
      ${params.runId === undefined ? sql`` : sql`and run_id = ${params.runId}::bigint`}
      ${params.state === undefined ? sql`` : sql`and state = ${params.state}`}
      ${params.beforeId === undefined ? sql`` : sql`and id < ${params.beforeId}::bigint`}
    order by id desc
    limit ${params.limit}
  `.execute(db)
  return result.rows.map(mapBreak)
}
