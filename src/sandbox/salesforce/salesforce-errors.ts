/** @module sandbox/salesforce/salesforce-errors — the REST API's error arrays (`[{message, errorCode, fields}]`), the fault bodies and the edge's pages. */

import type { FaultRenderer } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'

/** Salesforce answers JSON with this exact media type; jsforce matches `application/json(;|$)`. */
export const SF_JSON = 'application/json;charset=UTF-8'

export interface SfErrorItem {
  readonly message: string
  readonly errorCode: string
  readonly fields?: readonly string[]
}

export function sfJson(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): SimResponse {
  return { status, headers: { 'content-type': SF_JSON, ...headers }, body: JSON.stringify(body) }
}

/** One error in Salesforce's array shape; `fields` only where the API names them. */
export function sfError(
  status: number,
  errorCode: string,
  message: string,
  fields?: readonly string[],
): SimResponse {
  const item: SfErrorItem =
    fields === undefined ? { message, errorCode } : { message, errorCode, fields }
  return sfJson(status, [item])
}

/** A write refused by a record rule: the same items serve the REST body and composite subrequests. */
export interface Refusal {
  readonly status: number
  readonly errors: readonly SfErrorItem[]
}

export const refusal = (
  status: number,
  errorCode: string,
  message: string,
  fields?: readonly string[],
): Refusal => ({
  status,
  errors: [fields === undefined ? { message, errorCode } : { message, errorCode, fields }],
})

export const refusalResponse = (r: Refusal): SimResponse => sfJson(r.status, r.errors)

export const sfErrors = {
  invalidSession: (): SimResponse => ({
    ...sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
    headers: { 'content-type': SF_JSON, 'www-authenticate': 'Token' },
  }),
  notFound: () => sfError(404, 'NOT_FOUND', 'The requested resource does not exist'),
  entityDeleted: () => sfError(404, 'ENTITY_IS_DELETED', 'entity is deleted', []),
  methodNotAllowed: (method: string, allowed: readonly string[]) =>
    sfJson(
      405,
      [
        {
          message: `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`,
          errorCode: 'METHOD_NOT_ALLOWED',
        },
      ],
      { allow: allowed.join(',') },
    ),
  /** The daily allocation (rolling 24 h) is used up. */
  totalRequestsExceeded: () =>
    sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  /** Too many requests running 20 s or longer at once. */
  concurrentRequestsExceeded: () =>
    sfError(
      403,
      'REQUEST_LIMIT_EXCEEDED',
      'ConcurrentRequests (Concurrent API Requests) Limit exceeded.',
    ),
  jsonParser: (message: string) => sfError(400, 'JSON_PARSER_ERROR', message),
  unknown: () =>
    sfError(
      500,
      'UNKNOWN_EXCEPTION',
      'An unexpected error occurred. Please include this ErrorId if you contact support: 1893224651-75213 (-1426145711)',
    ),
}

/** 502 and 504 come from the edge in front of the instance, as HTML. */
function edgePage(status: 502 | 504): SimResponse {
  const title = status === 502 ? 'Bad Gateway' : 'Gateway Timeout'
  return {
    status,
    headers: { 'content-type': 'text/html;charset=UTF-8' },
    body: `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`,
  }
}

export const salesforceFaultRenderer: FaultRenderer = {
  serverError: (status) => {
    if (status === 500) return sfErrors.unknown()
    if (status === 503) {
      return sfError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable: please retry.')
    }
    return edgePage(status)
  },
  // Salesforce never answers 429 on the REST API; the scenario refuses `rateLimit` for this
  // simulator, so this rendering exists only to satisfy the renderer's shape.
  rateLimited: () => sfErrors.totalRequestsExceeded(),
  requestLimit: () => sfErrors.totalRequestsExceeded(),
  malformed: () => ({
    status: 201,
    headers: { 'content-type': SF_JSON },
    body: '{"id":"001',
  }),
}
