/** @module test/reliability/history/history-builder — builds synthetic histories for the checker tests, one process's sequence numbers at a time. */

import type {
  HistoryEvent,
  HistoryEventType,
} from '../../../src/reliability/history/history-event.ts'
import type { JsonValue } from '../../../src/store/store-contract.ts'

export const T0 = Date.parse('2026-01-01T00:00:00Z')

type Version = string | number

export interface Extra {
  readonly version?: Version
  readonly value?: JsonValue
  readonly detail?: JsonValue
}

/** Appends events 10 ms apart with per-process sequence numbers, like real recorders would. */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = []
  at = T0
  readonly #seq = new Map<string, number>()

  add(process: string, type: HistoryEventType, op: string, key: string, extra: Extra = {}): this {
    this.at += 10
    const seq = this.#seq.get(process) ?? 0
    this.#seq.set(process, seq + 1)
    this.events.push({ seq, at: this.at, process, type, op, key, ...extra })
    return this
  }

  /** A producer sends the event and gets a 2xx; the hub stores it. */
  ingested(key: string, version: Version): this {
    return this.add('producer', 'invoke', 'ingest', key, { version })
      .add('producer', 'ok', 'ingest', key, { version })
      .add('hub', 'ok', 'ingest', key, { version })
  }

  state(key: string, version: Version, state: string, extra: Extra = {}): this {
    const op = ['completed', 'dead', 'compensated'].includes(state) ? 'terminal' : 'state'
    return this.add('hub:worker-1', 'ok', op, key, { version, value: state, ...extra })
  }

  applied(key: string, version: Version, target = 'target:netsuite'): this {
    return this.add(target, 'ok', 'apply', key, { version })
  }

  /** The happy path: ingested, claimed, applied once, completed. */
  delivered(key: string, version: Version): this {
    return this.ingested(key, version)
      .state(key, version, 'running')
      .add('hub:worker-1', 'invoke', 'deliver', key, { version })
      .applied(key, version)
      .add('hub:worker-1', 'ok', 'deliver', key, { version })
      .state(key, version, 'completed')
  }
}
