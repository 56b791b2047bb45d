/** @module store-sql/sql-row-mapper — turns database rows into the contract's records. */
import type { ErrorRecord } from '../errors/hub-error.ts'
import {
  RUN_STATES,
  STEP_KINDS,
  STEP_STATES,
  type CrossReferenceRecord,
  type InboxMessage,
  type JsonValue,
  type RunRecord,
  type RunState,
  type StepKind,
  type StepRecord,
  type StepState,
} from '../store/store-contract.ts'
import type { FlowRunRow, FlowStepRow, InboxMessageRow, SyncLedgerRow } from './database-schema.ts'

/** Epoch milliseconds fit a double exactly until the year 287396, so Number() is lossless here. */
export function toMillis(value: string | number): number {
  return typeof value === 'number' ? value : Number(value)
}

export function toNullableMillis(value: string | number | null): number | null {
  return value === null ? null : toMillis(value)
}

/** Serialises a value for a `$n::jsonb` parameter; SQL NULL stays NULL. */
export function toJsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  // Only reachable if the schema and the contract drifted apart: fail loudly, never guess.
  throw new Error(
    `unexpected ${column} '${value}' in the database (expected ${allowed.join(', ')})`,
  )
}

export function mapInboxMessage(row: InboxMessageRow): InboxMessage {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    sourceSystem: row.source_system,
    sourceMessageId: row.source_message_id,
    connection: row.connection,
    topic: row.topic,
    payload: row.payload,
    headers: (row.headers ?? {}) as Record<string, string>,
    receivedAt: toMillis(row.received_at),
    triggeredAt: toNullableMillis(row.triggered_at),
  }
}

export function mapRun(row: FlowRunRow): RunRecord {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    flowName: row.flow_name,
    businessKey: row.business_key,
    state: oneOf<RunState>(RUN_STATES, row.state, 'flow_runs.state'),
    attempt: Number(row.attempt),
    nextRunAt: toMillis(row.next_run_at),
    createdAt: toMillis(row.created_at),
    updatedAt: toMillis(row.updated_at),
    completedAt: toNullableMillis(row.completed_at),
    lastError: (row.last_error ?? null) as ErrorRecord | null,
    output: (row.output ?? null) as JsonValue | null,
    inboxId: String(row.inbox_id),
    replayScope: row.replay_scope,
    replayOf: row.replay_of === null ? null : String(row.replay_of),
  }
}

export function mapStep(row: FlowStepRow): StepRecord {
  return {
    runId: String(row.run_id),
    name: row.name,
    kind: oneOf<StepKind>(STEP_KINDS, row.kind, 'flow_steps.kind'),
    state: oneOf<StepState>(STEP_STATES, row.state, 'flow_steps.state'),
    attempts: Number(row.attempts),
    output: (row.output ?? null) as JsonValue | null,
    idempotencyKey: row.idempotency_key,
    target: row.target,
    operation: row.operation,
    startedAt: toNullableMillis(row.started_at),
    finishedAt: toNullableMillis(row.finished_at),
    lastError: (row.last_error ?? null) as ErrorRecord | null,
  }
}

export function mapCrossReference(row: SyncLedgerRow): CrossReferenceRecord {
  return {
    tenantId: row.tenant_id,
    entityType: row.entity_type,
    businessKey: row.business_key,
    sourceSystem: row.source_system,
    sourceId: row.source_id,
    targetSystem: row.target_system,
    targetId: row.target_id,
    runId: String(row.run_id),
    updatedAt: toMillis(row.updated_at),
  }
}

/** Groups step rows by run id, keeping the query's order within each run. */
export function groupStepsByRun(rows: FlowStepRow[]): Map<string, StepRecord[]> {
  const byRun = new Map<string, StepRecord[]>()
  for (const row of rows) {
    const step = mapStep(row)
    const list = byRun.get(step.runId)
    if (list === undefined) byRun.set(step.runId, [step])
    else list.push(step)
  }
  return byRun
}

/** Orders bigint ids given as strings numerically, without a lossy Number(). */
export function compareIds(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length
}
