/** @module sandbox/salesforce/salesforce-rest-routes — /services/data behind the fault gate: session, version, daily allocation and long-running concurrency checks, then one transaction per call. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BusinessKey, EffectsLedger } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext, GatedRoute } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { sendSim } from '../kit/sim-response.ts'
import type { ApiLimits } from './salesforce-api-limits.ts'
import { handleCollections } from './salesforce-collections.ts'
import { handleComposite } from './salesforce-composite.ts'
import { sfErrors, sfJson } from './salesforce-errors.ts'
import { sobjectTypeOf } from './salesforce-fields.ts'
import { handleQuery } from './salesforce-query-api.ts'
import type { QueryCursors } from './salesforce-query-api.ts'
import type { SfRecord } from './salesforce-record-store.ts'
import { originOf, parseDataPath } from './salesforce-rest-call.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import type { Session, SessionStore } from './salesforce-sessions.ts'
import { handleSObjects } from './salesforce-sobject-api.ts'
import type { SfTransaction } from './salesforce-transaction.ts'

export interface RestRouteDeps extends RestDeps {
  readonly gate: GateContext
  readonly ledger: EffectsLedger
  readonly sessions: SessionStore
  readonly limits: ApiLimits
  readonly cursors: QueryCursors
  /** Newest API version served, e.g. `62.0`; versions from 20.0 up to it are accepted. */
  readonly latestVersion: string
  /** How long a request runs before it counts against the concurrent long-running limit. */
  readonly longRunningMs: number
  readonly concurrencyLimit: () => number
  readonly ledgerKeyOf: (record: SfRecord) => BusinessKey
}

const OLDEST_VERSION = 20

/** Release names of API versions: v62.0 is Winter '25, three releases a year before it. */
export function versionList(latest: string): { label: string; url: string; version: string }[] {
  const top = Math.floor(Number(latest))
  const versions = []
  for (let v = 31; v <= top; v++) {
    const back = 62 - v
    const season = ['Winter', 'Summer', 'Spring'][((back % 3) + 3) % 3] ?? 'Winter'
    const year = 25 - Math.ceil(back / 3)
    versions.push({
      label: `${season} '${String(year).padStart(2, '0')}`,
      url: `/services/data/v${v}.0`,
      version: `${v}.0`,
    })
  }
  return versions
}

const headersOf = (request: FastifyRequest): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
  )

export function mountRestRoutes(app: FastifyInstance, deps: RestRouteDeps): void {
  const sessionOf = new WeakMap<FastifyRequest, Session>()
  const running: { arrivedAt: number }[] = []

  // Every REST response reports the allocation, faults and refusals included.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/services/data/v')) {
      reply.header('sforce-limit-info', deps.limits.header())
    }
    done(null, payload)
  })

  const dispatch = (call: RestCall, tx: SfTransaction): SimResponse => {
    const [first, second] = call.segments
    switch (first) {
      case undefined:
        return sfJson(200, resourcesOf(call.version))
      case 'sobjects':
        return handleSObjects(deps, call, tx)
      case 'query':
      case 'queryAll':
        return handleQuery(deps, deps.cursors, call)
      case 'limits':
        return sfJson(200, {
          DailyApiRequests: {
            Max: deps.limits.max,
            Remaining: Math.max(0, deps.limits.max - deps.limits.used()),
          },
        })
      case 'composite':
        if (second === 'sobjects') return handleCollections(deps, call, tx)
        if (second === undefined) return handleComposite(deps, call, dispatch)
    }
    return sfErrors.notFound()
  }

  const guard: GatedRoute['guard'] = (request, tracked) => {
    const session = deps.sessions.fromAuthorization(request.headers.authorization)
    if (!session) return sfErrors.invalidSession()
    const target = parseDataPath(request.url)
    if (
      !target ||
      Number(target.version) < OLDEST_VERSION ||
      Number(target.version) > Number(deps.latestVersion)
    ) {
      return sfErrors.notFound()
    }
    if (deps.limits.exhausted()) return sfErrors.totalRequestsExceeded()
    const now = deps.gate.now()
    const longRunning = running.filter((r) => now - r.arrivedAt >= deps.longRunningMs).length
    if (longRunning >= deps.concurrencyLimit()) {
      deps.ledger.recordConcurrencyRejection()
      return sfErrors.concurrentRequestsExceeded()
    }
    const entry = { arrivedAt: tracked.arrivedAt }
    running.push(entry)
    tracked.onEnd(() => {
      const at = running.indexOf(entry)
      if (at >= 0) running.splice(at, 1)
    })
    deps.limits.record()
    sessionOf.set(request, session)
    return null
  }

  const keyOf = (request: FastifyRequest): BusinessKey | null => {
    const target = parseDataPath(request.url)
    const [first, typeName, second, third] = target?.segments ?? []
    const type = typeName === undefined ? null : sobjectTypeOf(typeName)
    if (first !== 'sobjects' || !type) return null
    if (third !== undefined) return { recordType: type, key: third }
    if (second !== undefined) {
      const record = deps.store.get(type, second)
      return record ? deps.ledgerKeyOf(record) : null
    }
    const body = request.body as Record<string, unknown> | undefined
    const ext = typeof body === 'object' && body !== null ? body.External_Id__c : undefined
    return typeof ext === 'string' ? { recordType: type, key: ext } : null
  }

  const handle = (request: FastifyRequest): SimResponse => {
    const target = parseDataPath(request.url)
    const session = sessionOf.get(request)
    if (!target || !session) return sfErrors.notFound()
    const call: RestCall = {
      ...target,
      method: request.method,
      headers: headersOf(request),
      body: request.body,
      userId: session.userId,
    }
    const tx = deps.begin(originOf(call))
    try {
      const response = dispatch(call, tx)
      if (response.status >= 400) tx.rollback()
      else tx.commit()
      return response
    } catch (error) {
      tx.rollback()
      throw error
    }
  }

  const restHandler = gated(deps.gate, { key: keyOf, guard, handle })
  app.route({
    method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    url: '/services/data/*',
    handler: async (request, reply) => {
      if (!request.url.startsWith('/services/data/v')) {
        const path = request.url.split('?', 1)[0]
        return path === '/services/data/'
          ? sendSim(reply, sfJson(200, versionList(deps.latestVersion)))
          : sendSim(reply, sfErrors.notFound())
      }
      return restHandler(request, reply)
    },
  })
  app.get('/services/data', (_request, reply) =>
    sendSim(reply, sfJson(200, versionList(deps.latestVersion))),
  )
}

function resourcesOf(version: string): Record<string, string> {
  const base = `/services/data/v${version}`
  return {
    sobjects: `${base}/sobjects`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    composite: `${base}/composite`,
    limits: `${base}/limits`,
  }
}
