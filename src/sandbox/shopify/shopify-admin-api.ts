/** @module sandbox/shopify/shopify-admin-api — what every Admin REST route shares: token check, leaky bucket, version and call-limit headers, paging. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { BusinessKey, EffectsLedger } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { FaultRenderer, GateContext, GatedRoute } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { shopifyErrors } from './shopify-errors.ts'
import type { FulfillmentBook } from './shopify-fulfillment-book.ts'
import type { ShopInventory } from './shopify-inventory.ts'
import type { LeakyBucket } from './shopify-leaky-bucket.ts'
import type { ShopifyStore } from './shopify-store.ts'
import type { WebhookSubscriptions } from './shopify-webhook-subscriptions.ts'
import { servedVersion, toId } from './shopify-wire.ts'

export const ADMIN_PREFIX = '/admin/api/:version'

export interface ShopifyAdminDeps {
  readonly gate: GateContext
  readonly store: ShopifyStore
  readonly fulfillments: FulfillmentBook
  readonly inventory: ShopInventory
  readonly subscriptions: WebhookSubscriptions
  readonly ledger: EffectsLedger
  readonly bucket: LeakyBucket
  /** Whether the X-Shopify-Access-Token is one the shop honours (a revoked token is not). */
  readonly authorized: (token: unknown) => boolean
  readonly shopDomain: string
  readonly currency: string
  readonly apiVersion: string
  readonly supportedVersions: readonly string[]
  readonly baseUrl: () => string
  /** Fires a webhook topic for a resource (serialised at trigger time). */
  readonly emit: (topic: string, resource: Record<string, unknown>, resourceId: bigint) => void
}

export interface AdminRouteOptions {
  /** false for graphql.json, which has its own cost bucket instead of the REST leaky bucket. */
  readonly restBucket?: boolean
  /** Renders scripted faults; default: the REST API's shapes. */
  readonly render?: FaultRenderer
}

export interface AdminRouter {
  route(
    method: string,
    path: string,
    handle: (request: FastifyRequest, version: string) => SimResponse,
    key?: (request: FastifyRequest) => BusinessKey | null,
    options?: AdminRouteOptions,
  ): void
}

export const paramsOf = (request: FastifyRequest): Record<string, string | undefined> =>
  request.params as Record<string, string | undefined>
export const queryOf = (request: FastifyRequest): Record<string, string | undefined> =>
  request.query as Record<string, string | undefined>

/** The key for `.../{kind}s/{id}.json` routes. */
export const idKey =
  (recordType: string) =>
  (request: FastifyRequest): BusinessKey | null => {
    const id = toId(paramsOf(request).id)
    return id === null ? null : { recordType, key: String(id) }
  }

/**
 * Registers the shared hooks and returns a router whose routes are gated. Headers on every
 * response: the version actually served (so fall-forward is visible) and, on Admin calls,
 * the bucket fill as `X-Shopify-Shop-Api-Call-Limit`.
 */
export function adminRouter(app: FastifyInstance, deps: ShopifyAdminDeps): AdminRouter {
  const callLimit = new WeakMap<IncomingMessage, number>()
  const versionOf = (path: string): string | null => {
    const match = /^\/admin\/api\/([^/]+)\//.exec(path)
    return match?.[1] === undefined ? null : servedVersion(match[1], deps.supportedVersions)
  }
  app.addHook('onSend', (request, reply, payload, done) => {
    const version = versionOf(request.url)
    reply.header('x-shopify-api-version', version ?? deps.apiVersion)
    const graphql = /\/graphql\.json(\?|$)/.test(request.url)
    if (version !== null && reply.statusCode !== 401 && !graphql) {
      reply.header(
        'x-shopify-shop-api-call-limit',
        `${callLimit.get(request.raw) ?? deps.bucket.used()}/${deps.bucket.size}`,
      )
    }
    done(null, payload)
  })

  const authOnly: GatedRoute['guard'] = (request) =>
    deps.authorized(request.headers['x-shopify-access-token']) ? null : shopifyErrors.unauthorized()
  const guard: GatedRoute['guard'] = (request) => {
    if (!deps.authorized(request.headers['x-shopify-access-token'])) {
      return shopifyErrors.unauthorized()
    }
    const take = deps.bucket.take()
    callLimit.set(request.raw, take.used)
    if (take.ok) return null
    const scope = deps.gate.scopeKey
    if (scope) deps.ledger.noteRetryAfter(scope, deps.gate.now() + 2000)
    return shopifyErrors.throttled()
  }

  return {
    route(method, path, handle, key, options = {}) {
      const gate = options.render ? { ...deps.gate, render: options.render } : deps.gate
      app.route({
        method,
        url: `${ADMIN_PREFIX}/${path}`,
        handler: gated(gate, {
          guard: options.restBucket === false ? authOnly : guard,
          key: key ?? (() => null),
          handle: (request) => handle(request, versionOf(request.url) ?? deps.apiVersion),
        }),
      })
    },
  }
}

export interface Page<T> {
  readonly items: T[]
  /** The Link header for the next page, if there is one. */
  readonly link: string | null
}

type Params = Readonly<Record<string, string | undefined>>

interface Cursor {
  readonly after: string
  readonly order: 'asc' | 'desc'
  /** The filters of the first request: Shopify allows only `limit` beside `page_info`. */
  readonly params: Params
}

/**
 * REST paging: `limit` (default 50, max 250), `since_id` (ascending), otherwise newest first;
 * further pages through an opaque `page_info` cursor in the Link header, as Shopify does.
 */
export function pageOf<T extends { id: bigint }>(
  sorted: readonly T[],
  request: FastifyRequest,
  url: string,
  filter: (items: readonly T[], params: Params) => T[] = (items) => [...items],
): Page<T> | SimResponse {
  const query = queryOf(request)
  const limit = Number(query.limit ?? 50)
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
    return shopifyErrors.invalid(400, { limit: 'Limit must be between 1 and 250' })
  }
  let cursor: Cursor | null = null
  if (query.page_info !== undefined) {
    try {
      cursor = JSON.parse(Buffer.from(query.page_info, 'base64url').toString('utf8')) as Cursor
      BigInt(cursor.after)
    } catch {
      return shopifyErrors.invalid(400, { page_info: 'Invalid value.' })
    }
  }
  const params: Params =
    cursor?.params ?? Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'limit'))
  const since = toId(params.since_id)
  const order = cursor?.order ?? (since === null ? 'desc' : 'asc')
  const after = cursor ? BigInt(cursor.after) : since
  const filtered = filter(sorted, params)
  const ordered = order === 'asc' ? filtered : filtered.reverse()
  const rest =
    after === null
      ? ordered
      : ordered.filter((r) => (order === 'asc' ? r.id > after : r.id < after))
  const items = rest.slice(0, limit)
  const last = items[items.length - 1]
  if (rest.length <= limit || !last) return { items, link: null }
  const next: Cursor = { after: String(last.id), order, params }
  const token = Buffer.from(JSON.stringify(next)).toString('base64url')
  return { items, link: `<${url}?limit=${limit}&page_info=${token}>; rel="next"` }
}
