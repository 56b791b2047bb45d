/** @module store/store-params — what each `Store` operation takes and returns (the records
 * themselves are in store-contract.ts, which re-exports everything here). */
import type { ErrorRecord } from '../errors/hub-error.ts'
import type { JsonValue, RunState, StepKind, CrossReference } from './store-contract.ts'

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
  /**
   * Ends the run `compensated` instead of `completed`: it failed for good with `error` (kept as
   * its last error) and its saga's compensations were applied.
   */
  compensated?: { error: ErrorRecord }
  /** Completions of the run's last steps, written in the same statement as its end. */
  carried?: CarriedCompletion[]
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
  /** Completions of earlier steps, written first in the same statement (see CarriedCompletion). */
  carried?: CarriedCompletion[]
  /**
   * The per-entity version guard, checked in the same statement: the step starts only if the
   * target's applied version is older than `version` (or equal, when `reapplyEqual`).
   */
  guard?: VersionGuard
}

/**
 * What `stepStart` did. `held` false: the lease is gone and nothing was written. `started` false
 * with `held` true: the guard found `appliedVersion` at or past the step's version, so the step was
 * not started (carried completions were still written).
 */
export interface StepStartResult {
  held: boolean
  started: boolean
  /** The guarded entity's applied version as the statement saw it; null without a guard or a row. */
  appliedVersion: number | null
}

export interface VersionGuard extends EntityVersionKey {
  version: number
  /** A forced replay re-applies the version already there on purpose. */
  reapplyEqual: boolean
}

/** A step's result as it is memoized: output, cross references, entity version raise. */
export interface StepCompletion {
  name: string
  kind: StepKind
  output: JsonValue | null
  /** Written in the same transaction as the step's completion. */
  crossReferences?: CrossReference[]
  /** Raises the entity's applied version (never lowers it), in the same transaction. */
  entityVersion?: EntityVersionKey & { version: number }
}

/**
 * A completion the engine held back to send with the run's next write, so one statement both
 * memoizes what happened and records what happens next. The engine carries a completion only to a
 * write made before anything else leaves the worker, so nothing outside depends on a result that
 * is not yet durable.
 */
export type CarriedCompletion = StepCompletion

export interface StepCompleteParams extends LeaseParams, StepCompletion {
  /** Completions of earlier steps, written in the same statement. */
  carried?: CarriedCompletion[]
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
