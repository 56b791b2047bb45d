/** @module store/reconciliation-params — reconciliation runs and breaks: their states, parameters and results. */
import type { JsonValue } from './store-contract.ts'

/** How a key differs between the golden source and a target. */
export const BREAK_CLASSES = [
  /** The source has the key, the target does not. */
  'missing_in_target',
  /** The target has a key the source does not. */
  'missing_in_source',
  /** Both have it and a compared field differs beyond the tolerance. */
  'field_mismatch',
  /** One side lists the key more than once. */
  'duplicate',
] as const
export type BreakClass = (typeof BREAK_CLASSES)[number]

/**
 * A break's lifecycle: `open` → `healing` (a repair is in flight through the engine) → `healed`;
 * or `open`/`healing` → `assigned` (a person owns it) → `closed`. `healed` and `closed` are final.
 */
export const BREAK_STATES = ['open', 'healing', 'healed', 'assigned', 'closed'] as const
export type BreakState = (typeof BREAK_STATES)[number]

/** The moves a break may make; anything else is refused by the store (it changes nothing). */
export const BREAK_TRANSITIONS: Readonly<Record<BreakState, readonly BreakState[]>> = {
  open: ['healing', 'assigned'],
  healing: ['healed', 'assigned'],
  healed: [],
  assigned: ['closed'],
  closed: [],
}

export const RECONCILIATION_RUN_STATES = ['running', 'finished', 'failed'] as const
export type ReconciliationRunState = (typeof RECONCILIATION_RUN_STATES)[number]

export interface ReconciliationRun {
  id: string
  /** The business domain, e.g. `inventory`. */
  domain: string
  /** The golden source system, e.g. `threepl`. */
  source: string
  /** The system compared against it, e.g. `netsuite`. */
  target: string
  state: ReconciliationRunState
  startedAt: number
  finishedAt: number | null
  /** Counts and timings of the compare (see CompareStats in src/reconciliation). */
  stats: JsonValue
}

export interface NewBreak {
  entityKey: string
  breakClass: BreakClass
  /** Why, in a word: the break class, or `mismatch:<field>` for a field mismatch. */
  cause: string
  sourceValue: JsonValue
  targetValue: JsonValue
  /** The largest absolute numeric difference, when the fields are numbers. */
  diff: number | null
}

export interface ReconciliationBreak extends NewBreak {
  id: string
  runId: string
  domain: string
  target: string
  state: BreakState
  assignee: string | null
  /** What repairs it: the engine run id of the heal. */
  healRef: string | null
  note: string | null
  openedAt: number
  updatedAt: number
  /** When it reached `healed` or `closed`. */
  closedAt: number | null
}

export interface ReconciliationRunStartParams {
  tenantId: string
  domain: string
  source: string
  target: string
  now: number
}

/** Opens a run unless one of the same domain is already running (see `reconciliationRunBegin`). */
export interface ReconciliationRunBeginParams extends ReconciliationRunStartParams {
  /**
   * A run still `running` after this long is taken as abandoned (its hub died mid-compare): it is
   * marked failed and no longer blocks a new one.
   */
  staleAfterMs: number
  /**
   * Also start nothing if a run of the domain (in any state) started less than this long ago: a
   * schedule kept by several hub processes then runs once per period, not once per process.
   */
  notWithinMs?: number
}

export type ReconciliationRunBeginResult =
  | { started: true; run: ReconciliationRun }
  /** Nothing was started: `run` is the domain's run in progress, or its recent one. */
  | { started: false; reason: 'running' | 'recent'; run: ReconciliationRun }

export interface ReconciliationRunFinishParams {
  tenantId: string
  runId: string
  state: Exclude<ReconciliationRunState, 'running'>
  stats: JsonValue
  now: number
}

export interface ReconciliationBreakAddParams {
  tenantId: string
  runId: string
  breaks: readonly NewBreak[]
  now: number
}

export interface ReconciliationBreakMoveParams {
  tenantId: string
  breakId: string
  /** The state the caller saw; the move happens only from it (and only along BREAK_TRANSITIONS). */
  from: BreakState
  to: BreakState
  now: number
  assignee?: string
  healRef?: string
  note?: string
}

export interface ReconciliationBreakListParams {
  tenantId: string
  runId?: string
  state?: BreakState
  limit: number
  beforeId?: string
}

export interface ReconciliationSummaryParams {
  tenantId: string
  /** Breaks opened at or after this instant (epoch ms). */
  since: number
  now: number
  domain?: string
}

export interface ReconciliationSummary {
  opened: number
  /** Reached `healed` or `closed`. */
  closed: number
  healed: number
  /** Not yet final: open, healing or assigned. */
  unresolved: number
  /** Age in ms of the oldest break not yet final, or null when none is. */
  oldestUnresolvedAgeMs: number | null
  byCause: { target: string; breakClass: BreakClass; cause: string; count: number }[]
}
