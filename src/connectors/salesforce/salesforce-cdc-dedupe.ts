/** @module connectors/salesforce/salesforce-cdc-dedupe — the last N change events a subscriber delivered, so a redelivered one is dropped. */

/**
 * Remembers delivery keys in insertion order and forgets the oldest past `capacity`: memory stays
 * bounded however long the subscription runs. A redelivery comes from a resubscription or a
 * server-side replay of recent events, so a window of recent keys catches it.
 */
export class RecentEventKeys {
  readonly #capacity: number
  readonly #keys = new Set<string>()

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`dedupe window must be a positive whole number, got ${capacity}`)
    }
    this.#capacity = capacity
  }

  get size(): number {
    return this.#keys.size
  }

  has(key: string): boolean {
    return this.#keys.has(key)
  }

  remember(key: string): void {
    this.#keys.delete(key)
    this.#keys.add(key)
    while (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next()
      if (oldest.done === true) break
      this.#keys.delete(oldest.value)
    }
  }
}

/**
 * `EventUuid` is the identity: it survives redelivery and, unlike the replay id, an org migration.
 * An event without one (an old API version) falls back to channel and replay id.
 */
export function deliveryKey(
  channel: string,
  eventUuid: string | undefined,
  replayId: string | undefined,
): string | undefined {
  if (eventUuid !== undefined) return `uuid:${eventUuid}`
  return replayId === undefined ? undefined : `replay:${channel}:${replayId}`
}
