/** @module connectors/sap/sap-event-feed-consumer — pulls business events from a cursor-paged feed (the simulator's `/__sim/events`, standing in for an Event Mesh queue) and hands each out with its sequence for the caller to persist.
 *
 * The consumer keeps no state between runs: the caller stores the sequence of each event after it
 * has handled it, and the next consumer starts after the stored one. So a restart neither skips
 * an event (the cursor only moves past what was handled) nor hands a handled one out again.
 */
import { z } from 'zod'
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { classifySapFailure } from './sap-error-classifier.ts'
import { parseSapBusinessEvent } from './sap-event-mapping.ts'
import type { SapBusinessEvent } from './sap-event-mapping.ts'

const DEFAULT_PAGE_SIZE = 100
const DEFAULT_TIMEOUT_MS = 30_000
const LABEL = 'GET event feed'

export interface SapEventFeedOptions {
  /** The feed's URL, e.g. `http://127.0.0.1:40211/__sim/events`; `after` and `limit` are added. */
  feedUrl: string
  /** Events asked for per request. */
  pageSize?: number
  requestTimeoutMs?: number
  clock?: Clock
}

export type SapEventFeedItem =
  /** Handle it, then persist `seq`: the next consumer starts after it. */
  | { kind: 'event'; seq: number; event: SapBusinessEvent }
  /** The feed held an event that does not validate: dead-letter it, then persist `seq` all the same. */
  | { kind: 'rejected'; seq: number; error: HubError; payload: unknown }
  /**
   * Events after `afterSeq` were dropped from the feed before they were read (retention): what
   * changed meanwhile must be reconciled. The events that follow start at `oldestSeq`.
   */
  | { kind: 'gap'; afterSeq: number; oldestSeq: number }

export interface SapEventFeedPage {
  items: SapEventFeedItem[]
  /** The newest sequence the feed had when it answered. */
  lastSeq: number
}

const FeedPage = z.object({
  events: z.array(z.object({ seq: z.number().int().positive(), event: z.unknown() })),
  lastSeq: z.number().int().nonnegative(),
  oldestSeq: z.number().int().nonnegative(),
  gap: z.boolean(),
})

export class SapEventFeedConsumer {
  readonly #feedUrl: string
  readonly #pageSize: number
  readonly #timeoutMs: number
  readonly #clock: Clock

  constructor(options: SapEventFeedOptions) {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new RangeError(`pageSize must be a positive whole number, got ${pageSize}`)
    }
    this.#feedUrl = options.feedUrl
    this.#pageSize = pageSize
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#clock = options.clock ?? systemClock
  }

  /**
   * Every event after `afterSeq`, oldest first, page by page, until the feed has nothing newer.
   * Stopping early (a crash, a `break`) loses nothing: start again after the last persisted seq.
   */
  async *events(afterSeq: number, signal?: AbortSignal): AsyncGenerator<SapEventFeedItem> {
    let cursor = afterSeq
    for (;;) {
      const page = await this.page(cursor, signal)
      const last = page.items.findLast((item) => item.kind !== 'gap')
      for (const item of page.items) yield item
      if (last === undefined || last.seq >= page.lastSeq) return
      cursor = last.seq
    }
  }

  /** One request: the events after `afterSeq` (at most a page), a gap first when there is one. */
  async page(afterSeq: number, signal?: AbortSignal): Promise<SapEventFeedPage> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
      throw HubError.validation(`event feed cursor must be a whole number ≥ 0, got ${afterSeq}`, {
        code: 'INVALID_CURSOR',
      })
    }
    const url = new URL(this.#feedUrl)
    url.searchParams.set('after', String(afterSeq))
    url.searchParams.set('limit', String(this.#pageSize))
    const response = await this.#get(url.toString(), signal)
    if (response.status !== 200) {
      throw classifySapFailure(
        { kind: 'response', operation: 'read', ...response, label: LABEL },
        this.#clock.now(),
      )
    }
    const page = this.#shape(response, afterSeq)
    const items: SapEventFeedItem[] = page.gap
      ? [{ kind: 'gap', afterSeq, oldestSeq: page.oldestSeq }]
      : []
    for (const { seq, event } of page.events) items.push(itemOf(seq, event))
    return { items, lastSeq: page.lastSeq }
  }

  async #get(url: string, signal: AbortSignal | undefined): Promise<HttpExchangeResponse> {
    try {
      return await httpExchange({
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
        timeoutMs: this.#timeoutMs,
        signal,
      })
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error
      throw classifySapFailure({ kind: 'network', operation: 'read', error, label: LABEL })
    }
  }

  /** A page that does not read, or whose sequences do not move forward, is retried, never skipped. */
  #shape(response: HttpExchangeResponse, afterSeq: number): z.output<typeof FeedPage> {
    const malformed = (reason: string, cause?: unknown) =>
      classifySapFailure({
        kind: 'malformed_success',
        operation: 'read',
        status: response.status,
        reason,
        label: LABEL,
        ...(cause === undefined ? {} : { cause }),
      })
    let body: unknown
    try {
      body = parseUntrustedJson(response.body, { source: 'SAP event feed' })
    } catch (cause) {
      throw malformed('the body is not JSON', cause)
    }
    const parsed = FeedPage.safeParse(body)
    if (!parsed.success) throw malformed('the body is not an event feed page', parsed.error)
    let previous = afterSeq
    for (const { seq } of parsed.data.events) {
      if (seq <= previous) throw malformed(`sequence ${seq} does not follow ${previous}`)
      previous = seq
    }
    return parsed.data
  }
}

function itemOf(seq: number, payload: unknown): SapEventFeedItem {
  try {
    return { kind: 'event', seq, event: parseSapBusinessEvent(payload) }
  } catch (error) {
    if (!HubError.is(error)) throw error
    return { kind: 'rejected', seq, error, payload }
  }
}
