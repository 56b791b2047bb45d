/** @module connectors/shopify/shopify-error-classifier — Admin API responses and network failures → HubError. */
import { HubError } from '../../errors/hub-error.ts'
import type { ErrorType } from '../../errors/hub-error.ts'
import { headerValue } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse } from '../wire/http-exchange.ts'
import { networkFailureStage } from '../wire/network-failure.ts'
import { parseRetryAfterMs } from '../wire/retry-after.ts'
import { parseShopifyJson } from './shopify-json.ts'

/** Shopify's REST bucket leaks 2 requests/s; one second frees at least one slot. */
export const SHOPIFY_DEFAULT_RETRY_AFTER_MS = 1000

export interface ShopifyCallContext {
  /** What the call was, for messages: `GET /orders/1.json`. */
  label: string
  /** Whether repeating the call could duplicate an effect (POST creates). */
  idempotent: boolean
  nowMs: number
}

/** The rules in order, for docs and tests; `classifyShopifyResponse` applies the first that matches. */
export const SHOPIFY_RESPONSE_RULES: readonly { when: string; type: ErrorType }[] = [
  { when: '429 Too Many Requests (Retry-After seconds, else 1 s)', type: 'throttled' },
  {
    when: '401 / 403 (token revoked or scope missing), 402 / 423 (shop frozen or locked)',
    type: 'auth',
  },
  { when: '409', type: 'conflict' },
  { when: '422 and other 4xx (message and first field from `errors`)', type: 'validation' },
  { when: '503', type: 'retryable' },
  { when: 'other 5xx on an idempotent call', type: 'retryable' },
  { when: 'other 5xx on a create (POST): it may have been applied', type: 'unknown_outcome' },
]

export function classifyShopifyResponse(
  response: HttpExchangeResponse,
  context: ShopifyCallContext,
): HubError {
  const { status } = response
  const { message: detail, path } = errorDetail(response.body)
  const message = `Shopify ${context.label} returned ${status}${detail ? `: ${detail}` : ''}`
  const options = { status, ...(path === undefined ? {} : { path }) }
  if (status === 429) {
    const retryAfterMs =
      parseRetryAfterMs(headerValue(response.headers, 'retry-after'), context.nowMs) ??
      SHOPIFY_DEFAULT_RETRY_AFTER_MS
    return HubError.throttled(message, retryAfterMs, options)
  }
  if (status === 401 || status === 403 || status === 402 || status === 423) {
    return HubError.auth(message, options)
  }
  if (status === 409) return HubError.conflict(message, options)
  if (status >= 400 && status < 500) return HubError.validation(message, options)
  if (status === 503 || context.idempotent) return HubError.retryable(message, options)
  if (status >= 500) return HubError.unknownOutcome(message, options)
  // 1xx/3xx reaching here means a redirect or protocol oddity we do not follow; it did not succeed.
  return HubError.retryable(`Shopify ${context.label} returned unexpected status ${status}`, {
    status,
  })
}

/** Network failure: retryable if the request never left or the call is idempotent, else unknown outcome. */
export function classifyShopifyNetworkError(error: unknown, context: ShopifyCallContext): HubError {
  const reason = error instanceof Error ? error.message : String(error)
  if (context.idempotent || networkFailureStage(error) === 'not_sent') {
    return HubError.retryable(`Shopify ${context.label} failed: ${reason}`, { cause: error })
  }
  return HubError.unknownOutcome(
    `Shopify ${context.label} may or may not have been applied: ${reason}`,
    {
      cause: error,
    },
  )
}

/** Shopify errors are `{"errors": "text"}`, `{"errors": {"field": ["msg"]}}` or `{"error": "text"}`. */
function errorDetail(body: string): { message: string | undefined; path: string | undefined } {
  if (body.trim() === '') return { message: undefined, path: undefined }
  let parsed: unknown
  try {
    parsed = parseShopifyJson(body, 'Shopify error body')
  } catch {
    return { message: body.slice(0, 200), path: undefined }
  }
  if (typeof parsed !== 'object' || parsed === null) return { message: undefined, path: undefined }
  const errors =
    (parsed as { errors?: unknown; error?: unknown }).errors ??
    (parsed as { error?: unknown }).error
  if (typeof errors === 'string') return { message: errors, path: undefined }
  if (Array.isArray(errors)) return { message: errors.map(String).join('; '), path: undefined }
  if (typeof errors === 'object' && errors !== null) {
    const entries = Object.entries(errors)
    const message = entries
      .map(
        ([field, reasons]) =>
          `${field} ${Array.isArray(reasons) ? reasons.map(String).join(', ') : String(reasons)}`,
      )
      .join('; ')
    return { message, path: entries[0]?.[0] }
  }
  return { message: undefined, path: undefined }
}
