/** @module store-sql/database-schema — Kysely table types for migrations/0001_initial.sql and later. */
import type { ColumnType, Generated, Selectable } from 'kysely'

/** int8 columns: both drivers return them as strings so ids never lose precision. */
type Int8 = ColumnType<string, string | number, string | number>
type NullableInt8 = ColumnType<string | null, string | number | null, string | number | null>
/** jsonb is read parsed; it is written as JSON text (cast in SQL) so arrays are not sent as PG arrays. */
type Jsonb = ColumnType<unknown, string, string>
type NullableJsonb = ColumnType<unknown, string | null, string | null>

export interface InboxMessagesTable {
  tenant_id: string
  id: Generated<string>
  source_system: string
  source_message_id: string
  connection: string
  topic: string
  payload: string
  headers: Jsonb
  received_at: Int8
  triggered_at: NullableInt8
}

export interface FlowRunsTable {
  tenant_id: string
  id: Generated<string>
  flow_name: string
  business_key: string
  state: string
  attempt: number
  next_run_at: Int8
  lease_owner: string | null
  lease_version: Int8
  lease_expires_at: NullableInt8
  output: NullableJsonb
  last_error: NullableJsonb
  inbox_id: Int8
  created_at: Int8
  updated_at: Int8
  completed_at: NullableInt8
  /** 0003: set on runs created by a forced replay; part of their deliveries' idempotency keys. */
  replay_scope: ColumnType<string | null, string | null | undefined, string | null>
  replay_of: ColumnType<string | null, string | number | null | undefined, string | number | null>
}

export interface FlowStepsTable {
  tenant_id: string
  run_id: Int8
  name: string
  kind: string
  state: string
  attempts: number
  output: NullableJsonb
  idempotency_key: string | null
  target: string | null
  operation: string | null
  started_at: NullableInt8
  finished_at: NullableInt8
  last_error: NullableJsonb
  /** 0006: what a `wait` step waits for; null for other steps and timers. */
  correlation_key: ColumnType<string | null, string | null | undefined, string | null>
}

/** 0006: events signalled to waiting runs. */
export interface RunEventsTable {
  tenant_id: string
  id: Generated<string>
  event_id: string
  correlation_key: string
  name: string
  payload: Jsonb
  received_at: Int8
  consumed_at: NullableInt8
  consumed_by_run: NullableInt8
}

export interface DeadLettersTable {
  tenant_id: string
  id: Generated<string>
  run_id: Int8
  reason: string
  error: Jsonb
  attempts: number
  dead_at: Int8
  replayed_at: NullableInt8
  enqueued_at: Int8
  correlation_id: string
  error_class: string
}

export interface AuditLogTable {
  tenant_id: string
  id: Generated<string>
  at: Int8
  actor: string
  action: string
  subject: Jsonb
  outcome: string
  details: Jsonb
  interaction_id: string | null
}

export interface SyncLedgerTable {
  tenant_id: string
  entity_type: string
  business_key: string
  source_system: string
  source_id: string
  target_system: string
  target_id: string
  run_id: Int8
  updated_at: Int8
}

export interface EntityVersionsTable {
  tenant_id: string
  target: string
  business_key: string
  version: Int8
  run_id: Int8
  updated_at: Int8
}

/** 0005: the sealed shared copy of a connector credential's access token. */
export interface CredentialTokensTable {
  tenant_id: string
  credential_key: string
  sealed: string
  expires_at: Int8
  version: Int8
  updated_at: Int8
}

/** 0009: what the hub last wrote to a system for an entity (echo suppression). */
export interface SyncWatermarksTable {
  tenant_id: string
  system: string
  entity_key: string
  content_hash: string
  field_hashes: Jsonb
  source_version: NullableInt8
  written_at: Int8
}

export interface SynclineMigrationsTable {
  version: number
  name: string
  checksum: string
  applied_at: ColumnType<Date, never, never>
}

export interface Database {
  inbox_messages: InboxMessagesTable
  flow_runs: FlowRunsTable
  flow_steps: FlowStepsTable
  run_events: RunEventsTable
  dead_letters: DeadLettersTable
  sync_ledger: SyncLedgerTable
  entity_versions: EntityVersionsTable
  audit_log: AuditLogTable
  credential_tokens: CredentialTokensTable
  sync_watermarks: SyncWatermarksTable
  syncline_migrations: SynclineMigrationsTable
}

/** Row shapes as selected with `select *`. */
export type InboxMessageRow = Selectable<InboxMessagesTable>
export type FlowRunRow = Selectable<FlowRunsTable>
export type FlowStepRow = Selectable<FlowStepsTable>
export type DeadLetterRow = Selectable<DeadLettersTable>
export type SyncLedgerRow = Selectable<SyncLedgerTable>
export type AuditLogRow = Selectable<AuditLogTable>
