/** @module connectors/threepl/threepl-client — the WMS API: create fulfillment orders idempotently, read them by business key, cancel, read stock. */
import type { z } from 'zod'
import type { InventoryLevel } from '../../canonical/index.ts'
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpMethod } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import {
  ThreePlFulfillmentOrder,
  ThreePlInventoryPage,
  ThreePlOrderPage,
} from './threepl-api-shapes.ts'
import { classifyThreePlFailure, parseThreePlErrorBody } from './threepl-error-classifier.ts'
import type { ThreePlFailure, ThreePlOperation } from './threepl-error-classifier.ts'
import { threePlInventoryPageToCanonical } from './threepl-inbound-mapping.ts'
import type { ThreePlFulfillmentOrderBody } from './threepl-outbound-mapping.ts'
import type { ThreePlConnectionConfig } from './threepl-spec.ts'

export const FULFILLMENT_ORDERS_PATH = '/v1/fulfillment_orders'
export const INVENTORY_PATH = '/v1/inventory'
/** The most the WMS serves per inventory page. */
const INVENTORY_PAGE_SIZE = 200
/** A snapshot longer than this is a cursor that never ends, not a catalogue. */
const MAX_PAGES = 1000

export interface ThreePlWriteOptions {
  signal?: AbortSignal
  /** Sent as `Idempotency-Key`: the same key and body within 24 h replays the first answer. */
  idempotencyKey?: string
}

export interface ThreePlCreateResult {
  id: string
  /** False when the account already held an order with this external reference (409). */
  created: boolean
  /** The order as the create answered it; absent when it already existed. */
  order: ThreePlFulfillmentOrder | undefined
}

export interface ThreePlInventorySnapshot {
  /** One level per SKU and warehouse. */
  levels: InventoryLevel[]
  /**
   * The lowest `as_of_sequence` of the pages: every event up to it is in these numbers, so only
   * events after it need replaying on top. Pages read later may include a few more.
   */
  asOfSequence: number
  pages: number
}

interface Call {
  method: HttpMethod
  path: string
  operation: ThreePlOperation
  body?: unknown
  signal?: AbortSignal | undefined
  idempotencyKey?: string | undefined
}

export class ThreePlClient {
  readonly #config: ThreePlConnectionConfig
  readonly #clock: Clock

  constructor(config: ThreePlConnectionConfig, options: { clock?: Clock } = {}) {
    this.#config = config
    this.#clock = options.clock ?? systemClock
  }

  /**
   * Creates the fulfillment order, repeat-safe twice over: the `Idempotency-Key` replays the first
   * answer, and the external reference is unique per account, so a create that meets an existing
   * order (409 `duplicate_external_reference`) returns that order's id instead of making another.
   */
  async createFulfillmentOrder(
    body: ThreePlFulfillmentOrderBody,
    options: ThreePlWriteOptions = {},
  ): Promise<ThreePlCreateResult> {
    const call: Call = {
      method: 'POST',
      path: FULFILLMENT_ORDERS_PATH,
      operation: 'write',
      body,
      signal: options.signal,
      idempotencyKey: options.idempotencyKey,
    }
    const response = await this.#exchange(call)
    if (response.status === 409) {
      const error = parseThreePlErrorBody(response.body)
      if (error.code === 'duplicate_external_reference' && error.existingId !== undefined) {
        return { id: error.existingId, created: false, order: undefined }
      }
    }
    const order = this.#read(response, call, ThreePlFulfillmentOrder)
    return { id: order.id, created: true, order }
  }

  /** The order with this WMS id, or null when the account has none (404 `resource_missing`). */
  async getFulfillmentOrder(
    id: string,
    signal?: AbortSignal,
  ): Promise<ThreePlFulfillmentOrder | null> {
    const call: Call = { method: 'GET', path: orderPath(id), operation: 'read', signal }
    const response = await this.#exchange(call)
    if (isMissing(response)) return null
    return this.#read(response, call, ThreePlFulfillmentOrder)
  }

  /**
   * The in-doubt read: the order holding this external reference, or null. Only an order that
   * really carries the reference counts, so a proxy that ignored the filter cannot pass one off.
   */
  async getFulfillmentOrderByReference(
    reference: string,
    signal?: AbortSignal,
  ): Promise<ThreePlFulfillmentOrder | null> {
    const query = new URLSearchParams({ external_reference: reference, limit: '1' })
    const call: Call = {
      method: 'GET',
      path: `${FULFILLMENT_ORDERS_PATH}?${query.toString()}`,
      operation: 'read',
      signal,
    }
    const page = this.#read(await this.#exchange(call), call, ThreePlOrderPage)
    return page.data.find((o) => o.external_reference === reference) ?? null
  }

  /** Cancels before shipping. A second cancel is 200 and changes nothing; a shipped order is 409. */
  async cancelFulfillmentOrder(
    id: string,
    options: ThreePlWriteOptions & { reason?: string } = {},
  ): Promise<ThreePlFulfillmentOrder> {
    const call: Call = {
      method: 'POST',
      path: `${orderPath(id)}/cancel`,
      operation: 'write',
      body: options.reason === undefined ? {} : { reason: options.reason },
      signal: options.signal,
      idempotencyKey: options.idempotencyKey,
    }
    return this.#read(await this.#exchange(call), call, ThreePlFulfillmentOrder)
  }

  /** Finds the order by its business key, then cancels it; no such order is a validation error. */
  async cancelByReference(
    reference: string,
    options: ThreePlWriteOptions & { reason?: string } = {},
  ): Promise<ThreePlFulfillmentOrder> {
    const order = await this.getFulfillmentOrderByReference(reference, options.signal)
    if (order === null) {
      throw HubError.validation(
        `the 3PL has no fulfillment order with external reference ${reference}`,
        {
          code: 'NO_SUCH_ORDER',
          path: 'external_reference',
        },
      )
    }
    return this.cancelFulfillmentOrder(order.id, options)
  }

  /**
   * Stock per SKU and warehouse, every page: the reconciliation read that catches up on
   * `inventory.adjusted` events that were missed. Filters by `warehouseId` from the config unless
   * `warehouse` is given.
   */
  async inventorySnapshot(
    options: { skus?: readonly string[]; warehouse?: string; signal?: AbortSignal } = {},
  ): Promise<ThreePlInventorySnapshot> {
    const first = new URLSearchParams({ limit: String(INVENTORY_PAGE_SIZE) })
    if (options.skus !== undefined) first.set('sku', options.skus.join(','))
    const warehouse = options.warehouse ?? this.#config.warehouseId
    if (warehouse !== undefined) first.set('warehouse', warehouse)
    const levels: InventoryLevel[] = []
    let asOfSequence = Number.POSITIVE_INFINITY
    let query = first
    for (let pages = 1; pages <= MAX_PAGES; pages++) {
      const call: Call = {
        method: 'GET',
        path: `${INVENTORY_PATH}?${query.toString()}`,
        operation: 'read',
        signal: options.signal,
      }
      const page = this.#read(await this.#exchange(call), call, ThreePlInventoryPage)
      levels.push(...threePlInventoryPageToCanonical(page))
      asOfSequence = Math.min(asOfSequence, page.as_of_sequence)
      if (!page.has_more || page.next_cursor === null) return { levels, asOfSequence, pages }
      // Later pages keep the first request's filters: only the cursor and the size are sent.
      query = new URLSearchParams({ limit: String(INVENTORY_PAGE_SIZE), cursor: page.next_cursor })
    }
    throw this.#classify({
      kind: 'malformed_success',
      operation: 'read',
      status: 200,
      reason: `the inventory cursor did not end after ${MAX_PAGES} pages`,
      label: `GET ${INVENTORY_PATH}`,
    })
  }

  async #exchange(call: Call): Promise<HttpExchangeResponse> {
    try {
      return await httpExchange({
        method: call.method,
        url: `${this.#config.baseUrl}${call.path}`,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${this.#config.apiKey.reveal()}`,
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(call.idempotencyKey === undefined ? {} : { 'idempotency-key': call.idempotencyKey }),
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        timeoutMs: this.#config.requestTimeoutMs,
        signal: call.signal,
      })
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error
      throw this.#classify({
        kind: 'network',
        operation: call.operation,
        error,
        label: label(call),
      })
    }
  }

  /** A 2xx body of the expected shape, or the classified failure. */
  #read<S extends z.ZodType>(response: HttpExchangeResponse, call: Call, shape: S): z.output<S> {
    if (response.status < 200 || response.status > 299) {
      throw this.#classify({
        kind: 'response',
        operation: call.operation,
        status: response.status,
        headers: response.headers,
        body: response.body,
        label: label(call),
      })
    }
    const malformed = (reason: string, cause?: unknown): HubError =>
      this.#classify({
        kind: 'malformed_success',
        operation: call.operation,
        status: response.status,
        reason,
        label: label(call),
        ...(cause === undefined ? {} : { cause }),
      })
    let parsed: unknown
    try {
      parsed = parseUntrustedJson(response.body, { source: `3PL ${label(call)} response` })
    } catch (cause) {
      throw malformed('the body is not JSON', cause)
    }
    const checked = shape.safeParse(parsed)
    if (!checked.success) {
      throw malformed('the body does not have the expected shape', checked.error)
    }
    return checked.data
  }

  #classify(failure: ThreePlFailure): HubError {
    return classifyThreePlFailure(failure, this.#clock.now())
  }
}

function orderPath(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw HubError.validation(
      `not a 3PL fulfillment order id: ${JSON.stringify(id.slice(0, 64))}`,
      {
        code: 'INVALID_ID',
      },
    )
  }
  return `${FULFILLMENT_ORDERS_PATH}/${id}`
}

/** A 404 means "no such order" only when the WMS says `resource_missing`: a wrong base URL must not pass for "absent". */
function isMissing(response: HttpExchangeResponse): boolean {
  return response.status === 404 && parseThreePlErrorBody(response.body).code === 'resource_missing'
}

// Query strings can carry customer data (an external reference); the path names the call.
function label(call: Call): string {
  return `${call.method} ${call.path.split('?')[0] ?? call.path}`
}
