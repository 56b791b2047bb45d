/** @module connectors/shopify/shopify-rest — one Admin REST call: token header, deadline, lossless body, bucket and version headers observed, failures classified. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, headerValue, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpHeaders, HttpMethod } from '../wire/http-exchange.ts'
import { classifyShopifyNetworkError, classifyShopifyResponse } from './shopify-error-classifier.ts'
import type { ShopifyCallContext } from './shopify-error-classifier.ts'
import { parseShopifyJson, SHOPIFY_ADMIN_JSON_MAX_VALUES } from './shopify-json.ts'
import type { ShopifyConnectionConfig } from './shopify-spec.ts'

/** A Shopify resource as parsed by `parseShopifyJson`: ids are exact strings. */
export type ShopifyRecord = Record<string, unknown>

/** `X-Shopify-Shop-Api-Call-Limit: 32/40`: the leaky bucket's fill level after the call. */
export interface ShopifyCallLimit {
  used: number
  max: number
}

export interface ShopifyRestOptions {
  clock?: Clock
}

export interface ShopifyCallOptions {
  query?: Record<string, string | undefined>
  body?: unknown
  signal?: AbortSignal | undefined
  /** A 404 is an answer ("no such record"), not an error. */
  notFoundIsNull?: boolean
  /** Whether a repeat is harmless; default: every method but POST. An absolute set is a POST that is. */
  idempotent?: boolean
}

export class ShopifyRest {
  readonly config: ShopifyConnectionConfig
  readonly #clock: Clock
  #lastCallLimit: ShopifyCallLimit | undefined
  #lastServedApiVersion: string | undefined

  constructor(config: ShopifyConnectionConfig, options: ShopifyRestOptions = {}) {
    this.config = config
    this.#clock = options.clock ?? systemClock
  }

  get clock(): Clock {
    return this.#clock
  }

  /** The bucket level reported by the latest response; lets a governor slow down before a 429. */
  get lastCallLimit(): ShopifyCallLimit | undefined {
    return this.#lastCallLimit
  }

  /** The version Shopify actually served; differs from the configured one after a fall-forward. */
  get lastServedApiVersion(): string | undefined {
    return this.#lastServedApiVersion
  }

  /** `path` is relative to `/admin/api/<version>/`. Resolves to the parsed body, or null for an allowed 404. */
  async call(
    method: HttpMethod,
    path: string,
    options: ShopifyCallOptions,
    onHeaders?: (headers: HttpHeaders) => void,
  ): Promise<ShopifyRecord | null> {
    const url = new URL(`${this.config.adminBaseUrl}/admin/api/${this.config.apiVersion}/${path}`)
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value)
    }
    const context: ShopifyCallContext = {
      label: `${method} /${path}`,
      idempotent: options.idempotent ?? method !== 'POST',
      nowMs: this.#clock.now(),
    }
    let response: HttpExchangeResponse
    try {
      response = await httpExchange({
        method,
        url: url.toString(),
        headers: {
          accept: 'application/json',
          'x-shopify-access-token': this.config.accessToken.reveal(),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        timeoutMs: this.config.requestTimeoutMs,
        signal: options.signal,
      })
    } catch (error) {
      if (error instanceof HttpTransportError) throw classifyShopifyNetworkError(error, context)
      throw error
    }
    this.observe(response.headers)
    if (response.status === 404 && options.notFoundIsNull === true) return null
    if (response.status < 200 || response.status > 299) {
      throw classifyShopifyResponse(response, context)
    }
    onHeaders?.(response.headers)
    return parseSuccessBody(response, context)
  }

  /** Records the bucket fill and the served version from any Admin API response. */
  observe(headers: HttpHeaders): void {
    const limit = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(
      headerValue(headers, 'x-shopify-shop-api-call-limit') ?? '',
    )
    if (limit) this.#lastCallLimit = { used: Number(limit[1]), max: Number(limit[2]) }
    const served = headerValue(headers, 'x-shopify-api-version')
    if (served !== undefined) this.#lastServedApiVersion = served
  }
}

/** A 2xx body as a record; unreadable is retryable for a read and unknown_outcome for a create. */
export function parseSuccessBody(
  response: HttpExchangeResponse,
  context: ShopifyCallContext,
): ShopifyRecord {
  // DELETE answers `{}` or nothing; either way it succeeded.
  if (response.body.trim() === '') return {}
  try {
    const parsed = parseShopifyJson(
      response.body,
      `Shopify ${context.label} response`,
      SHOPIFY_ADMIN_JSON_MAX_VALUES,
    )
    if (isRecord(parsed)) return parsed
    throw new TypeError('the body is not a JSON object')
  } catch (error) {
    const message = `Shopify ${context.label} returned ${response.status} with an unreadable body`
    // A create that answered 2xx happened; only its echo is lost, so the caller must read before retrying.
    if (!context.idempotent) {
      throw HubError.unknownOutcome(message, { cause: error, status: response.status })
    }
    throw HubError.retryable(message, { cause: error, status: response.status })
  }
}

export function member(body: ShopifyRecord | null, key: string, label: string): ShopifyRecord {
  const value = body?.[key]
  if (isRecord(value)) return value
  const message = `Shopify ${label} returned no "${key}" object`
  // After a 2xx to a create, the record exists but we cannot see it: the caller must read before retrying.
  if (label.startsWith('POST ')) throw HubError.unknownOutcome(message, { code: 'MALFORMED_BODY' })
  throw HubError.retryable(message, { code: 'MALFORMED_BODY' })
}

/** The `key` array of a list response, every element a record. */
export function records(body: ShopifyRecord | null, key: string, label: string): ShopifyRecord[] {
  const items = body?.[key]
  if (!Array.isArray(items) || !items.every(isRecord)) {
    throw HubError.retryable(`Shopify ${label} returned no "${key}" array`, {
      code: 'MALFORMED_BODY',
    })
  }
  return items
}

/** Ids go into the URL path, so only Shopify's numeric ids are accepted (no `../`, no gid://). */
export function numericId(id: string, what: string): string {
  if (/^\d{1,20}$/.test(id)) return id
  throw HubError.validation(
    `a Shopify ${what} id must be numeric, got ${JSON.stringify(id.slice(0, 64))}`,
    {
      code: 'INVALID_ID',
    },
  )
}

export function isRecord(value: unknown): value is ShopifyRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
