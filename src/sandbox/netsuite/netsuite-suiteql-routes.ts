/** @module sandbox/netsuite/netsuite-suiteql-routes — `POST /services/rest/query/v1/suiteql`: Prefer: transient, {q}, limit/offset paging, the 100,000-row cap. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext, GatedRoute } from '../kit/fault-gate.ts'
import { FaultScript } from '../kit/fault-script.ts'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { jsonResponse } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { nsError, nsErrors } from './netsuite-errors.ts'
import { pageLinks } from './netsuite-record-view.ts'
import { runSuiteQl } from './netsuite-suiteql-eval.ts'
import { SuiteQlError } from './netsuite-suiteql-lexer.ts'
import type { ScanContext } from './netsuite-suiteql-tables.ts'

export const SUITEQL_PATH = '/services/rest/query/v1/suiteql'

/** SuiteQL serves at most this many rows of one query, however it is paged. */
export const SUITEQL_MAX_RESULTS = 100_000

export const NETSUITE_SUITEQL_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: `${SUITEQL_PATH}?limit=&offset=`,
    description:
      'SuiteQL with Prefer: transient and {q}: customer, transaction, item, inventoryitemlocations, location; limit ≤ 1000',
  },
]

const JSON_COLLECTION = 'application/vnd.oracle.resource+json; type=collection; charset=utf-8'

const invalidQuery = (error: SuiteQlError): SimResponse =>
  nsError(400, {
    detail: `Invalid search query. Detailed unprocessed description follows. ${error.detail}`,
    'o:errorCode': 'INVALID_PARAMETER',
  })

export interface SuiteQlRouteDeps {
  readonly gate: GateContext
  readonly guard: NonNullable<GatedRoute['guard']>
  readonly scan: () => ScanContext
  readonly baseUrl: () => string
}

export function mountNetSuiteSuiteQlRoutes(app: FastifyInstance, deps: SuiteQlRouteDeps): void {
  // A query is a read sent as POST: it meets scripted faults only when reads do (faultMethods
  // includes GET), so "fault the next write" never lands on the lookup before that write.
  let quiet: { of: FaultScript; script: FaultScript } | undefined
  const asRead = (): FaultScript => {
    const script = deps.gate.script()
    if (script.applies('GET')) return script
    if (quiet?.of !== script) {
      quiet = { of: script, script: new FaultScript({ ...script.scenario, faultMethods: [] }) }
    }
    return quiet.script
  }
  const gate: GateContext = { ...deps.gate, script: asRead }

  app.route({
    method: 'POST',
    url: SUITEQL_PATH,
    handler: gated(gate, { guard: deps.guard, handle: (request) => answer(deps, request) }),
  })
}

function answer(deps: SuiteQlRouteDeps, request: FastifyRequest): SimResponse {
  const prefer = String(request.headers.prefer ?? '')
  if (!prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === 'transient')) {
    return nsError(400, {
      detail:
        "Invalid value for the request header 'Prefer'. SuiteQL queries require 'Prefer: transient'.",
      'o:errorCode': 'INVALID_HEADER',
      'o:errorHeader': 'Prefer',
    })
  }
  const query = request.query as Record<string, string | undefined>
  const limit = Number(query.limit ?? 1000)
  const offset = Number(query.offset ?? 0)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return nsErrors.invalidParameter('limit')
  }
  if (!Number.isInteger(offset) || offset < 0 || offset >= SUITEQL_MAX_RESULTS) {
    return nsErrors.invalidParameter('offset')
  }
  const body = request.body
  const q = typeof body === 'object' && body !== null ? (body as { q?: unknown }).q : undefined
  if (typeof q !== 'string' || q.trim() === '') {
    return nsErrors.invalidContent('The request body must be {"q": "<SuiteQL query>"}.')
  }
  let rows
  try {
    rows = runSuiteQl(deps.scan(), q)
  } catch (error) {
    if (error instanceof SuiteQlError) return invalidQuery(error)
    throw error
  }
  const total = rows.length
  const reachable = Math.min(total, SUITEQL_MAX_RESULTS)
  const page = rows.slice(offset, Math.min(offset + limit, reachable))
  const at = (o: number): string => `${deps.baseUrl()}${SUITEQL_PATH}?limit=${limit}&offset=${o}`
  return jsonResponse(
    200,
    {
      links: pageLinks(at, limit, offset, reachable),
      count: page.length,
      hasMore: offset + limit < reachable,
      items: page.map((row) => ({ links: [], ...row })),
      offset,
      totalResults: total,
    },
    {},
    JSON_COLLECTION,
  )
}
