/** @module reliability/history/history-event — one line of a Jepsen-style history: who did what to which business key, when, and how it ended. */

import { z } from 'zod'
import type { JsonValue } from '../../store/store-contract.ts'

/**
 * `invoke` opens an operation; `ok` and `fail` close it with a known outcome; `info` closes it with
 * an unknown one (a timeout, a dropped connection): the operation may or may not have taken effect.
 */
export const HISTORY_EVENT_TYPES = ['invoke', 'ok', 'fail', 'info'] as const
export type HistoryEventType = (typeof HISTORY_EVENT_TYPES)[number]

/**
 * The operations the checker interprets. Others may be recorded (they count as a trace of the key
 * when a non-producer records them) and are otherwise ignored.
 * - `ingest`: a producer sends the event to the hub (the producer's `ok` is the ack); the hub may
 *   record its own `ok ingest` when the event is stored.
 * - `deliver`: the hub calls a target.
 * - `apply`: a target applied `version` of `key` (record it on every committed write).
 * - `state` / `terminal`: the hub moved a run to the state in `value` (see {@link stateOf}).
 * - `replay`: an operator replayed or redrove the run: the next state after it is not a regression.
 * - `fault`: a fault was injected (a kill, an outage ending) at `at`; `key` is free text.
 */
export const HISTORY_OPS = [
  'ingest',
  'deliver',
  'apply',
  'state',
  'terminal',
  'replay',
  'fault',
] as const
/** A known operation, or any other name a test wants to keep in the history. */
export type HistoryOp = (typeof HISTORY_OPS)[number] | (string & {})

/**
 * Process roles. A process is named `<role>` or `<role>:<instance>` (e.g. `hub:worker-2`,
 * `target:netsuite`); the checker needs the role to tell a producer's ack from the hub's own records.
 */
export const HISTORY_ROLES = ['producer', 'hub', 'target'] as const

export interface HistoryEvent {
  /** Per-process sequence number: orders one process's events that share a millisecond. */
  readonly seq: number
  /** Epoch milliseconds of the recording process's clock. */
  readonly at: number
  readonly process: string
  readonly type: HistoryEventType
  readonly op: HistoryOp
  /** The business key (e.g. the order's source id); for `fault` events, a label. */
  readonly key: string
  /** The entity version, when the operation concerns one (every `apply` should carry it). */
  readonly version?: string | number
  /** The operation's result: for `state`/`terminal`, the state (see {@link stateOf}). */
  readonly value?: JsonValue
  /** Anything else worth keeping for a post-mortem: status code, error class, run id, reason. */
  readonly detail?: JsonValue
}

/** Validates a history line read back from disk; the recorder writes what it is given unchecked. */
export const historyEventSchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.number().finite(),
  process: z.string().min(1),
  type: z.enum(HISTORY_EVENT_TYPES),
  op: z.string().min(1),
  key: z.string(),
  version: z.union([z.string(), z.number()]).optional(),
  value: z.json().optional(),
  detail: z.json().optional(),
})

/** Parses and validates one NDJSON line; throws with the zod issues on a malformed record. */
export function parseHistoryLine(line: string): HistoryEvent {
  const parsed = historyEventSchema.safeParse(JSON.parse(line))
  if (!parsed.success) throw new Error(`invalid history record: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

/** The role part of a process name: `hub:worker-2` → `hub`. */
export function roleOf(process: string): string {
  const colon = process.indexOf(':')
  return colon === -1 ? process : process.slice(0, colon)
}

/** Total order used by `readHistory` and the checker: time, then per-process sequence, then name. */
export function compareHistoryEvents(a: HistoryEvent, b: HistoryEvent): number {
  if (a.at !== b.at) return a.at - b.at
  if (a.seq !== b.seq) return a.seq - b.seq
  return a.process < b.process ? -1 : a.process > b.process ? 1 : 0
}

/** How a (key, version) pair is written in reports: `ORD-1@3`, or just the key when unversioned. */
export function itemLabel(key: string, version: string | number | undefined): string {
  return version === undefined ? key : `${key}@${version}`
}

/** A run state carried by a `state` or `terminal` event. */
export interface StateChange {
  readonly state: string
  /** Why a run was dead-lettered or compensated. */
  readonly reason?: string
  /** The run id, when one key has several runs (e.g. two flows): regressions are tracked per run. */
  readonly run?: string
}

/**
 * Reads the state from a `state`/`terminal` event. `value` is either the state name or an object
 * `{ state, reason?, run? }`; `reason` and `run` may also sit in `detail`. Both shapes are accepted
 * because the hub's test hooks and the simulators are written by different people.
 */
export function stateOf(event: HistoryEvent): StateChange | undefined {
  const value = event.value
  const fromValue = isRecord(value) ? value : undefined
  const state = typeof value === 'string' ? value : stringField(fromValue, 'state')
  if (state === undefined) return undefined
  const detail = isRecord(event.detail) ? event.detail : undefined
  const reason = stringField(fromValue, 'reason') ?? stringField(detail, 'reason')
  const run = stringField(fromValue, 'run') ?? stringField(detail, 'run')
  return {
    state,
    ...(reason === undefined ? {} : { reason }),
    ...(run === undefined ? {} : { run }),
  }
}

/**
 * Orders two entity versions. Integers (numbers or digit strings of any length, so int64 ids and
 * counters compare correctly) compare numerically; anything else (e.g. ISO `updated_at` stamps)
 * compares as text, which orders ISO-8601 UTC timestamps correctly.
 */
export function compareVersions(a: string | number, b: string | number): number {
  const sa = typeof a === 'number' && Number.isInteger(a) && a >= 0 ? String(a) : a
  const sb = typeof b === 'number' && Number.isInteger(b) && b >= 0 ? String(b) : b
  if (typeof sa === 'string' && typeof sb === 'string' && DIGITS.test(sa) && DIGITS.test(sb)) {
    const ta = sa.replace(LEADING_ZEROS, '')
    const tb = sb.replace(LEADING_ZEROS, '')
    if (ta.length !== tb.length) return ta.length - tb.length
    return ta < tb ? -1 : ta > tb ? 1 : 0
  }
  const na = Number(sa)
  const nb = Number(sb)
  if (sa !== '' && sb !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb
  const ta = String(sa)
  const tb = String(sb)
  return ta < tb ? -1 : ta > tb ? 1 : 0
}

const DIGITS = /^\d+$/
const LEADING_ZEROS = /^0+(?=\d)/

function isRecord(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function stringField(
  record: { [key: string]: JsonValue } | undefined,
  name: string,
): string | undefined {
  const v = record?.[name]
  return typeof v === 'string' ? v : undefined
}
