/** @module reliability/history/history-items — the checker's bookkeeping per (key, version) item and per run, and how state events find their run. */

import { itemLabel } from './history-event.ts'
import type { HistoryEvent } from './history-event.ts'

/** One (key, version): what the producer heard, when the hub took it, its runs and applications. */
export interface Item {
  readonly key: string
  readonly version: string | number | undefined
  readonly label: string
  acked: boolean
  ambiguous: boolean
  acceptedAt: number | undefined
  everTerminal: boolean
  everDelivered: boolean
  appliedAt: Set<string>
  readonly runs: Map<string, Run>
  latestRun: string | undefined
}

/** One run of an item, as its state events describe it. */
export interface Run {
  /** The terminal state the run reached, until a replay legitimately reopens it. */
  terminal: string | undefined
  /** A `replay` since the run went terminal: the next state change is not a regression. */
  reopened: boolean
  /** The latest state recorded; decides whether the run is terminal at the end. */
  current: string
  /** When the run last became terminal. */
  terminalAt: number
  regressed: boolean
  everDelivered: boolean
}

/** The item an event is about, created on first sight. */
export function itemFor(items: Map<string, Item>, e: HistoryEvent): Item {
  const id = `${e.key}\u0000${e.version === undefined ? '' : String(e.version)}`
  let item = items.get(id)
  if (item === undefined) {
    item = {
      key: e.key,
      version: e.version,
      label: itemLabel(e.key, e.version),
      acked: false,
      ambiguous: false,
      acceptedAt: undefined,
      everTerminal: false,
      everDelivered: false,
      appliedAt: new Set(),
      runs: new Map(),
      latestRun: undefined,
    }
    items.set(id, item)
  }
  return item
}

/**
 * The run a state event belongs to. Hooks do not always know the run id (e.g. before the run row
 * exists), so an event without one goes to the item's latest run, and the first id seen adopts
 * the runs recorded without one.
 */
export function runFor(item: Item, runId: string | undefined): Run {
  const id = runId ?? item.latestRun ?? ''
  let run = item.runs.get(id)
  if (run === undefined && id !== '') {
    run = item.runs.get('')
    item.runs.delete('')
  }
  if (run === undefined) {
    run = {
      terminal: undefined,
      reopened: false,
      current: '',
      terminalAt: 0,
      regressed: false,
      everDelivered: false,
    }
  }
  item.runs.set(id, run)
  item.latestRun = id
  return run
}

/** A replay names its run in `value`/`detail` like a state event does; without one it reopens all. */
export function runsFor(item: Item, e: HistoryEvent): Run[] {
  const runId = replayedRun(e)
  return runId === undefined ? [...item.runs.values()] : [runFor(item, runId)]
}

function replayedRun(e: HistoryEvent): string | undefined {
  const holder = [e.value, e.detail].find((v) => typeof v === 'object' && v !== null)
  const run = (holder as { run?: unknown } | undefined)?.run
  return typeof run === 'string' ? run : undefined
}
