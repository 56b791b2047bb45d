/** @module connectors/shopify/shopify-graphql-errors — GraphQL Admin answers (HTTP 200 with `errors`, or `userErrors` in a payload) → HubError. */
import { HubError } from '../../errors/hub-error.ts'
import type { ErrorType } from '../../errors/hub-error.ts'
import type { ShopifyCallContext } from './shopify-error-classifier.ts'

export interface ShopifyThrottleStatus {
  maximumAvailable: number
  currentlyAvailable: number
  restoreRate: number
}

export interface ShopifyQueryCost {
  requestedQueryCost: number
  actualQueryCost: number | null
  throttleStatus: ShopifyThrottleStatus
}

/** When a THROTTLED answer carries no cost to compute a wait from. */
export const SHOPIFY_GRAPHQL_DEFAULT_RETRY_AFTER_MS = 1000

/** The rules in order, for docs and tests; `classifyShopifyGraphql` applies the first that matches. */
export const SHOPIFY_GRAPHQL_RULES: readonly { when: string; type: ErrorType }[] = [
  {
    when: 'GraphQL `THROTTLED` (HTTP 200): wait (requested − currentlyAvailable) ÷ restoreRate',
    type: 'throttled',
  },
  { when: 'GraphQL `ACCESS_DENIED` (scope missing)', type: 'auth' },
  {
    when: 'GraphQL `INTERNAL_SERVER_ERROR` on a query (on a mutation: unknown outcome)',
    type: 'retryable',
  },
  {
    when: 'GraphQL `MAX_COST_EXCEEDED`, syntax, unknown field, bad argument or variable',
    type: 'validation',
  },
  { when: 'a mutation payload with `userErrors`', type: 'validation' },
]

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)

/** `extensions.cost`, when the answer has a well-formed one. */
export function queryCostOf(body: unknown): ShopifyQueryCost | undefined {
  const cost = isObject(body) && isObject(body.extensions) ? body.extensions.cost : undefined
  if (!isObject(cost) || !isObject(cost.throttleStatus)) return undefined
  const t = cost.throttleStatus
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined)
  const requested = num(cost.requestedQueryCost)
  const max = num(t.maximumAvailable)
  const available = num(t.currentlyAvailable)
  const restore = num(t.restoreRate)
  if (requested === undefined || max === undefined || available === undefined) return undefined
  if (restore === undefined || restore <= 0) return undefined
  return {
    requestedQueryCost: requested,
    actualQueryCost: num(cost.actualQueryCost) ?? null,
    throttleStatus: { maximumAvailable: max, currentlyAvailable: available, restoreRate: restore },
  }
}

/** How long until the bucket holds `cost` points, at its restore rate; at least one point's worth. */
export function waitForPointsMs(cost: number, status: ShopifyThrottleStatus): number {
  const deficit = Math.max(1, cost - status.currentlyAvailable)
  return Math.ceil((deficit / status.restoreRate) * 1000)
}

/** The first error of a GraphQL answer as a HubError, or null when it has none. */
export function classifyShopifyGraphql(
  body: unknown,
  context: ShopifyCallContext,
): HubError | null {
  const errors = isObject(body) && Array.isArray(body.errors) ? (body.errors as unknown[]) : []
  if (errors.length === 0) return null
  const codes = errors.map((e) =>
    isObject(e) && isObject(e.extensions) && typeof e.extensions.code === 'string'
      ? e.extensions.code
      : undefined,
  )
  const messages = errors.map((e) => (isObject(e) ? textOf(e.message) : textOf(e)))
  const message = `Shopify ${context.label} answered: ${messages.slice(0, 3).join('; ')}`
  const first = errors[0]
  const path =
    isObject(first) && Array.isArray(first.path) ? first.path.map(String).join('.') : undefined
  const options = { status: 200, ...(path === undefined ? {} : { path }) }
  if (codes.includes('THROTTLED')) {
    const cost = queryCostOf(body)
    const wait =
      cost === undefined
        ? SHOPIFY_GRAPHQL_DEFAULT_RETRY_AFTER_MS
        : waitForPointsMs(cost.requestedQueryCost, cost.throttleStatus)
    return HubError.throttled(message, wait, { ...options, code: 'THROTTLED' })
  }
  if (codes.includes('ACCESS_DENIED')) {
    return HubError.auth(message, { ...options, code: 'ACCESS_DENIED' })
  }
  if (codes.includes('INTERNAL_SERVER_ERROR')) {
    const code = 'INTERNAL_SERVER_ERROR'
    return context.idempotent
      ? HubError.retryable(message, { ...options, code })
      : HubError.unknownOutcome(message, { ...options, code })
  }
  const code = codes.find((c) => c !== undefined) ?? 'GRAPHQL_ERROR'
  return HubError.validation(message, { ...options, code })
}

/** A mutation payload's `userErrors` as one validation error naming the first field, or null. */
export function userErrorsOf(payload: unknown, label: string): HubError | null {
  const list = isObject(payload) && Array.isArray(payload.userErrors) ? payload.userErrors : []
  const errors = list.filter(isObject)
  if (errors.length === 0) return null
  const first = errors[0]
  const field = Array.isArray(first?.field) ? first.field.map(String).join('.') : undefined
  const code = typeof first?.code === 'string' ? first.code : 'USER_ERROR'
  const text = errors
    .slice(0, 3)
    .map((e) => textOf(e.message))
    .join('; ')
  return HubError.validation(`Shopify ${label} refused: ${text}`, {
    code,
    ...(field === undefined ? {} : { path: field }),
  })
}
