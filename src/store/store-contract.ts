/** @module store/store-contract — the storage driver seam.
 *
 * One interface, two drivers (PostgreSQL through `pg`, embedded PGlite), one SQL dialect and one
 * conformance suite (`store-conformance.ts`). Methods are Noun+Verb with one Params object so they
 * sort together and gain fields without breaking callers.
 *
 * Every method takes a `tenantId`: no query runs without a tenant scope.
 * Every state change of a claimed run is fenced by its `leaseVersion`: a method returns `false`
 * (and changes nothing) when the caller no longer holds the lease.
 * Times are epoch milliseconds from the engine's injected clock, passed in rather than read with
 * SQL `now()` inside queries, so tests can move it. In production that clock follows the
 * database's (`databaseTime`), so every hub on one database shares it.
 */
import type { ErrorRecord } from '../errors/hub-error.ts'

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export const RUN_STATES = [
  /** Created by ingest or replay; waiting for a worker. */
  'pending',
  /** Claimed by a worker holding a lease. */
  'running',
  /** Failed an attempt; waiting for `nextRunAt`. */
  'retrying',
  /** Finished; every step completed. Terminal. */
  'completed',
  /** Dead-lettered; waits for an operator's replay. */
  'dead',
] as const
export type RunState = (typeof RUN_STATES)[number]

export const STEP_STATES = [
  /** An attempt began and has no recorded result: if found on resume, the outcome is in doubt. */
  'started',
  /** The attempt's outcome is unknown (timeout, dropped connection): read the target before retrying. */
  'in_doubt',
  /** The last attempt failed with a known, effect-free error. */
  'failed',
  /** Done; the output is memoized and the step is never run again. Terminal. */
  'completed',
] as const
export type StepState = (typeof STEP_STATES)[number]

export const STEP_KINDS = ['local', 'delivery'] as const
export type StepKind = (typeof STEP_KINDS)[number]

/** The largest PostgreSQL bigint. Record ids are bigint sequences, so they run from 1 to this. */
export const MAX_RECORD_ID = 9223372036854775807n

/**
 * Whether `value` is a record id as the store exposes it: decimal digits, 1 to 2^63-1. The gateway
 * and the store share this rule, so a value the gateway admits never fails a bigint cast.
 */
export function isRecordId(value: string): boolean {
  if (!/^[0-9]{1,19}$/.test(value)) return false
  const id = BigInt(value)
  return id >= 1n && id <= MAX_RECORD_ID
}

/** An inbound message exactly as it was accepted. */
export interface InboxMessage {
  id: string
  tenantId: string
  sourceSystem: string
  sourceMessageId: string
  connection: string
  topic: string
  /** The raw body as received (UTF-8 text), so int64 ids and signatures survive untouched. */
  payload: string
  headers: Record<string, string>
  receivedAt: number
  /** When the source says the event happened (e.g. `X-Shopify-Triggered-At`). */
  triggeredAt: number | null
}

export interface RunRecord {
  id: string
  tenantId: string
  flowName: string
  /** Runs with the same business key execute one at a time, in arrival order. */
  businessKey: string
  state: RunState
  /** Attempts that failed so far, including ones lost with their lease (throttling does not count). */
  attempt: number
  nextRunAt: number
  createdAt: number
  updatedAt: number
  completedAt: number | null
  lastError: ErrorRecord | null
  output: JsonValue | null
  inboxId: string
  /**
   * Set on a run created by a forced replay: its deliveries' idempotency keys include it, so the
   * target sees a new request. Null for every other run (ingest, retry, redrive).
   */
  replayScope: string | null
  /** The completed run a forced replay re-ran, or null. */
  replayOf: string | null
}

export interface StepRecord {
  runId: string
  name: string
  kind: StepKind
  state: StepState
  attempts: number
  output: JsonValue | null
  /** Delivery steps: the stable key sent with every attempt, created once, reused on replay. */
  idempotencyKey: string | null
  target: string | null
  operation: string | null
  startedAt: number | null
  finishedAt: number | null
  lastError: ErrorRecord | null
}

export interface ClaimedRun extends RunRecord {
  leaseVersion: number
  message: InboxMessage
  /** Steps recorded so far, for memoization and in-doubt detection. */
  steps: StepRecord[]
}

export interface DeadLetterRecord {
  id: string
  tenantId: string
  runId: string
  flowName: string
  businessKey: string
  reason: string
  error: ErrorRecord
  attempts: number
  deadAt: number
  replayedAt: number | null
  /** When the event was first accepted (its inbox receipt), copied so it outlives the message. */
  enqueuedAt: number
  /** The source's delivery id (e.g. `X-Shopify-Webhook-Id`), shared by the producer, logs and DLQ. */
  correlationId: string
  /** The last error's type (`ErrorRecord.type`): what an operator triages by. Never a secret. */
  errorClass: string
  /** The original inbound message (the run's input). */
  message: InboxMessage
}

/** A cross-reference between the same business object in two systems (the sync ledger). */
export interface CrossReference {
  entityType: string
  businessKey: string
  sourceSystem: string
  sourceId: string
  targetSystem: string
  targetId: string
}

export interface CrossReferenceRecord extends CrossReference {
  tenantId: string
  runId: string
  updatedAt: number
}

export interface RunToCreate {
  flowName: string
  businessKey: string
}

export interface InboxIngestParams {
  tenantId: string
  sourceSystem: string
  sourceMessageId: string
  connection: string
  topic: string
  payload: string
  headers: Record<string, string>
  receivedAt: number
  triggeredAt: number | null
  /** Runs created in the same transaction as the message. */
  runs: RunToCreate[]
}

export interface InboxIngestResult {
  /** False when (tenant, source system, source message id) was already stored: a duplicate. */
  inserted: boolean
  inboxId: string
  runIds: string[]
}

export interface RunClaimParams {
  tenantId: string
  workerId: string
  limit: number
  now: number
  leaseMs: number
  /** Only these flows (the ones this worker has code for). */
  flowNames: string[]
}

export interface LeaseParams {
  tenantId: string
  runId: string
  leaseVersion: number
  now: number
}

export interface RunHeartbeatParams extends LeaseParams {
  leaseMs: number
}

export interface RunCompleteParams extends LeaseParams {
  output: JsonValue | null
}

export interface RunRetryParams extends LeaseParams {
  nextRunAt: number
  /** The new attempt count (unchanged for throttling). */
  attempt: number
  error: ErrorRecord
}

export interface RunDeadLetterParams extends LeaseParams {
  attempt: number
  reason: string
  error: ErrorRecord
}

export interface RunReplayParams {
  tenantId: string
  now: number
  /** Dead runs to replay; omit to replay every dead run of the tenant. */
  runIds?: string[]
  /** When given, one `dlq.redrive` audit record is written in the same transaction. */
  audit?: AuditActor
}

/** Who asked for an audited action, and the request it came in (e.g. the gateway's request id). */
export interface AuditActor {
  actor: string
  interactionId: string | null
}

/** One entry of the append-only audit log. */
export interface AuditRecord {
  id: string
  tenantId: string
  at: number
  actor: string
  /** e.g. `dlq.redrive`, `replay`, `replay.force-new-scope`. */
  action: string
  /** What the action named: run ids, a time window. */
  subject: JsonValue
  /** `ok`, or why nothing was done (`not_found`, `too_many`). */
  outcome: string
  details: JsonValue
  interactionId: string | null
}

export const REPLAY_FORCE_MODES = ['new-scope'] as const
export type ReplayForceMode = (typeof REPLAY_FORCE_MODES)[number]

export interface RunReplayWindowParams {
  tenantId: string
  now: number
  /** Exactly one selection: runs created in [from, to), or these run ids. */
  window?: { from: number; to: number }
  runIds?: string[]
  flowName?: string
  /**
   * Omitted: completed runs are already applied and are left alone (0 new effects).
   * `new-scope`: each completed run gets a new run in `scope`, whose deliveries are new effects.
   */
  force?: ReplayForceMode
  /** The new idempotency scope, unique per request (the caller makes it); required with force. */
  scope?: string
  /** More runs than this selected: nothing is done and the outcome is `too_many`. */
  maxRuns: number
  audit: AuditActor
}

export interface RunReplayWindowResult {
  /** `not_found`: a named run id is not this tenant's; `too_many`: over `maxRuns`. Nothing done. */
  outcome: 'ok' | 'not_found' | 'too_many'
  /** Runs selected (any state). */
  matched: number
  /** Forced: one new run per completed run selected, in id order. */
  replays: { runId: string; replayRunId: string }[]
  /** Without force: completed runs selected, whose effects stand as applied. */
  alreadyApplied: number
  /** Selected runs that are not completed (dead ones go through the DLQ; others are in flight). */
  notCompleted: number
  notFound: string[]
  scope: string | null
  auditId: string
}

export interface AuditListParams {
  tenantId: string
  limit: number
  beforeId?: string
}

export interface RunListParams {
  tenantId: string
  businessKey?: string
  flowName?: string
  state?: RunState
  limit: number
  /** Return runs with id below this (newest first paging). */
  beforeId?: string
}

export interface StepStartParams extends LeaseParams {
  name: string
  kind: StepKind
  idempotencyKey: string | null
  target: string | null
  operation: string | null
}

export interface StepCompleteParams extends LeaseParams {
  name: string
  kind: StepKind
  output: JsonValue | null
  /** Written in the same transaction as the step's completion. */
  crossReferences?: CrossReference[]
  /** Raises the entity's applied version (never lowers it), in the same transaction. */
  entityVersion?: EntityVersionKey & { version: number }
}

/** One business key at one target, whose applied source version the version guard tracks. */
export interface EntityVersionKey {
  target: string
  businessKey: string
}

export interface StepFailParams extends LeaseParams {
  name: string
  error: ErrorRecord
  /** True when the outcome is unknown: the next attempt must read the target first. */
  inDoubt: boolean
}

export interface DeadLetterListParams {
  tenantId: string
  limit: number
  includeReplayed?: boolean
  beforeId?: string
}

export interface CrossReferenceFindParams {
  tenantId: string
  businessKey?: string
  entityType?: string
  sourceSystem?: string
  sourceId?: string
  limit: number
}

export interface StoreStats {
  runsByState: Record<RunState, number>
  /** Runs not yet terminal, per flow. */
  backlogByFlow: Record<string, number>
  /** Age in ms of the oldest non-terminal run, or 0. */
  oldestBacklogAgeMs: number
  deadLetters: number
  stepsInDoubt: number
  inboxMessages: number
}

export interface MigrationReport {
  applied: string[]
  alreadyApplied: string[]
}

export interface DurabilityReport {
  ok: boolean
  /** Each setting that is not durable, with how to fix it. */
  problems: string[]
  /** Caveats that do not block start-up (e.g. embedded mode survives a process crash, not power loss). */
  notes?: string[]
}

export interface Store {
  readonly driver: 'postgres' | 'embedded'

  /** Applies pending numbered migrations under an advisory lock. Safe to call from two processes. */
  migrate(): Promise<MigrationReport>
  /** Checks `fsync` and `synchronous_commit`. */
  durabilityCheck(): Promise<DurabilityReport>
  /** Cheap round trip; throws `StoreUnavailableError` when the store cannot be reached. */
  ping(): Promise<void>
  /**
   * The database server's clock (`clock_timestamp()`), epoch ms. Hubs sharing a database take "now"
   * from it (`src/clock/database-clock.ts`), so no host's wall clock decides leases or retries.
   */
  databaseTime(): Promise<number>
  close(): Promise<void>

  inboxIngest(params: InboxIngestParams): Promise<InboxIngestResult>

  runClaim(params: RunClaimParams): Promise<ClaimedRun[]>
  runHeartbeat(params: RunHeartbeatParams): Promise<boolean>
  runComplete(params: RunCompleteParams): Promise<boolean>
  runRetry(params: RunRetryParams): Promise<boolean>
  runDeadLetter(params: RunDeadLetterParams): Promise<boolean>
  runReplay(params: RunReplayParams): Promise<{ replayed: string[] }>
  /** Replays completed runs by time window or ids; writes one audit record in the same transaction. */
  runReplayWindow(params: RunReplayWindowParams): Promise<RunReplayWindowResult>
  runGet(params: {
    tenantId: string
    runId: string
  }): Promise<(RunRecord & { steps: StepRecord[] }) | undefined>
  runList(params: RunListParams): Promise<RunRecord[]>

  stepStart(params: StepStartParams): Promise<boolean>
  stepComplete(params: StepCompleteParams): Promise<boolean>
  stepFail(params: StepFailParams): Promise<boolean>

  deadLetterList(params: DeadLetterListParams): Promise<DeadLetterRecord[]>

  /** Newest first. The store only ever appends to the audit log. */
  auditList(params: AuditListParams): Promise<AuditRecord[]>

  crossReferenceFind(params: CrossReferenceFindParams): Promise<CrossReferenceRecord[]>

  /** The newest source version applied to the key at the target, or null when none was. */
  entityVersionGet(params: EntityVersionKey & { tenantId: string }): Promise<number | null>

  statsGet(params: { tenantId: string; now: number }): Promise<StoreStats>
}

/** The store cannot be reached or refused the work for an infrastructure reason (not a bug). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

/** The embedded store's folder is held by another live process. */
export class StoreLockedError extends Error {
  readonly holderPid: number
  constructor(message: string, holderPid: number) {
    super(message)
    this.name = 'StoreLockedError'
    this.holderPid = holderPid
  }
}
