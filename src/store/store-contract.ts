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
import type {
  InboxIngestParams,
  InboxIngestResult,
  RunClaimParams,
  RunHeartbeatParams,
  RunCompleteParams,
  RunRetryParams,
  RunDeadLetterParams,
  RunReplayParams,
  AuditRecord,
  RunReplayWindowParams,
  RunReplayWindowResult,
  AuditListParams,
  RunListParams,
  StepStartParams,
  StepStartResult,
  StepCompleteParams,
  EntityVersionKey,
  StepFailParams,
  DeadLetterListParams,
  CrossReferenceFindParams,
  StoreStats,
  MigrationReport,
  DurabilityReport,
} from './store-params.ts'
import type {
  RunWaitParams,
  RunWaitResult,
  EventSignalParams,
  EventSignalResult,
} from './run-wait-params.ts'

export * from './store-params.ts'
export * from './run-wait-params.ts'
export * from './approval-task-params.ts'
export * from './sli-params.ts'
export * from './flow-health-params.ts'
export * from './sync-watermark-params.ts'
export * from './audit-append-params.ts'
export * from './reconciliation-params.ts'
export type { ProcessStore } from './process-store.ts'
import type { ProcessStore } from './process-store.ts'
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
  /**
   * Suspended on a durable timer or a wait for an event, without a lease: due again at `nextRunAt`
   * (its deadline), or at once when a signal completes its wait. Does not hold its business key.
   */
  'waiting',
  /** Finished; every step completed. Terminal. */
  'completed',
  /** Dead-lettered; waits for an operator's replay. */
  'dead',
  /**
   * Failed for good (or its flow gave up) after some deliveries had applied, and each of those that
   * registered an undo was undone (saga compensation). Terminal: nothing for an operator to do.
   */
  'compensated',
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

/** `wait`: a durable timer or a wait for an event (see `runWait`, `eventSignal`). */
export const STEP_KINDS = ['local', 'delivery', 'wait'] as const
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

export interface Store extends ProcessStore {
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

  /**
   * Commits a message and its runs. A caller that gives up (its webhook was answered 503 at the
   * deadline) aborts `signal`: a message still waiting for its commit is then dropped and the call
   * rejects with the signal's reason; one already sent to the database may still commit.
   */
  inboxIngest(
    params: InboxIngestParams,
    options?: { signal?: AbortSignal },
  ): Promise<InboxIngestResult>

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

  stepStart(params: StepStartParams): Promise<StepStartResult>
  /**
   * Suspends the run on the wait step `name` until `deadline`, releasing its lease, unless an
   * unconsumed event for `correlationKey` is already there: then the step completes with it and
   * the run keeps its lease. Carried completions are written either way.
   */
  runWait(params: RunWaitParams): Promise<RunWaitResult>
  /**
   * Records an event once per `eventId` and completes every open wait for its correlation key
   * whose run is waiting, making those runs due now; kept for the first later wait if none.
   */
  eventSignal(params: EventSignalParams): Promise<EventSignalResult>

  stepComplete(params: StepCompleteParams): Promise<boolean>
  stepFail(params: StepFailParams): Promise<boolean>

  deadLetterList(params: DeadLetterListParams): Promise<DeadLetterRecord[]>

  /** Newest first. The store only ever appends to the audit log. */
  auditList(params: AuditListParams): Promise<AuditRecord[]>

  crossReferenceFind(params: CrossReferenceFindParams): Promise<CrossReferenceRecord[]>

  /** The newest source version applied to the key at the target, or null when none was. */
  entityVersionGet(params: EntityVersionKey & { tenantId: string }): Promise<number | null>

  statsGet(params: { tenantId: string; now: number }): Promise<StoreStats>

  /**
   * The shared copy of a connector credential's access token, or null when none was written. Hubs
   * sharing the database read it before asking the vendor for a token of their own.
   */
  credentialTokenGet(params: CredentialTokenKey): Promise<CredentialTokenRecord | null>
  /**
   * Writes the copy only if the stored version is still `expectedVersion` (null: no copy yet), and
   * returns the new version; null (nothing written) when another writer got there first. The
   * fence makes a writer that lost its refresh lock (hold timeout, dropped connection) harmless.
   */
  credentialTokenPut(params: CredentialTokenPutParams): Promise<number | null>
  /**
   * Runs `work` holding the credential's refresh lock: no other holder of the same (tenant, key),
   * in this process or another on the same database, holds it at the same time. Rejects with
   * `CredentialLockTimeoutError` after `waitMs` without the lock, and after `holdMs` with it (the
   * lock is then released and `work`'s signal aborted, whatever `work` still does). The lock is
   * always released when `work` settles, also when it throws.
   */
  credentialTokenLock<T>(
    params: CredentialTokenLockParams,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T>
}

/** One connector credential of a tenant, e.g. `netsuite/erp-main`. */
export interface CredentialTokenKey {
  tenantId: string
  credentialKey: string
}

export interface CredentialTokenRecord {
  /** The token sealed by the connector (authenticated encryption); the store never sees it in clear. */
  sealed: string
  /** Epoch ms after which no hub hands the token out (the connector's refresh time). */
  expiresAt: number
  /** 1 for the first copy, +1 for every write. */
  version: number
  updatedAt: number
}

export interface CredentialTokenPutParams extends CredentialTokenKey {
  sealed: string
  expiresAt: number
  now: number
  /** The version read before the refresh, or null when there was no copy. */
  expectedVersion: number | null
}

export interface CredentialTokenLockParams extends CredentialTokenKey {
  /** Longest wait for the lock. Longer than `holdMs`, so a waiter outlasts a hung holder. */
  waitMs: number
  /** Longest hold: a refresh that hangs cannot block the other hubs for longer. */
  holdMs: number
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

/** A credential's refresh lock was not obtained within its wait, or was held past its limit. */
export class CredentialLockTimeoutError extends Error {
  readonly phase: 'wait' | 'hold'
  constructor(message: string, phase: 'wait' | 'hold', options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CredentialLockTimeoutError'
    this.phase = phase
  }
}
