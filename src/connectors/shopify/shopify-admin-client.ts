/** @module connectors/shopify/shopify-admin-client — a small Admin REST client: orders, customers, webhook subscriptions. */
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

export interface ShopifyPage {
  items: ShopifyRecord[]
  /** Cursor for the next page (from the `Link` header), if there is one. */
  nextPageInfo: string | undefined
  callLimit: ShopifyCallLimit | undefined
}

export interface ShopifyListQuery {
  /** 1–250; Shopify's default is 50. */
  limit?: number
  /** A cursor from `nextPageInfo`. Shopify then ignores every filter but `limit`, so the others are not sent. */
  pageInfo?: string
  sinceId?: string
  /** ISO instant; used by reconciliation to re-read what changed while webhooks were missed. */
  updatedAtMin?: string
}

export interface ShopifyListOrdersQuery extends ShopifyListQuery {
  /** Shopify's default is `open`; reconciliation wants `any`, so that is ours. */
  status?: 'open' | 'closed' | 'cancelled' | 'any'
}

export interface ShopifyWebhookSubscription {
  topic: string
  address: string
  format?: 'json'
}

export interface ShopifyAdminClientOptions {
  clock?: Clock
}

interface CallOptions {
  query?: Record<string, string | undefined>
  body?: unknown
  signal?: AbortSignal | undefined
  /** A 404 is an answer ("no such record"), not an error. */
  notFoundIsNull?: boolean
}

export class ShopifyAdminClient {
  readonly #config: ShopifyConnectionConfig
  readonly #clock: Clock
  #lastCallLimit: ShopifyCallLimit | undefined
  #lastServedApiVersion: string | undefined

  constructor(config: ShopifyConnectionConfig, options: ShopifyAdminClientOptions = {}) {
    this.#config = config
    this.#clock = options.clock ?? systemClock
  }

  /** The bucket level reported by the latest response; lets a governor slow down before a 429. */
  get lastCallLimit(): ShopifyCallLimit | undefined {
    return this.#lastCallLimit
  }

  /** The version Shopify actually served; differs from the configured one after a fall-forward. */
  get lastServedApiVersion(): string | undefined {
    return this.#lastServedApiVersion
  }

  async listOrders(query: ShopifyListOrdersQuery = {}, signal?: AbortSignal): Promise<ShopifyPage> {
    const filters = {
      status: query.status ?? 'any',
      since_id: query.sinceId,
      updated_at_min: query.updatedAtMin,
    }
    return this.#list('orders', query, filters, signal)
  }

  async getOrder(id: string, signal?: AbortSignal): Promise<ShopifyRecord | null> {
    const body = await this.#call('GET', `orders/${numericId(id, 'order')}.json`, {
      signal,
      notFoundIsNull: true,
    })
    return body === null ? null : member(body, 'order', 'GET order')
  }

  /** Creates an order (`{ line_items, customer, … }` in Shopify's REST shape). Not idempotent. */
  async createOrder(order: ShopifyRecord, signal?: AbortSignal): Promise<ShopifyRecord> {
    const body = await this.#call('POST', 'orders.json', { body: { order }, signal })
    return member(body, 'order', 'POST order')
  }

  async listCustomers(query: ShopifyListQuery = {}, signal?: AbortSignal): Promise<ShopifyPage> {
    const filters = { since_id: query.sinceId, updated_at_min: query.updatedAtMin }
    return this.#list('customers', query, filters, signal)
  }

  async getCustomer(id: string, signal?: AbortSignal): Promise<ShopifyRecord | null> {
    const path = `customers/${numericId(id, 'customer')}.json`
    const body = await this.#call('GET', path, { signal, notFoundIsNull: true })
    return body === null ? null : member(body, 'customer', 'GET customer')
  }

  /** Subscribes `address` to `topic`. Subscriptions are removed by Shopify after 8 failed deliveries. */
  async createWebhook(
    subscription: ShopifyWebhookSubscription,
    signal?: AbortSignal,
  ): Promise<ShopifyRecord> {
    const webhook = { format: 'json', ...subscription }
    const body = await this.#call('POST', 'webhooks.json', { body: { webhook }, signal })
    return member(body, 'webhook', 'POST webhook')
  }

  async listWebhooks(query: ShopifyListQuery = {}, signal?: AbortSignal): Promise<ShopifyPage> {
    return this.#list('webhooks', query, { since_id: query.sinceId }, signal)
  }

  /** Returns false when the subscription was already gone, so re-running a cleanup is harmless. */
  async deleteWebhook(id: string, signal?: AbortSignal): Promise<boolean> {
    const body = await this.#call('DELETE', `webhooks/${numericId(id, 'webhook')}.json`, {
      signal,
      notFoundIsNull: true,
    })
    return body !== null
  }

  async #list(
    resource: 'orders' | 'customers' | 'webhooks',
    query: ShopifyListQuery,
    filters: Record<string, string | undefined>,
    signal: AbortSignal | undefined,
  ): Promise<ShopifyPage> {
    const limit = query.limit === undefined ? undefined : String(query.limit)
    const params =
      query.pageInfo === undefined ? { ...filters, limit } : { page_info: query.pageInfo, limit }
    let nextPageInfo: string | undefined
    const body = await this.#call(
      'GET',
      `${resource}.json`,
      { query: params, signal },
      (headers) => {
        nextPageInfo = nextPageCursor(headerValue(headers, 'link'))
      },
    )
    const items = body === null ? undefined : body[resource]
    if (!Array.isArray(items) || !items.every(isRecord)) {
      throw HubError.retryable(`Shopify GET ${resource} returned no "${resource}" array`, {
        code: 'MALFORMED_BODY',
      })
    }
    return { items, nextPageInfo, callLimit: this.#lastCallLimit }
  }

  async #call(
    method: HttpMethod,
    path: string,
    options: CallOptions,
    onHeaders?: (headers: HttpHeaders) => void,
  ): Promise<ShopifyRecord | null> {
    const url = new URL(`${this.#config.adminBaseUrl}/admin/api/${this.#config.apiVersion}/${path}`)
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value)
    }
    const context: ShopifyCallContext = {
      label: `${method} /${path}`,
      idempotent: method !== 'POST',
      nowMs: this.#clock.now(),
    }
    let response: HttpExchangeResponse
    try {
      response = await httpExchange({
        method,
        url: url.toString(),
        headers: {
          accept: 'application/json',
          'x-shopify-access-token': this.#config.accessToken.reveal(),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        timeoutMs: this.#config.requestTimeoutMs,
        signal: options.signal,
      })
    } catch (error) {
      if (error instanceof HttpTransportError) throw classifyShopifyNetworkError(error, context)
      throw error
    }
    this.#observe(response.headers)
    if (response.status === 404 && options.notFoundIsNull === true) return null
    if (response.status < 200 || response.status > 299) {
      throw classifyShopifyResponse(response, context)
    }
    onHeaders?.(response.headers)
    return parseSuccessBody(response, context)
  }

  #observe(headers: HttpHeaders): void {
    const limit = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(
      headerValue(headers, 'x-shopify-shop-api-call-limit') ?? '',
    )
    if (limit) this.#lastCallLimit = { used: Number(limit[1]), max: Number(limit[2]) }
    const served = headerValue(headers, 'x-shopify-api-version')
    if (served !== undefined) this.#lastServedApiVersion = served
  }
}

function parseSuccessBody(
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

function member(body: ShopifyRecord | null, key: string, label: string): ShopifyRecord {
  const value = body?.[key]
  if (isRecord(value)) return value
  const message = `Shopify ${label} returned no "${key}" object`
  // After a 2xx to a create, the record exists but we cannot see it: the caller must read before retrying.
  if (label.startsWith('POST ')) throw HubError.unknownOutcome(message, { code: 'MALFORMED_BODY' })
  throw HubError.retryable(message, { code: 'MALFORMED_BODY' })
}

/** `Link: <https://…?page_info=abc&limit=50>; rel="next", <…>; rel="previous"` → `abc`. */
function nextPageCursor(link: string | undefined): string | undefined {
  if (link === undefined) return undefined
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)
    if (!match?.[1]) continue
    return new URL(match[1]).searchParams.get('page_info') ?? undefined
  }
  return undefined
}

/** Ids go into the URL path, so only Shopify's numeric ids are accepted (no `../`, no gid://). */
function numericId(id: string, what: string): string {
  if (/^\d{1,20}$/.test(id)) return id
  throw HubError.validation(
    `a Shopify ${what} id must be numeric, got ${JSON.stringify(id.slice(0, 64))}`,
    {
      code: 'INVALID_ID',
    },
  )
}

function isRecord(value: unknown): value is ShopifyRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
