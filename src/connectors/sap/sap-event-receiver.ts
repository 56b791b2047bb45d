/** @module connectors/sap/sap-event-receiver — the inbound side of an SAP connection: a pushed business event is validated, deduplicated by its id, and resolved by reading the entity as it is NOW.
 *
 * Why resolve by reading: S/4HANA events carry the key only, and by the time one arrives (late,
 * redelivered, overtaken by a newer one) the entity may have changed again or be gone. The
 * receiver never applies anything from the event; it reads the current entity and returns it with
 * the version SAP stamped on it (the ETag's change timestamp). So every event of one entity,
 * whatever order they arrive in, resolves to the newest state SAP had at the read, and two reads
 * of the same state carry the same version, which the engine's version guard applies once: a late
 * or duplicate event can only repeat the current state, never bring back an older one.
 */
import type { Customer } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import type { SapClient } from './sap-client.ts'
import { contentFingerprint, sapEntityVersion } from './sap-entity-version.ts'
import type { SapEntityVersion } from './sap-entity-version.ts'
import { parseSapBusinessEvent } from './sap-event-mapping.ts'
import type { SapBusinessEvent, SapEventObject } from './sap-event-mapping.ts'
import { BUSINESS_PARTNER_SERVICE, entityPath } from './sap-odata-path.ts'
import { readSalesOrder } from './sap-operations.ts'
import { sapBusinessPartnerToCanonical } from './sap-reverse-mapping.ts'
import type { SapSalesOrderSnapshot } from './sap-reverse-mapping.ts'

/** How many handled event ids the receiver remembers by default. */
export const DEFAULT_DEDUPE_WINDOW = 10_000

export interface SapEventAcceptance {
  event: SapBusinessEvent
  /** The CloudEvent `id`: the inbox's message id, the same on every redelivery. */
  dedupeKey: string
  /** This id was handled already (see `markHandled`): acknowledge it and do nothing else. */
  duplicate: boolean
}

interface ResolutionBase {
  eventId: string
  eventType: string
  /** When SAP raised the event (`time`, epoch ms); the state below may be newer than that. */
  eventTime: number
}

export type SapEventResolution = ResolutionBase &
  (
    | {
        kind: 'customer'
        entityKey: string
        customer: Customer
        /** Undefined when SAP sent no change-timestamp ETag: the application cannot be guarded. */
        version: SapEntityVersion | undefined
        fingerprint: string
      }
    | {
        kind: 'salesOrder'
        entityKey: string
        salesOrder: SapSalesOrderSnapshot
        version: SapEntityVersion | undefined
        fingerprint: string
      }
    /** SAP no longer has the entity: whatever the event said, it is gone now. */
    | { kind: 'deleted'; entityKey: string; object: SapEventObject; key: string }
    /** An event type this connector does not read. */
    | { kind: 'unsupported' }
  )

export interface SapEventReceiverOptions {
  /** Handled event ids remembered (oldest forgotten first). */
  dedupeWindow?: number
}

export class SapEventReceiver {
  readonly #client: SapClient
  readonly #window: number
  readonly #handled = new Set<string>()

  constructor(client: SapClient, options: SapEventReceiverOptions = {}) {
    const window = options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`dedupeWindow must be a positive whole number, got ${window}`)
    }
    this.#client = client
    this.#window = window
  }

  /**
   * Parses and validates a pushed event: a structured CloudEvent (`application/cloudevents+json`,
   * or plain JSON). A malformed one throws HubError.validation with `path` naming the field; the
   * endpoint answers 400 and nothing is stored for it.
   */
  accept(input: { body: string | Uint8Array; contentType?: string }): SapEventAcceptance {
    if (input.contentType !== undefined && !isJsonMediaType(input.contentType)) {
      throw HubError.validation(
        `SAP business event refused: content-type ${JSON.stringify(input.contentType.slice(0, 80))} is not a structured CloudEvent (application/cloudevents+json)`,
        { code: 'INVALID_EVENT', path: 'content-type' },
      )
    }
    const payload = parseUntrustedJson(input.body, { source: 'SAP business event' })
    const event = parseSapBusinessEvent(payload)
    return { event, dedupeKey: event.id, duplicate: this.#handled.has(event.id) }
  }

  /**
   * Remembers an event id once the caller has committed what it resolved to. Not earlier: a
   * delivery that failed after `resolve` is retried by the broker and must not then be dropped
   * as a duplicate. The window is in memory and bounded; a caller that stores the event in the
   * hub's inbox uses `dedupeKey` as its message id, which stays unique across restarts, and a
   * repeat that slips through both resolves to the version already applied: the guard skips it.
   */
  markHandled(dedupeKey: string): void {
    this.#handled.delete(dedupeKey)
    this.#handled.add(dedupeKey)
    while (this.#handled.size > this.#window) {
      const oldest = this.#handled.values().next()
      if (oldest.done === true) break
      this.#handled.delete(oldest.value)
    }
  }

  /**
   * Reads the event's entity as SAP holds it now: a business partner as a canonical Customer, a
   * sales order as its snapshot, each with its version; a missing entity is `deleted`. Read
   * failures are the client's classified HubErrors (retryable, throttled, auth).
   */
  async resolve(event: SapBusinessEvent, signal?: AbortSignal): Promise<SapEventResolution> {
    const base: ResolutionBase = {
      eventId: event.id,
      eventType: event.type,
      eventTime: event.timeMs,
    }
    const subject = event.subject
    if (subject === undefined) return { ...base, kind: 'unsupported' }
    const { object, key, entityKey } = subject
    const gone = { ...base, kind: 'deleted', entityKey, object, key } as const
    if (object === 'SalesOrder') {
      const read = await readSalesOrder(this.#client, key, signal)
      if (read === null) return gone
      const version = sapEntityVersion(read.etag)
      const salesOrder = withVersion(read.snapshot, version)
      const fingerprint = contentFingerprint(salesOrder)
      return { ...base, kind: 'salesOrder', entityKey, salesOrder, version, fingerprint }
    }
    const read = await this.#client.read(
      BUSINESS_PARTNER_SERVICE,
      entityPath('A_BusinessPartner', key),
      {},
      signal,
    )
    if (read === null) return gone
    const version = sapEntityVersion(read.etag)
    const customer = withVersion(sapBusinessPartnerToCanonical(read.entity), version)
    const fingerprint = contentFingerprint(customer)
    return { ...base, kind: 'customer', entityKey, customer, version, fingerprint }
  }
}

/**
 * The answer's ETag header is the version of exactly what was read; the mapped object's
 * `source.version` (from `__metadata`) is set from the same stamp so the two cannot disagree.
 */
function withVersion<T extends { source: { version?: string } }>(
  mapped: T,
  version: SapEntityVersion | undefined,
): T {
  if (version === undefined) return mapped
  return { ...mapped, source: { ...mapped.source, version: version.timestamp } }
}

/** Structured mode is `application/cloudevents+json`; some brokers relay it as `application/json`. */
function isJsonMediaType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase()
  return type === 'application/cloudevents+json' || type === 'application/json'
}
