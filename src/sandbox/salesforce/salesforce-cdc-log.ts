/** @module sandbox/salesforce/salesforce-cdc-log — the change-event bus: opaque, non-contiguous replay ids, 72 h retention on the org's clock, and replay from -1, -2 or a retained id. */

import { randomUUID } from 'node:crypto'
import { seededRandom } from '../kit/seeded-random.ts'
import type { SeededRandom } from '../kit/seeded-random.ts'
import { SOBJECT_TYPES } from './salesforce-fields.ts'
import type { SObjectType } from './salesforce-fields.ts'

/** One change event on the bus, as retained and as delivered on its channels. */
export interface CdcEvent {
  readonly replayId: number
  /** Unique per event and kept on redelivery: the id a subscriber dedupes on. */
  readonly eventUuid: string
  readonly entity: SObjectType
  /** The org's clock when the event was published; retention counts from here. */
  readonly publishedAt: number
  /** Id of the entity's event schema; it changes when the object's fields do. */
  readonly schema: string
  readonly payload: Readonly<Record<string, unknown>>
}

export interface EventDraft {
  readonly entity: SObjectType
  readonly schema: string
  readonly payload: Readonly<Record<string, unknown>>
}

export const ALL_CHANGE_EVENTS = '/data/ChangeEvents'

/** The standard channels: all change events, or one entity's. */
export function channelEntities(channel: string): readonly SObjectType[] | null {
  if (channel === ALL_CHANGE_EVENTS) return SOBJECT_TYPES
  const entity = SOBJECT_TYPES.find((t) => channel === `/data/${t}ChangeEvent`)
  return entity ? [entity] : null
}

export type ReplayRead =
  | { readonly ok: true; readonly events: readonly CdcEvent[] }
  | { readonly ok: false; readonly message: string }

/** Salesforce's words for a replay id outside the retention window (two spaces included). */
export const invalidReplayMessage = (replayId: number | string): string =>
  `The replayId {${replayId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`

export class CdcLog {
  readonly #now: () => number
  readonly #retentionMs: number
  readonly #seed: number
  #random: SeededRandom
  #events: CdcEvent[] = []
  #latest = 0
  #listeners = new Set<(events: readonly CdcEvent[]) => void>()

  constructor(now: () => number, retentionMs: number, seed: number) {
    this.#now = now
    this.#retentionMs = retentionMs
    this.#seed = seed
    this.#random = seededRandom(seed).fork(0xcdc)
  }

  get latestReplayId(): number {
    return this.#latest
  }

  /** Appends events in order and tells live subscribers; replay ids skip ahead by 1–3 so nobody computes them. */
  publish(drafts: readonly EventDraft[]): CdcEvent[] {
    const at = this.#now()
    const published = drafts.map((draft): CdcEvent => {
      this.#latest += this.#random.int(1, 3)
      return { ...draft, replayId: this.#latest, eventUuid: randomUUID(), publishedAt: at }
    })
    this.#events.push(...published)
    for (const listener of this.#listeners) listener(published)
    return published
  }

  /**
   * Events of `channel` after `replayFrom`: -1 is the tip (none), -2 everything retained, any
   * other id must lie inside the retention window or the read fails as Salesforce's does.
   */
  read(channel: string, replayFrom: number, limit = Number.POSITIVE_INFINITY): ReplayRead {
    const entities = channelEntities(channel)
    if (!entities) return { ok: false, message: `The channel ${channel} does not exist` }
    this.expire()
    if (replayFrom === -1) return { ok: true, events: [] }
    if (replayFrom !== -2) {
      const oldest = this.#events[0]?.replayId
      if (
        !Number.isInteger(replayFrom) ||
        oldest === undefined ||
        replayFrom < oldest ||
        replayFrom > this.#latest
      ) {
        return { ok: false, message: invalidReplayMessage(replayFrom) }
      }
    }
    const events = this.#events
      .filter((e) => e.replayId > replayFrom && entities.includes(e.entity))
      .slice(0, limit)
    return { ok: true, events }
  }

  /** Retained events after `replayId` on any channel, for redelivery. */
  after(replayId: number): CdcEvent[] {
    this.expire()
    return this.#events.filter((e) => e.replayId > replayId)
  }

  retained(): readonly CdcEvent[] {
    this.expire()
    return this.#events
  }

  /** Drops events older than the retention window, by the org's clock. */
  expire(): void {
    const cutoff = this.#now() - this.#retentionMs
    const firstKept = this.#events.findIndex((e) => e.publishedAt >= cutoff)
    if (firstKept === -1) this.#events = []
    else if (firstKept > 0) this.#events = this.#events.slice(firstKept)
  }

  onPublish(listener: (events: readonly CdcEvent[]) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Empties the bus and restarts the replay ids from the seed. */
  clear(): void {
    this.#events = []
    this.#latest = 0
    this.#random = seededRandom(this.#seed).fork(0xcdc)
  }
}
