/** @module sandbox/threepl/threepl-events — the warehouse's event stream: Standard Webhooks payloads with a sequence that only grows, so consumers can put deliveries back in order. */

import { randomUUID } from 'node:crypto'

/** `fulfillment_order.backordered`: the warehouse cannot fill an order now (no single warehouse holds its lines). */
export const EVENT_TYPES = [
  'shipment.confirmed',
  'inventory.adjusted',
  'fulfillment_order.backordered',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value)

export interface WarehouseEvent {
  /** The `webhook-id`: one per event, the same on every attempt and for every endpoint. */
  readonly id: string
  readonly type: EventType
  readonly sequence: number
  readonly occurredAt: number
  /** The exact bytes every delivery of this event sends and signs. */
  readonly body: Buffer
}

export interface EventView {
  readonly id: string
  readonly type: EventType
  readonly sequence: number
  readonly occurredAt: string
  readonly payload: unknown
}

export class EventLog {
  readonly #onEvent: (event: WarehouseEvent) => void
  #events: WarehouseEvent[] = []
  // Kept across resets: a consumer that remembers the last sequence it applied must not take
  // the first events after a reset for stale ones.
  #sequence = 0
  #lastAt = 0

  constructor(onEvent: (event: WarehouseEvent) => void) {
    this.#onEvent = onEvent
  }

  /**
   * Records and publishes one event. `occurred_at` never goes below an earlier event's, so
   * ordering by sequence and by time agree even when a transition is dated in the past.
   */
  record(type: EventType, data: Readonly<Record<string, unknown>>, at: number): WarehouseEvent {
    this.#sequence += 1
    const occurredAt = Math.max(at, this.#lastAt)
    this.#lastAt = occurredAt
    const timestamp = new Date(occurredAt).toISOString()
    // Standard Webhooks' recommended shape: type, timestamp (of the event), data.
    const payload = {
      type,
      timestamp,
      sequence: this.#sequence,
      data: { ...data, occurred_at: timestamp },
    }
    const event: WarehouseEvent = {
      // The spec forbids '.' in the id (it delimits the signed content); hex has none.
      id: `msg_${randomUUID().replaceAll('-', '')}`,
      type,
      sequence: this.#sequence,
      occurredAt,
      body: Buffer.from(JSON.stringify(payload), 'utf8'),
    }
    this.#events.push(event)
    this.#onEvent(event)
    return event
  }

  get lastSequence(): number {
    return this.#sequence
  }

  list(afterSequence = 0): EventView[] {
    return this.#events
      .filter((e) => e.sequence > afterSequence)
      .map((e) => ({
        id: e.id,
        type: e.type,
        sequence: e.sequence,
        occurredAt: new Date(e.occurredAt).toISOString(),
        payload: JSON.parse(e.body.toString('utf8')),
      }))
  }

  /** Forgets the events; the sequence goes on, while time may restart (the clock is reset too). */
  clear(): void {
    this.#events = []
    this.#lastAt = 0
  }
}
