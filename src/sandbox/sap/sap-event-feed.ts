/** @module sandbox/sap/sap-event-feed — key-only business events as CloudEvents, kept in a bounded feed a consumer pulls from with a cursor. */

import { randomUUID } from 'node:crypto'

/** A business event in CloudEvents 1.0 structured form; `data` carries the object's key only. */
export interface SapCloudEvent {
  readonly specversion: '1.0'
  readonly type: string
  readonly source: string
  readonly id: string
  readonly time: string
  readonly datacontenttype: 'application/json'
  readonly data: Readonly<Record<string, string>>
}

export interface FeedEntry {
  /** Position in the feed, from 1; a consumer keeps the last one it processed as its cursor. */
  readonly seq: number
  readonly event: SapCloudEvent
}

export interface FeedPage {
  readonly events: readonly FeedEntry[]
  /** The newest position in the feed (0 when nothing was ever published). */
  readonly lastSeq: number
  /** The oldest position still kept; older events were dropped. */
  readonly oldestSeq: number
  /** True when events after the cursor were already dropped: the consumer must reconcile. */
  readonly gap: boolean
}

export function cloudEvent(
  type: string,
  source: string,
  data: Readonly<Record<string, string>>,
  nowMs: number,
): SapCloudEvent {
  return {
    specversion: '1.0',
    type,
    source,
    id: randomUUID(),
    time: new Date(nowMs).toISOString(),
    datacontenttype: 'application/json',
    data,
  }
}

export class EventFeed {
  readonly #capacity: number
  #entries: FeedEntry[] = []
  #seq = 0

  /** Keeps the newest `capacity` events, as a queue with a retention limit does. */
  constructor(capacity: number) {
    this.#capacity = capacity
  }

  append(event: SapCloudEvent): FeedEntry {
    this.#seq += 1
    const entry = { seq: this.#seq, event }
    this.#entries.push(entry)
    if (this.#entries.length > this.#capacity) {
      this.#entries.splice(0, this.#entries.length - this.#capacity)
    }
    return entry
  }

  /** Events after `afterSeq`, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): FeedPage {
    const oldestSeq = this.#entries[0]?.seq ?? this.#seq + 1
    return {
      events: this.#entries.filter((e) => e.seq > afterSeq).slice(0, limit),
      lastSeq: this.#seq,
      oldestSeq,
      gap: afterSeq + 1 < oldestSeq && afterSeq < this.#seq,
    }
  }

  get(id: string): FeedEntry | undefined {
    return this.#entries.find((e) => e.event.id === id)
  }

  clear(): void {
    this.#entries = []
    this.#seq = 0
  }
}
