/** @module connectors/sap/sap-error-table — the rows that map SAP S/4HANA failures to the hub's error types. */
// Data, not code paths: the docs print the table, the tests run every row's example, and the
// classifier applies the first row that matches. Specific rows come before the status rows that
// would catch them.
import type { ErrorType } from '../../errors/hub-error.ts'
import { headerValue } from '../wire/http-exchange.ts'
import type { HttpHeaders } from '../wire/http-exchange.ts'
import { networkFailureStage } from '../wire/network-failure.ts'
import type { NetworkFailureStage } from '../wire/network-failure.ts'
import { parseSapErrorBody } from './sap-error-body.ts'

/**
 * `read`: GET, no effect. `logon`: the GET that opens the security session and fetches the CSRF
 * token. `create`: a POST, which SAP does not deduplicate. `update`: a PATCH under If-Match (a
 * repeat after it applied fails 412 instead of applying twice, but its outcome can be unknown).
 */
export type SapOperation = 'read' | 'logon' | 'create' | 'update'

export type SapFailure =
  | {
      kind: 'response'
      operation: SapOperation
      status: number
      headers?: HttpHeaders
      body?: string
      label?: string
    }
  | { kind: 'network'; operation: SapOperation; error: unknown; label?: string }
  /** A 2xx whose body, key or token could not be read. */
  | {
      kind: 'malformed_success'
      operation: SapOperation
      status: number
      reason: string
      cause?: unknown
      label?: string
    }

/** What the rules look at, derived once from a failure. */
export interface SapFailureFacts {
  kind: SapFailure['kind']
  operation: SapOperation
  status: number | undefined
  /** The error's code: a T100 message (`V1/320`) or a Gateway code (`/IWBEP/CM_MGW_RT/190`). */
  code: string | undefined
  /** The ICF's CSRF refusal: 403 with `X-CSRF-Token: Required`. */
  csrfRequired: boolean
  retryAfter: boolean
  stage: NetworkFailureStage | undefined
}

export interface SapErrorRule {
  id: string
  /** The condition in words, for the docs page. */
  when: string
  type: ErrorType
  /** A failure this row classifies; the tests run every one. */
  example: SapFailure
  matches(facts: SapFailureFacts): boolean
}

const isWrite = (op: SapOperation): boolean => op === 'create' || op === 'update'
/** Gateway's own codes name the framework (`/IWBEP/`, `/IWFND/`); everything else is the application's T100 message. */
const isFrameworkCode = (code: string): boolean => /^\/IW(BEP|FND)\//.test(code)

const gatewayBody = (code: string, message: string, target = ''): string =>
  JSON.stringify({
    error: {
      code,
      message: { lang: 'en', value: message },
      innererror: {
        errordetails: [{ code, message, propertyref: '', severity: 'error', target }],
      },
    },
  })
const response = (
  status: number,
  operation: SapOperation,
  body = '',
  headers: HttpHeaders = {},
): SapFailure => ({ kind: 'response', operation, status, headers, body })
const network = (code: string, operation: SapOperation): SapFailure => ({
  kind: 'network',
  operation,
  error: Object.assign(new Error(code), { code }),
})

export const SAP_ERROR_TABLE: readonly SapErrorRule[] = [
  {
    id: 'rate-limited',
    when: '429 Too Many Requests (generic: SAP documents no throttle); waits Retry-After, else 1 s',
    type: 'throttled',
    example: response(429, 'create', gatewayBody('HTTP/429', 'Too many requests'), {
      'retry-after': '3',
    }),
    matches: (f) => f.status === 429,
  },
  {
    id: 'unavailable-retry-after',
    when: '503 with Retry-After from the Web Dispatcher (maintenance window, overload): not processed; waits as told',
    type: 'throttled',
    example: response(503, 'read', '<html><h2>Service Unavailable</h2></html>', {
      'retry-after': '120',
    }),
    matches: (f) => f.status === 503 && f.retryAfter,
  },
  {
    id: 'csrf-required',
    when: '403 with X-CSRF-Token: Required after the one token re-fetch (a balancer without session stickiness, a token the system keeps refusing)',
    type: 'auth',
    example: response(403, 'create', 'CSRF token validation failed', {
      'x-csrf-token': 'Required',
    }),
    matches: (f) => f.status === 403 && f.csrfRequired,
  },
  {
    id: 'logon-failed',
    when: '401 after one fresh logon (wrong password, communication user locked or expired)',
    type: 'auth',
    example: response(401, 'logon', '<html><h1>Logon failed</h1></html>', {
      'www-authenticate': 'Basic realm="SAP NetWeaver Application Server [S4H/100]"',
    }),
    matches: (f) => f.status === 401,
  },
  {
    id: 'forbidden',
    when: 'any other 403: the communication user lacks the authorization (scenario not in its communication arrangement)',
    type: 'auth',
    example: response(403, 'read', gatewayBody('/IWFND/MED/171', 'No authorization')),
    matches: (f) => f.status === 403,
  },
  {
    id: 'service-not-published',
    when: '404 /IWFND/MED/170: the OData service is not published for this system (communication arrangement missing); an operator must activate it',
    type: 'auth',
    example: response(
      404,
      'read',
      gatewayBody('/IWFND/MED/170', "No service found for namespace '/SAP/'"),
    ),
    matches: (f) => f.status === 404 && f.code === '/IWFND/MED/170',
  },
  {
    id: 'etag-mismatch',
    when: '412 Precondition Failed (/IWBEP/CM_MGW_RT/190): someone changed the entity since it was read; read it again',
    type: 'conflict',
    example: response(
      412,
      'update',
      gatewayBody('/IWBEP/CM_MGW_RT/190', 'State of the resource (entity) was already changed'),
    ),
    matches: (f) => f.status === 412,
  },
  {
    id: 'etag-missing',
    when: '428 Precondition Required (/IWBEP/CM_MGW_RT/194): the hub sent a change without If-Match, a bug to fix',
    type: 'validation',
    example: response(428, 'update', gatewayBody('/IWBEP/CM_MGW_RT/194', 'Precondition required')),
    matches: (f) => f.status === 428,
  },
  {
    id: 'business-error',
    when: '400 with a T100 message (V1/320 sold-to not in the sales area, V1/392 material unknown, 00/055 mandatory field, R11/… partner rules); the message and field are kept',
    type: 'validation',
    example: response(
      400,
      'create',
      gatewayBody(
        'V1/320',
        'Sold-to party 17300001 not maintained for sales area 1710/10/00',
        'SoldToParty',
      ),
    ),
    matches: (f) => f.status === 400 && f.code !== undefined && !isFrameworkCode(f.code),
  },
  {
    id: 'gateway-bad-request',
    when: '400 from Gateway itself (/IWBEP/…: unknown property, value too long, bad $filter): the request is wrong as sent',
    type: 'validation',
    example: response(
      400,
      'create',
      gatewayBody('/IWBEP/CM_MGW_RT/022', "Invalid value for property 'Material'", 'Material'),
    ),
    matches: (f) => f.status === 400,
  },
  {
    id: 'not-found',
    when: '404 on a write (the entity is gone) or a read of something that must exist; a read by key answers null instead',
    type: 'validation',
    example: response(
      404,
      'update',
      gatewayBody('/IWBEP/CM_MGW_RT/020', "Resource not found for segment 'A_SalesOrder'"),
    ),
    matches: (f) => f.status === 404,
  },
  {
    id: 'request-timeout',
    when: '408: the server gave up receiving the request, so nothing was processed',
    type: 'retryable',
    example: response(408, 'create'),
    matches: (f) => f.status === 408,
  },
  {
    id: 'other-4xx',
    when: 'any other 4xx (405, 409, 415…): the request is wrong as sent',
    type: 'validation',
    example: response(415, 'create', gatewayBody('/IWBEP/CM_MGW_RT/004', 'Unsupported media')),
    matches: (f) => f.status !== undefined && f.status >= 400 && f.status < 500,
  },
  {
    id: 'server-error',
    when: '5xx (500 /IWBEP/CM_MGW_RT/000 short dump, 502/504 from the Web Dispatcher, 503 without Retry-After); a create is retried through its query by business key, so a committed one is found, not repeated',
    type: 'retryable',
    example: response(500, 'create', gatewayBody('/IWBEP/CM_MGW_RT/000', 'Internal error')),
    matches: (f) => f.kind === 'response' && f.status !== undefined && f.status >= 500,
  },
  {
    id: 'network-not-sent',
    when: 'network failure before the request was sent (ECONNREFUSED, ENOTFOUND, connect timeout, TLS)',
    type: 'retryable',
    example: network('ECONNREFUSED', 'create'),
    matches: (f) => f.stage === 'not_sent',
  },
  {
    id: 'network-read',
    when: 'network failure after sending a read or the logon (nothing to duplicate)',
    type: 'retryable',
    example: network('ECONNRESET', 'read'),
    matches: (f) => f.kind === 'network' && !isWrite(f.operation),
  },
  {
    id: 'network-maybe-sent',
    when: 'network failure after a write may have been sent (connection reset after commit, socket closed, our deadline, caller abort): query the business key before sending again',
    type: 'unknown_outcome',
    example: network('UND_ERR_SOCKET', 'create'),
    matches: (f) => f.kind === 'network',
  },
  {
    id: 'malformed-success-write',
    when: 'a write answered 2xx but its body or key is unreadable: it may have happened',
    type: 'unknown_outcome',
    example: {
      kind: 'malformed_success',
      operation: 'create',
      status: 201,
      reason: 'the body is not JSON',
    },
    matches: (f) => f.kind === 'malformed_success' && isWrite(f.operation),
  },
  {
    id: 'malformed-success-read',
    when: 'a read or the logon answered 2xx with an unreadable body or no CSRF token',
    type: 'retryable',
    example: { kind: 'malformed_success', operation: 'read', status: 200, reason: 'not JSON' },
    matches: (f) => f.kind === 'malformed_success',
  },
  {
    id: 'unexpected-status-read',
    when: 'any other status (1xx, 3xx) on a read or the logon',
    type: 'retryable',
    example: response(302, 'read'),
    matches: (f) => !isWrite(f.operation),
  },
  {
    id: 'unexpected-status-write',
    when: 'any other status (1xx, 3xx) on a write: whether it applied is unknown',
    type: 'unknown_outcome',
    example: response(302, 'create'),
    matches: () => true,
  },
]

/** Derives what the rules look at from a failure. */
export function sapFailureFacts(failure: SapFailure): SapFailureFacts {
  if (failure.kind === 'network') {
    return {
      kind: 'network',
      operation: failure.operation,
      status: undefined,
      code: undefined,
      csrfRequired: false,
      retryAfter: false,
      stage: networkFailureStage(failure.error),
    }
  }
  const headers = failure.kind === 'response' ? (failure.headers ?? {}) : {}
  const details = failure.kind === 'response' ? parseSapErrorBody(failure.body ?? '') : []
  return {
    kind: failure.kind,
    operation: failure.operation,
    status: failure.status,
    code: details.find((d) => d.code !== undefined)?.code,
    csrfRequired: headerValue(headers, 'x-csrf-token')?.trim().toLowerCase() === 'required',
    retryAfter: (headerValue(headers, 'retry-after') ?? '').trim() !== '',
    stage: undefined,
  }
}
