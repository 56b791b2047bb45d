/** @module store-sql/queries/approval-task-query — human approval tasks opened by runs. */
import { sql, type Kysely } from 'kysely'
import {
  APPROVAL_STATES,
  approvalCorrelationKey,
  type ApprovalDecideParams,
  type ApprovalDecideResult,
  type ApprovalEscalateParams,
  type ApprovalListParams,
  type ApprovalOpenParams,
  type ApprovalState,
  type ApprovalTask,
  type JsonValue,
  type LeaseParams,
} from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toNullableMillis } from '../sql-row-mapper.ts'
import { auditAppend } from './audit-append-query.ts'
import { eventSignal } from './event-signal-query.ts'
import { heldLease } from './run-lease-query.ts'

interface ApprovalRow {
  id: string
  run_id: string
  step_name: string
  title: string
  subject: JsonValue
  assignee: string
  state: string
  escalations: number
  created_at: string
  due_at: string
  decided_at: string | null
  decided_by: string | null
  reason: string | null
}

const COLUMNS = sql`id::text as id, run_id::text as run_id, step_name, title, subject, assignee,
  state, escalations, created_at::text as created_at, due_at::text as due_at,
  decided_at::text as decided_at, decided_by, reason`

export async function approvalOpen(
  db: Kysely<Database>,
  params: ApprovalOpenParams,
): Promise<{ held: boolean; task: ApprovalTask | null }> {
  // `do update` (a no-op write) rather than `do nothing`, so the existing row is returned too.
  const result = await sql<ApprovalRow>`
    with ${heldLease(params)}
    insert into approval_tasks (
      tenant_id, run_id, step_name, title, subject, assignee, state, created_at, due_at
    )
    select ${params.tenantId}, held.id, ${params.step}, ${params.title},
           ${JSON.stringify(params.subject)}::jsonb, ${params.assignee}, 'open',
           ${params.now}::bigint, ${params.dueAt}::bigint
    from held
    on conflict (tenant_id, run_id, step_name) do update set step_name = excluded.step_name
    returning ${COLUMNS}
  `.execute(db)
  const row = result.rows[0]
  return row === undefined ? { held: false, task: null } : { held: true, task: mapTask(row) }
}

export async function approvalEscalate(
  db: Kysely<Database>,
  params: ApprovalEscalateParams,
): Promise<boolean> {
  const result = await sql<{ id: string }>`
    with ${heldLease(params)}
    update approval_tasks t
    set assignee = ${params.assignee}, due_at = ${params.dueAt}::bigint,
        escalations = ${params.escalation}
    from held
    where t.tenant_id = ${params.tenantId} and t.id = ${params.taskId}
      and t.run_id = held.id and t.state = 'open' and t.escalations < ${params.escalation}
    returning t.id
  `.execute(db)
  return result.rows.length > 0
}

export async function approvalExpire(
  db: Kysely<Database>,
  params: LeaseParams & { taskId: string },
): Promise<boolean> {
  const result = await sql<{ id: string }>`
    with ${heldLease(params)}
    update approval_tasks t
    set state = 'expired', decided_at = ${params.now}::bigint
    from held
    where t.tenant_id = ${params.tenantId} and t.id = ${params.taskId}
      and t.run_id = held.id and t.state = 'open'
    returning t.id
  `.execute(db)
  return result.rows.length > 0
}

export async function approvalList(
  db: Kysely<Database>,
  params: ApprovalListParams,
): Promise<ApprovalTask[]> {
  const result = await sql<ApprovalRow>`
    select ${COLUMNS} from approval_tasks
    where tenant_id = ${params.tenantId}
      ${params.state === undefined ? sql`` : sql`and state = ${params.state}`}
      ${params.assignee === undefined ? sql`` : sql`and assignee = ${params.assignee}`}
      ${params.beforeId === undefined ? sql`` : sql`and id < ${params.beforeId}::bigint`}
    order by id desc
    limit ${params.limit}
  `.execute(db)
  return result.rows.map(mapTask)
}

/**
 * In the caller's transaction: the decision lands only on an open task; then the run's wait is
 * signalled (event id `approval:<id>`, so the decision is one event however often it is sent) and
 * the decision audited, all or nothing.
 */
export async function approvalDecide(
  trx: Kysely<Database>,
  params: ApprovalDecideParams,
): Promise<ApprovalDecideResult> {
  const decided = await sql<ApprovalRow>`
    update approval_tasks
    set state = ${params.decision}, decided_at = ${params.now}::bigint,
        decided_by = ${params.by}, reason = ${params.reason}
    where tenant_id = ${params.tenantId} and id = ${params.taskId}::bigint and state = 'open'
    returning ${COLUMNS}
  `.execute(trx)
  const row = decided.rows[0]
  if (row === undefined) {
    const current = await sql<ApprovalRow>`
      select ${COLUMNS} from approval_tasks
      where tenant_id = ${params.tenantId} and id = ${params.taskId}::bigint
    `.execute(trx)
    const existing = current.rows[0]
    return existing === undefined
      ? { outcome: 'not_found' }
      : { outcome: 'not_open', task: mapTask(existing) }
  }
  const task = mapTask(row)
  const correlationKey = approvalCorrelationKey(task.id)
  const { woke } = await eventSignal(trx, {
    tenantId: params.tenantId,
    eventId: correlationKey,
    correlationKey,
    name: `approval.${params.decision}`,
    payload: { decision: params.decision, reason: params.reason, by: params.by },
    now: params.now,
  })
  await auditAppend(trx, {
    tenantId: params.tenantId,
    at: params.now,
    actor: params.audit.actor,
    interactionId: params.audit.interactionId,
    action: `approval.${params.decision === 'approved' ? 'approve' : 'reject'}`,
    subject: { approvalId: task.id, runId: task.runId, step: task.step },
    outcome: 'ok',
    details: { by: params.by, reason: params.reason, title: task.title },
  })
  return { outcome: 'decided', task, woke }
}

function mapTask(row: ApprovalRow): ApprovalTask {
  if (!(APPROVAL_STATES as readonly string[]).includes(row.state)) {
    throw new Error(`unexpected approval state '${row.state}' in the database`)
  }
  return {
    id: row.id,
    runId: row.run_id,
    step: row.step_name,
    title: row.title,
    subject: row.subject,
    assignee: row.assignee,
    state: row.state as ApprovalState,
    escalations: row.escalations,
    createdAt: Number(row.created_at),
    dueAt: Number(row.due_at),
    decidedAt: toNullableMillis(row.decided_at),
    decidedBy: row.decided_by,
    reason: row.reason,
  }
}
