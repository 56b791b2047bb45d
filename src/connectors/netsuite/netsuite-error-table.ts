/** @module connectors/netsuite/netsuite-error-table — the rows that map NetSuite failures to the hub's error types. */
// Data, not code paths: docs print the table, tests run every row's example, and the classifier applies
// the first row that matches. Order matters: specific codes before the status rows that would catch them.
import type { ErrorType } from '../../errors/hub-error.ts'
import type { HttpHeaders } from '../wire/http-exchange.ts'
import { networkFailureStage } from '../wire/network-failure.ts'
import type { NetworkFailureStage } from '../wire/network-failure.ts'
import { parseNetSuiteErrorBody } from './netsuite-error-body.ts'

/**
 * `read`: GET, no effect. `idempotent_write`: PUT upsert by external id (repeatable, but its outcome can
 * still be unknown). `write`: POST create, where a repeat may duplicate. `token`: the OAuth 2.0 token call.
 */
export type NetSuiteOperation = 'read' | 'idempotent_write' | 'write' | 'token'

export type NetSuiteFailure =
  | {
      kind: 'response'
      operation: NetSuiteOperation
      status: number
      headers?: HttpHeaders
      body?: string
      label?: string
    }
  | { kind: 'network'; operation: NetSuiteOperation; error: unknown; label?: string }
  /** A 2xx whose body or `Location` could not be read. */
  | {
      kind: 'malformed_success'
      operation: NetSuiteOperation
      status: number
      reason: string
      cause?: unknown
      label?: string
    }

/** What the rules look at, derived once from a failure. */
export interface NetSuiteFailureFacts {
  kind: NetSuiteFailure['kind']
  operation: NetSuiteOperation
  status: number | undefined
  codes: ReadonlySet<string>
  stage: NetworkFailureStage | undefined
}

export interface NetSuiteErrorRule {
  id: string
  /** The condition in words, for the docs page. */
  when: string
  type: ErrorType
  /** A failure this row classifies; the tests run every one. */
  example: NetSuiteFailure
  matches(facts: NetSuiteFailureFacts): boolean
}

const isWrite = (op: NetSuiteOperation): boolean => op === 'write' || op === 'idempotent_write'
const response = (
  status: number,
  code?: string,
  operation: NetSuiteOperation = 'write',
): NetSuiteFailure => ({
  kind: 'response',
  operation,
  status,
  body:
    code === undefined
      ? ''
      : JSON.stringify({
          title: 'Error',
          status,
          'o:errorDetails': [{ detail: 'x', 'o:errorCode': code, 'o:errorPath': 'entity' }],
        }),
})
const network = (code: string, operation: NetSuiteOperation): NetSuiteFailure => ({
  kind: 'network',
  operation,
  error: Object.assign(new Error(code), { code }),
})

export const NETSUITE_ERROR_TABLE: readonly NetSuiteErrorRule[] = [
  {
    id: 'rest-concurrency',
    when: '429 Too Many Requests (account concurrency limit); waits Retry-After (seconds or HTTP-date), else 1 s',
    type: 'throttled',
    example: response(429),
    matches: (f) => f.status === 429,
  },
  {
    id: 'restlet-concurrency',
    when: '4xx with o:errorCode SSS_REQUEST_LIMIT_EXCEEDED (how RESTlets report the same limit)',
    type: 'throttled',
    example: response(400, 'SSS_REQUEST_LIMIT_EXCEEDED'),
    matches: (f) => f.codes.has('SSS_REQUEST_LIMIT_EXCEEDED'),
  },
  {
    id: 'token-rejected',
    when: 'token endpoint answers 400/401/403 (invalid_client, invalid_grant)',
    type: 'auth',
    example: response(400, undefined, 'token'),
    matches: (f) => f.operation === 'token' && [400, 401, 403].includes(f.status ?? 0),
  },
  {
    id: 'unauthorized',
    when: '401 (after the one token refresh already attempted)',
    type: 'auth',
    example: response(401),
    matches: (f) => f.status === 401,
  },
  {
    id: 'forbidden',
    when: '403 (role lacks a permission; an operator must grant it)',
    type: 'auth',
    example: response(403, 'INSUFFICIENT_PERMISSION'),
    matches: (f) => f.status === 403,
  },
  {
    id: 'duplicate',
    when: 'o:errorCode DUP_* (DUP_RCRD, DUP_ENTITY…): the record already exists',
    type: 'conflict',
    example: response(400, 'DUP_RCRD'),
    matches: (f) => [...f.codes].some((c) => c.startsWith('DUP_')),
  },
  {
    id: 'idempotency-key-reused',
    when: 'o:errorCode IDEMPOTENCY_ERROR (400 "Conflict"; 409 while the first request with the key still runs): the key was used before, so read the earlier result instead of sending again',
    type: 'conflict',
    // As NetSuite shapes it (reference §4.3): status 400 with the title "Conflict".
    example: {
      kind: 'response',
      operation: 'write',
      status: 400,
      body: JSON.stringify({
        type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.10',
        title: 'Conflict',
        status: 400,
        'o:errorDetails': [
          {
            detail: 'The idempotency key was already used for a different request.',
            'o:errorCode': 'IDEMPOTENCY_ERROR',
          },
        ],
      }),
    },
    matches: (f) => f.codes.has('IDEMPOTENCY_ERROR'),
  },
  {
    id: 'http-conflict',
    when: '409 Conflict',
    type: 'conflict',
    example: response(409),
    matches: (f) => f.status === 409,
  },
  {
    id: 'request-timeout',
    when: '408: the server gave up receiving the request, so nothing was processed',
    type: 'retryable',
    example: response(408),
    matches: (f) => f.status === 408,
  },
  {
    id: 'business-error',
    when: '400/404 business errors (INVALID_VALUE, USER_ERROR, NONEXISTENT_ID on a write…); code and path from o:errorDetails',
    type: 'validation',
    example: response(400, 'INVALID_VALUE'),
    matches: (f) => f.status === 400 || f.status === 404,
  },
  {
    id: 'other-4xx',
    when: 'any other 4xx (405, 413, 415…): the request is wrong as sent',
    type: 'validation',
    example: response(415),
    matches: (f) => f.status !== undefined && f.status >= 400 && f.status < 500,
  },
  {
    id: 'unavailable',
    when: '503 Service Unavailable (maintenance, overload): not processed',
    type: 'retryable',
    example: response(503),
    matches: (f) => f.status === 503,
  },
  {
    id: 'server-error',
    when: 'other 5xx on a read, token or upsert by external id (repeating is harmless)',
    type: 'retryable',
    example: response(500, undefined, 'idempotent_write'),
    matches: (f) =>
      f.kind === 'response' && f.status !== undefined && f.status >= 500 && f.operation !== 'write',
  },
  {
    id: 'server-error-create',
    when: 'other 5xx on a POST create: NetSuite can commit and then fail, so read before retrying',
    type: 'unknown_outcome',
    example: response(502, undefined, 'write'),
    matches: (f) => f.kind === 'response' && f.status !== undefined && f.status >= 500,
  },
  {
    id: 'network-not-sent',
    when: 'network failure before the request was sent (ECONNREFUSED, ENOTFOUND, connect timeout, TLS)',
    type: 'retryable',
    example: network('ECONNREFUSED', 'write'),
    matches: (f) => f.stage === 'not_sent',
  },
  {
    id: 'network-read',
    when: 'network failure after sending a read or token request (nothing to duplicate)',
    type: 'retryable',
    example: network('ECONNRESET', 'read'),
    matches: (f) => f.kind === 'network' && !isWrite(f.operation),
  },
  {
    id: 'network-maybe-sent',
    when: 'network failure after a write may have been sent (response timeout, ECONNRESET, UND_ERR_SOCKET "other side closed", our deadline, caller abort)',
    type: 'unknown_outcome',
    example: network('UND_ERR_SOCKET', 'idempotent_write'),
    matches: (f) => f.kind === 'network',
  },
  {
    id: 'malformed-success-write',
    when: 'a write answered 2xx but its Location/body is unreadable: it may have happened',
    type: 'unknown_outcome',
    example: {
      kind: 'malformed_success',
      operation: 'idempotent_write',
      status: 204,
      reason: 'no Location header',
    },
    matches: (f) => f.kind === 'malformed_success' && isWrite(f.operation),
  },
  {
    id: 'malformed-success-read',
    when: 'a read or token call answered 2xx with an unreadable body',
    type: 'retryable',
    example: { kind: 'malformed_success', operation: 'read', status: 200, reason: 'not JSON' },
    matches: (f) => f.kind === 'malformed_success',
  },
  {
    id: 'unexpected-status-read',
    when: 'any other status (1xx, 3xx) on a read or token call',
    type: 'retryable',
    example: response(302, undefined, 'read'),
    matches: (f) => !isWrite(f.operation),
  },
  {
    id: 'unexpected-status-write',
    when: 'any other status (1xx, 3xx) on a write: whether it applied is unknown',
    type: 'unknown_outcome',
    example: response(302, undefined, 'write'),
    matches: () => true,
  },
]

/** Derives what the rules look at from a failure. */
export function netSuiteFailureFacts(failure: NetSuiteFailure): NetSuiteFailureFacts {
  if (failure.kind === 'network') {
    return {
      kind: 'network',
      operation: failure.operation,
      status: undefined,
      codes: new Set(),
      stage: networkFailureStage(failure.error),
    }
  }
  const codes =
    failure.kind === 'response'
      ? parseNetSuiteErrorBody(failure.body ?? '').flatMap((d) => (d.code ? [d.code] : []))
      : []
  return {
    kind: failure.kind,
    operation: failure.operation,
    status: failure.status,
    codes: new Set(codes),
    stage: undefined,
  }
}
