/** @module sandbox/threepl/threepl-api — what every /v1 route shares: API-key or bearer auth, the account's concurrency cap and token bucket, rate-limit headers, cursor paging. */

import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { BusinessKey, EffectsLedger } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext, GatedRoute } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import type { RateTake, TokenBucket } from './threepl-rate-limiter.ts'
import { threeplErrors } from './threepl-errors.ts'

export const API_PREFIX = '/v1'

export interface ApiGuardDeps {
  readonly gate: GateContext
  readonly ledger: EffectsLedger
  /** Keys valid now; a rotation through /__sim revokes the old ones. */
  readonly apiKeys: () => readonly string[]
  readonly bucket: TokenBucket
  readonly concurrencyLimit: () => number | null
}

export interface ApiRouter {
  route(
    method: string,
    path: string,
    handle: (request: FastifyRequest) => SimResponse,
    key?: (request: FastifyRequest) => BusinessKey | null,
  ): void
}

export const paramsOf = (request: FastifyRequest): Record<string, string | undefined> =>
  request.params as Record<string, string | undefined>
export const queryOf = (request: FastifyRequest): Record<string, string | undefined> =>
  request.query as Record<string, string | undefined>

/** `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared in constant time. */
function presentedKey(request: FastifyRequest): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
  const header = request.headers['x-api-key']
  return bearer ?? (typeof header === 'string' ? header : null)
}

function sameKey(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)]
  return a.length === b.length && timingSafeEqual(a, b)
}

export function apiRouter(app: FastifyInstance, deps: ApiGuardDeps): ApiRouter {
  const taken = new WeakMap<IncomingMessage, RateTake>()
  // Every answer past authentication shows the bucket, so a client can slow down before a 429.
  app.addHook('onSend', (request, reply, payload, done) => {
    const take = taken.get(request.raw)
    if (take && !reply.hasHeader('x-ratelimit-limit')) {
      reply.header('x-ratelimit-limit', String(take.limit))
      reply.header('x-ratelimit-remaining', String(take.remaining))
      reply.header('x-ratelimit-reset', String(take.resetSeconds))
    }
    done(null, payload)
  })
  let admitted = 0

  const guard: GatedRoute['guard'] = (request, tracked) => {
    const key = presentedKey(request)
    if (key === null || !deps.apiKeys().some((k) => sameKey(key, k))) {
      return threeplErrors.unauthorized()
    }
    const cap = deps.concurrencyLimit()
    if (cap !== null && admitted >= cap) {
      deps.ledger.recordConcurrencyRejection()
      return threeplErrors.concurrencyLimit()
    }
    admitted += 1
    tracked.onEnd(() => {
      admitted -= 1
    })
    const take = deps.bucket.take()
    taken.set(request.raw, take)
    if (take.ok) return null
    const scope = deps.gate.scopeKey
    if (scope) deps.ledger.noteRetryAfter(scope, deps.gate.now() + take.resetSeconds * 1000)
    return threeplErrors.rateLimited(take.resetSeconds, take.limit)
  }

  return {
    route(method, path, handle, key) {
      app.route({
        method,
        url: `${API_PREFIX}${path}`,
        handler: gated(deps.gate, { guard, key: key ?? (() => null), handle }),
      })
    },
  }
}

export interface CursorPage<T> {
  readonly items: T[]
  readonly hasMore: boolean
  readonly nextCursor: string | null
}

interface Cursor {
  readonly after: string
  /** The first request's filters: later pages keep them whatever the query says. */
  readonly filters: Readonly<Record<string, string>>
}

/**
 * Opaque cursor paging over items sorted by `compare` on `keyOf`: the cursor names the last
 * key served, so items created meanwhile neither shift nor repeat a page.
 */
export function paginate<T>(
  request: FastifyRequest,
  filterNames: readonly string[],
  select: (filters: Readonly<Record<string, string>>) => T[] | SimResponse,
  keyOf: (item: T) => string,
  compare: (a: string, b: string) => number,
  limits: { readonly default: number; readonly max: number },
): CursorPage<T> | SimResponse {
  const query = queryOf(request)
  const limit = Number(query.limit ?? limits.default)
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.max) {
    return threeplErrors.badRequest(`limit must be an integer from 1 to ${limits.max}.`)
  }
  let cursor: Cursor | null = null
  if (query.cursor !== undefined) {
    try {
      cursor = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as Cursor
      if (typeof cursor.after !== 'string' || typeof cursor.filters !== 'object') throw new Error()
    } catch {
      return threeplErrors.badRequest('cursor is not one this API issued.')
    }
  }
  const filters =
    cursor?.filters ??
    Object.fromEntries(
      filterNames.flatMap((n) => (query[n] === undefined ? [] : [[n, query[n]] as const])),
    )
  const selected = select(filters)
  if (!Array.isArray(selected)) return selected
  const after = cursor?.after
  const rest = after === undefined ? selected : selected.filter((i) => compare(keyOf(i), after) > 0)
  const items = rest.slice(0, limit)
  const last = items[items.length - 1]
  if (rest.length <= limit || last === undefined) return { items, hasMore: false, nextCursor: null }
  const next: Cursor = { after: keyOf(last), filters }
  return {
    items,
    hasMore: true,
    nextCursor: Buffer.from(JSON.stringify(next)).toString('base64url'),
  }
}
