/** @module connectors/shopify/shopify-admin-client — a small Admin REST client: orders, customers, webhook subscriptions. */
import type { Clock } from '../../clock/clock.ts'
import { headerValue } from '../wire/http-exchange.ts'
import { member, numericId, records, ShopifyRest } from './shopify-rest.ts'
import type { ShopifyCallLimit, ShopifyRecord } from './shopify-rest.ts'
import type { ShopifyConnectionConfig } from './shopify-spec.ts'

export type { ShopifyCallLimit, ShopifyRecord } from './shopify-rest.ts'

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
  /** Only these orders (at most 250, Shopify's page limit); reconciliation's read of chosen keys. */
  ids?: readonly string[]
}

export interface ShopifyWebhookSubscription {
  topic: string
  address: string
  format?: 'json'
}

export interface ShopifyAdminClientOptions {
  clock?: Clock
}

export class ShopifyAdminClient {
  /** The REST core, shared with the fulfillment and inventory clients of the same connection. */
  readonly rest: ShopifyRest

  constructor(config: ShopifyConnectionConfig, options: ShopifyAdminClientOptions = {}) {
    this.rest = new ShopifyRest(config, options)
  }

  /** The bucket level reported by the latest response; lets a governor slow down before a 429. */
  get lastCallLimit(): ShopifyCallLimit | undefined {
    return this.rest.lastCallLimit
  }

  /** The version Shopify actually served; differs from the configured one after a fall-forward. */
  get lastServedApiVersion(): string | undefined {
    return this.rest.lastServedApiVersion
  }

  async listOrders(query: ShopifyListOrdersQuery = {}, signal?: AbortSignal): Promise<ShopifyPage> {
    const filters = {
      status: query.status ?? 'any',
      since_id: query.sinceId,
      updated_at_min: query.updatedAtMin,
      ids: query.ids?.map((id) => numericId(id, 'order')).join(','),
    }
    return this.#list('orders', query, filters, signal)
  }

  async getOrder(id: string, signal?: AbortSignal): Promise<ShopifyRecord | null> {
    const body = await this.rest.call('GET', `orders/${numericId(id, 'order')}.json`, {
      signal,
      notFoundIsNull: true,
    })
    return body === null ? null : member(body, 'order', 'GET order')
  }

  /** Creates an order (`{ line_items, customer, … }` in Shopify's REST shape). Not idempotent. */
  async createOrder(order: ShopifyRecord, signal?: AbortSignal): Promise<ShopifyRecord> {
    const body = await this.rest.call('POST', 'orders.json', { body: { order }, signal })
    return member(body, 'order', 'POST order')
  }

  async listCustomers(query: ShopifyListQuery = {}, signal?: AbortSignal): Promise<ShopifyPage> {
    const filters = { since_id: query.sinceId, updated_at_min: query.updatedAtMin }
    return this.#list('customers', query, filters, signal)
  }

  async getCustomer(id: string, signal?: AbortSignal): Promise<ShopifyRecord | null> {
    const path = `customers/${numericId(id, 'customer')}.json`
    const body = await this.rest.call('GET', path, { signal, notFoundIsNull: true })
    return body === null ? null : member(body, 'customer', 'GET customer')
  }

  /** Subscribes `address` to `topic`. Subscriptions are removed by Shopify after 8 failed deliveries. */
  async createWebhook(
    subscription: ShopifyWebhookSubscription,
    signal?: AbortSignal,
  ): Promise<ShopifyRecord> {
    const webhook = { format: 'json', ...subscription }
    const body = await this.rest.call('POST', 'webhooks.json', { body: { webhook }, signal })
    return member(body, 'webhook', 'POST webhook')
  }

  async listWebhooks(query: ShopifyListQuery = {}, signal?: AbortSignal): Promise<ShopifyPage> {
    return this.#list('webhooks', query, { since_id: query.sinceId }, signal)
  }

  /** Returns false when the subscription was already gone, so re-running a cleanup is harmless. */
  async deleteWebhook(id: string, signal?: AbortSignal): Promise<boolean> {
    const body = await this.rest.call('DELETE', `webhooks/${numericId(id, 'webhook')}.json`, {
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
    const body = await this.rest.call(
      'GET',
      `${resource}.json`,
      { query: params, signal },
      (headers) => {
        nextPageInfo = nextPageCursor(headerValue(headers, 'link'))
      },
    )
    const items = records(body, resource, `GET ${resource}`)
    return { items, nextPageInfo, callLimit: this.rest.lastCallLimit }
  }
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
