/** @module reliability/history/history-checker — checks a merged history (and the targets' effects ledger) against the ledger rule: nothing lost, duplicated, stale, stuck or regressed, and a correct DLQ. */

import type { LedgerSnapshot } from '../../sandbox/kit/effects-ledger.ts'
import { compareHistoryEvents, compareVersions, roleOf, stateOf } from './history-event.ts'
import type { HistoryEvent } from './history-event.ts'
import { ledgerDuplicates } from './ledger-duplicates.ts'
import type { LedgerCounts, LedgerKeyOf } from './ledger-duplicates.ts'
import { ANOMALY_KINDS, Findings } from './history-check-report.ts'
import type { CheckCounts, CheckResult } from './history-check-report.ts'
import { itemFor, runFor, runsFor } from './history-items.ts'
import type { Item, Run } from './history-items.ts'

export type { LedgerCounts, LedgerKeyOf } from './ledger-duplicates.ts'
export {
  ANOMALY_KINDS,
  assertLedgerRule,
  formatCheckReport,
  LedgerRuleError,
} from './history-check-report.ts'
export type { AnomalyKind, CheckCounts, CheckFinding, CheckResult } from './history-check-report.ts'

/** The run states that end a run, by meaning. Names not listed here are non-terminal. */
export interface TerminalStateNames {
  readonly delivered: readonly string[]
  readonly dead: readonly string[]
  readonly compensated: readonly string[]
}

/** Syncline's `completed` and `dead` (store-contract `RUN_STATES`), plus the campaign's words. */
export const DEFAULT_TERMINAL_STATES: TerminalStateNames = {
  delivered: ['completed', 'delivered'],
  dead: ['dead'],
  compensated: ['compensated'],
}

export interface CheckHistoryOptions {
  /** The targets' effects: a ledger snapshot, or applications per business key. */
  readonly ledger?: LedgerCounts | readonly LedgerSnapshot[]
  /** Maps a ledger effect to the history's business key; `effect.businessKey` by default. */
  readonly ledgerKeyOf?: LedgerKeyOf
  /** Epoch ms by which every accepted event must be terminal (e.g. last fault end + 120 s). */
  readonly deadlineMs?: number
  readonly terminalStates?: Partial<TerminalStateNames>
  /** Keys allowed to end dead-lettered; omit to not check, pass `[]` when none may. */
  readonly expectedDeadKeys?: Iterable<string>
  /** Fault times (epoch ms) in addition to the history's `fault` events, for `recoveryMs`. */
  readonly faultTimes?: readonly number[]
}

/**
 * Checks a history. Per (key, version): lost = the producer got `ok` for the ingest and no run of
 * it ever became terminal; stuck = accepted (acked, or traced by any non-producer) and not terminal
 * by the deadline (or at all); stale = a target applied a version below one it had already applied;
 * regressions = a terminal run later in another state without a `replay` in between; dlqWrong = a
 * dead-letter without a reason, or one whose effect was delivered or applied, or not expected.
 * Duplicates come from repeated `ok apply` of one version at one target and from the ledger.
 * Every process must record the same (key, version) for one logical event, or the checker sees
 * two events: a producer's `ORD-1@3` and a hub's unversioned `ORD-1` are different items.
 */
export function checkHistory(
  events: readonly HistoryEvent[],
  options: CheckHistoryOptions = {},
): CheckResult {
  const names = { ...DEFAULT_TERMINAL_STATES, ...options.terminalStates }
  const delivered = new Set(names.delivered)
  const dead = new Set(names.dead)
  const compensated = new Set(names.compensated)
  const terminal = new Set([...names.delivered, ...names.dead, ...names.compensated])
  const sorted = [...events].sort(compareHistoryEvents)
  const items = new Map<string, Item>()
  const keys = new Set<string>()
  const faults = [...(options.faultTimes ?? [])]
  const found = new Findings()
  /** Per target process and key: the highest version applied so far. */
  const highestApplied = new Map<string, string | number>()
  const applyCounts = new Map<string, number>()
  /** Terminal transitions in time order, with when their item was accepted: for recovery. */
  const transitions: { at: number; acceptedAt: number }[] = []

  for (const e of sorted) {
    if (e.op === 'fault') {
      faults.push(e.at)
      continue
    }
    keys.add(e.key)
    const item = itemFor(items, e)
    const role = roleOf(e.process)
    if (role === 'producer') {
      if (e.op === 'ingest' && e.type === 'ok') {
        item.acked = true
        item.acceptedAt = Math.min(item.acceptedAt ?? e.at, e.at)
      } else if (e.op === 'ingest' && e.type === 'info') item.ambiguous = true
      continue
    }
    // Any record by the hub or a target shows the event got in, except a refused ingest.
    if (!(e.op === 'ingest' && e.type === 'fail')) {
      item.acceptedAt = Math.min(item.acceptedAt ?? e.at, e.at)
    }
    if (e.type !== 'ok') continue
    if (e.op === 'apply') {
      item.appliedAt.add(e.process)
      const countKey = `${e.process}\u0000${item.label}`
      const count = (applyCounts.get(countKey) ?? 0) + 1
      applyCounts.set(countKey, count)
      if (count === 2) found.add('duplicated', e.key, `${item.label} applied twice at ${e.process}`)
      if (e.version === undefined) continue
      const targetKey = `${e.process}\u0000${e.key}`
      const highest = highestApplied.get(targetKey)
      if (highest !== undefined && compareVersions(e.version, highest) < 0) {
        found.add('stale', item.label, `applied at ${e.process} after version ${highest}`)
      } else highestApplied.set(targetKey, e.version)
    } else if (e.op === 'replay') {
      for (const run of runsFor(item, e)) run.reopened = true
    } else if (e.op === 'state' || e.op === 'terminal') {
      const change = stateOf(e)
      if (change === undefined) continue
      const run = runFor(item, change.run)
      const isTerminal = terminal.has(change.state)
      if (run.terminal !== undefined && !run.reopened && change.state !== run.terminal) {
        if (!run.regressed) {
          found.add(
            'regressions',
            item.label,
            regressionWhy(run.terminal, change.state, change.run),
          )
        }
        run.regressed = true
      }
      run.current = change.state
      if (isTerminal) {
        if (run.terminal === undefined || run.reopened || run.terminal !== change.state) {
          transitions.push({ at: e.at, acceptedAt: item.acceptedAt ?? e.at })
          run.terminalAt = e.at
        }
        run.terminal = change.state
        run.reopened = false
        item.everTerminal = true
        if (delivered.has(change.state)) {
          item.everDelivered = true
          run.everDelivered = true
        }
        if (dead.has(change.state) && (change.reason ?? '').trim() === '') {
          found.add('dlqWrong', item.label, `dead-lettered without a reason at ${iso(e.at)}`)
        }
      } else if (run.reopened) run.terminal = undefined
    }
  }

  const deadAllowed = options.expectedDeadKeys && new Set(options.expectedDeadKeys)
  let halfApplied = 0
  for (const item of items.values()) {
    const runs = [...item.runs.values()]
    const finished = runs.length > 0 && runs.every((r) => terminal.has(r.current))
    const finishedAt = Math.max(...runs.map((r) => r.terminalAt))
    if (item.acked && !item.everTerminal) {
      found.add(
        'lost',
        item.label,
        `producer acked, accepted at ${iso(item.acceptedAt)}, never terminal`,
      )
    } else if (item.acceptedAt !== undefined && !finished) {
      const half = item.ambiguous && !item.acked
      if (half) halfApplied++
      found.add('stuck', item.label, stuckWhy(item, runs, half))
    } else if (finished && options.deadlineMs !== undefined && finishedAt > options.deadlineMs) {
      found.add('stuck', item.label, `terminal at ${iso(finishedAt)}, after the deadline`)
    }
    const deadRuns = finished ? runs.filter((r) => dead.has(r.current)) : []
    if (deadRuns.length === 0) continue
    // Another flow's run of the same item may have delivered it legitimately; the target cannot
    // tell runs apart, so an application only counts against the DLQ when no run delivered.
    const settled = runs.some((r) => delivered.has(r.current) || compensated.has(r.current))
    if (deadRuns.some((r) => r.everDelivered)) {
      found.add('dlqWrong', item.label, 'dead-lettered after being delivered')
    } else if (!settled && item.appliedAt.size > 0) {
      found.add(
        'dlqWrong',
        item.label,
        `dead-lettered, yet applied at ${[...item.appliedAt].join(', ')}`,
      )
    } else if (deadAllowed && !deadAllowed.has(item.key)) {
      found.add('dlqWrong', item.label, 'dead-lettered, but expected to be delivered')
    }
  }

  if (options.ledger !== undefined) {
    for (const dup of ledgerDuplicates(options.ledger, items.values(), options.ledgerKeyOf)) {
      found.add('duplicated', dup.key, dup.why)
    }
  }

  const counts: CheckCounts = {
    events: events.length,
    keys: keys.size,
    items: items.size,
    halfApplied,
    ...found.counts(),
  }
  const recoveryMs = recovery(faults, transitions)
  return {
    ok: ANOMALY_KINDS.every((k) => counts[k] === 0),
    counts,
    examples: found.examples(),
    findings: found.list,
    ...(recoveryMs === undefined ? {} : { recoveryMs }),
  }
}

function regressionWhy(from: string, to: string, run: string | undefined): string {
  return `${run === undefined ? '' : `run ${run}: `}terminal ${from} followed by ${to}`
}

function stuckWhy(item: Item, runs: Run[], half: boolean): string {
  const last = runs.map((r) => r.current).join(', ') || 'no state recorded'
  const since = `accepted at ${iso(item.acceptedAt)}, last state: ${last}`
  return half ? `half-applied: producer outcome unknown (info), ${since}` : since
}

function recovery(
  faults: number[],
  transitions: { at: number; acceptedAt: number }[],
): CheckResult['recoveryMs'] {
  const samples: number[] = []
  for (const t of faults) {
    const next = transitions.find((x) => x.at >= t && x.acceptedAt < t)
    if (next !== undefined) samples.push(next.at - t)
  }
  if (samples.length === 0) return undefined
  samples.sort((a, b) => a - b)
  const p50 = samples[Math.ceil(samples.length / 2) - 1] ?? 0
  return { p50, max: samples[samples.length - 1] ?? 0, faults: samples.length }
}

function iso(at: number | undefined): string {
  return at === undefined || !Number.isFinite(at) ? '?' : new Date(at).toISOString()
}
