/** @module connectors/shopify/shopify-webhook-headers — reads a webhook delivery's `X-Shopify-*` headers. */
import { HubError } from '../../errors/hub-error.ts'

/** Node's `IncomingHttpHeaders`, a plain record, or a fetch `Headers`. */
export type WebhookHeaderSource =
  Record<string, string | string[] | undefined> | { get(name: string): string | null }

export interface ShopifyWebhookHeaders {
  /** e.g. `orders/create`. */
  topic: string
  /** `{shop}.myshopify.com`, the tenant key. */
  shopDomain: string
  /** Unique per delivery and stable across its retries: the dedupe key. */
  webhookId: string
  /** Shared by every delivery caused by one merchant action; absent on older API versions. */
  eventId: string | undefined
  /** When the event fired, epoch ms. Retries carry the original payload, so this orders and ages them. */
  triggeredAt: number
  /** The API version the payload was serialised with. */
  apiVersion: string
  /** The `X-Shopify-Hmac-Sha256` value, for the verifier. */
  hmac: string | undefined
  /** Optional subscription name. */
  subscriptionName: string | undefined
  /** `now - triggeredAt`; negative when the sender's clock is ahead. */
  ageMs: number
  /** Older than `staleAfterMs`: still processed, but the flow must not let it overwrite newer state. */
  stale: boolean
}

export interface ParseShopifyWebhookHeadersOptions {
  now: number
  staleAfterMs: number
  /** When set, a delivery for another shop is rejected (a secret shared across shops is a misconfiguration). */
  expectedShopDomain?: string
}

/** Parses the headers case-insensitively; a missing or malformed required header → HubError.validation naming it. */
export function parseShopifyWebhookHeaders(
  source: WebhookHeaderSource,
  options: ParseShopifyWebhookHeadersOptions,
): ShopifyWebhookHeaders {
  const read = headerReader(source)
  const topic = required(read, 'X-Shopify-Topic', /^[a-z_]+\/[a-z_]+$/, 'e.g. "orders/create"')
  const shopDomain = required(
    read,
    'X-Shopify-Shop-Domain',
    /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/,
    'e.g. "acme.myshopify.com"',
  )
  const webhookId = required(read, 'X-Shopify-Webhook-Id', /^\S{1,255}$/, 'a non-blank id')
  const triggeredRaw = required(read, 'X-Shopify-Triggered-At', /\S/, 'an ISO-8601 instant')
  const apiVersion = required(
    read,
    'X-Shopify-API-Version',
    /^(\d{4}-\d{2}|unstable)$/,
    'e.g. "2026-01"',
  )
  const triggeredAt = Date.parse(triggeredRaw)
  if (Number.isNaN(triggeredAt)) {
    throw HubError.validation(
      `header X-Shopify-Triggered-At is not an ISO-8601 instant: ${JSON.stringify(triggeredRaw.slice(0, 64))}`,
      { code: 'INVALID_HEADER', path: 'X-Shopify-Triggered-At' },
    )
  }
  if (options.expectedShopDomain !== undefined && shopDomain !== options.expectedShopDomain) {
    throw HubError.validation(
      `header X-Shopify-Shop-Domain is ${shopDomain}, but this connection is for ${options.expectedShopDomain}`,
      { code: 'WRONG_SHOP', path: 'X-Shopify-Shop-Domain' },
    )
  }
  const ageMs = options.now - triggeredAt
  return {
    topic,
    shopDomain,
    webhookId,
    eventId: optional(read, 'X-Shopify-Event-Id'),
    triggeredAt,
    apiVersion,
    hmac: optional(read, 'X-Shopify-Hmac-Sha256'),
    subscriptionName: optional(read, 'X-Shopify-Name'),
    ageMs,
    stale: ageMs > options.staleAfterMs,
  }
}

type HeaderRead = (name: string) => string | undefined

function headerReader(source: WebhookHeaderSource): HeaderRead {
  if (typeof source.get === 'function') {
    const headers = source as { get(name: string): string | null }
    return (name) => headers.get(name) ?? undefined
  }
  const lowered = new Map<string, string | string[] | undefined>()
  for (const [key, value] of Object.entries(source)) {
    lowered.set(key.toLowerCase(), value as string | string[] | undefined)
  }
  return (name) => {
    const value = lowered.get(name.toLowerCase())
    if (!Array.isArray(value)) return value
    // A repeated dedupe or signature header is ambiguous; refuse rather than pick one.
    if (value.length > 1) {
      throw HubError.validation(
        `header ${name} appears ${value.length} times; expected exactly once`,
        {
          code: 'INVALID_HEADER',
          path: name,
        },
      )
    }
    return value[0]
  }
}

function required(read: HeaderRead, name: string, pattern: RegExp, hint: string): string {
  const value = read(name)?.trim()
  if (value === undefined || value === '') {
    throw HubError.validation(`required webhook header ${name} is missing`, {
      code: 'MISSING_HEADER',
      path: name,
    })
  }
  if (!pattern.test(value)) {
    throw HubError.validation(
      `header ${name} is malformed (expected ${hint}): ${JSON.stringify(value.slice(0, 64))}`,
      {
        code: 'INVALID_HEADER',
        path: name,
      },
    )
  }
  return value
}

function optional(read: HeaderRead, name: string): string | undefined {
  const value = read(name)?.trim()
  return value === undefined || value === '' ? undefined : value
}
