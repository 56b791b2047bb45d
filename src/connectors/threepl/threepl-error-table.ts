/** @module connectors/threepl/threepl-error-table — the rows that map WMS failures to the hub's error types. */
// Data, not code paths: the docs print the table, tests run every row's example, and the classifier
// applies the first row that matches. Order matters: specific codes before the status rows.
import type { ErrorType } from '../../errors/hub-error.ts'
import type { HttpHeaders } from '../wire/http-exchange.ts'
import { networkFailureStage } from '../wire/network-failure.ts'
import type { NetworkFailureStage } from '../wire/network-failure.ts'
import { parseThreePlErrorBody } from './threepl-error-body.ts'

/**
 * `read`: GET, no effect. `write`: a fulfillment order create or cancel. Both writes are safe to
 * repeat (the create by its Idempotency-Key and unique external reference, the cancel because a
 * second cancel changes nothing), but whether one happened can still be unknown.
 */
export type ThreePlOperation = 'read' | 'write'

export type ThreePlFailure =
  | {
      kind: 'response'
      operation: ThreePlOperation
      status: number
      headers?: HttpHeaders
      body?: string
      label?: string
    }
  | { kind: 'network'; operation: ThreePlOperation; error: unknown; label?: string }
  /** A 2xx whose body could not be read. */
  | {
      kind: 'malformed_success'
      operation: ThreePlOperation
      status: number
      reason: string
      cause?: unknown
      label?: string
    }

/** What the rules look at, derived once from a failure. */
export interface ThreePlFailureFacts {
  kind: ThreePlFailure['kind']
  operation: ThreePlOperation
  status: number | undefined
  /** `error.code` of the JSON body, e.g. `validation_failed`. */
  code: string | undefined
  stage: NetworkFailureStage | undefined
}

export interface ThreePlErrorRule {
  id: string
  /** The condition in words, for the docs page. */
  when: string
  type: ErrorType
  /** A failure this row classifies; the tests run every one. */
  example: ThreePlFailure
  matches(facts: ThreePlFailureFacts): boolean
}

const response = (
  status: number,
  error?: Record<string, unknown>,
  operation: ThreePlOperation = 'write',
  headers: HttpHeaders = {},
): ThreePlFailure => ({
  kind: 'response',
  operation,
  status,
  headers,
  body: error === undefined ? '' : JSON.stringify({ error }),
})
const html = (status: number): ThreePlFailure => ({
  kind: 'response',
  operation: 'write',
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>`,
})
const network = (code: string, operation: ThreePlOperation): ThreePlFailure => ({
  kind: 'network',
  operation,
  error: Object.assign(new Error(code), { code }),
})
const is4xx = (status: number | undefined): boolean =>
  status !== undefined && status >= 400 && status < 500

export const THREEPL_ERROR_TABLE: readonly ThreePlErrorRule[] = [
  {
    id: 'rate-limited',
    when: '429 `rate_limited`: the account token bucket is empty; waits Retry-After (whole seconds), else 1 s',
    type: 'throttled',
    example: response(
      429,
      { type: 'rate_limit_error', code: 'rate_limited', message: 'Too many requests' },
      'write',
      { 'retry-after': '2' },
    ),
    matches: (f) => f.status === 429 && f.code !== 'concurrency_limit_exceeded',
  },
  {
    id: 'concurrency-limit',
    when: '429 `concurrency_limit_exceeded`: more requests in flight than the account allows; no Retry-After, so 1 s',
    type: 'throttled',
    example: response(429, { type: 'rate_limit_error', code: 'concurrency_limit_exceeded' }),
    matches: (f) => f.status === 429,
  },
  {
    id: 'unauthorized',
    when: '401 `invalid_api_key`: the key is wrong or was revoked by a rotation; an operator must set the new one',
    type: 'auth',
    example: response(401, { type: 'authentication_error', code: 'invalid_api_key' }, 'read'),
    matches: (f) => f.status === 401,
  },
  {
    id: 'forbidden',
    when: '403: the key lacks a permission',
    type: 'auth',
    example: response(403, { type: 'permission_error', code: 'forbidden' }),
    matches: (f) => f.status === 403,
  },
  {
    id: 'idempotency-key-in-use',
    when: '409 `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; read the order, then retry',
    type: 'conflict',
    example: response(409, { type: 'idempotency_error', code: 'idempotency_key_in_use' }),
    matches: (f) => f.code === 'idempotency_key_in_use',
  },
  {
    id: 'idempotency-key-reused',
    when: '422 `idempotency_key_reused`: the key was used with another body (the payload changed between attempts); read the order by its reference',
    type: 'conflict',
    example: response(422, { type: 'idempotency_error', code: 'idempotency_key_reused' }),
    matches: (f) => f.code === 'idempotency_key_reused',
  },
  {
    id: 'duplicate-external-reference',
    when: '409 `duplicate_external_reference` without a readable `existing_id` (with one, the create returns that order instead)',
    type: 'conflict',
    example: response(409, { type: 'conflict', code: 'duplicate_external_reference' }),
    matches: (f) => f.code === 'duplicate_external_reference',
  },
  {
    id: 'order-already-shipped',
    when: '409 `order_already_shipped`: a cancel reached an order the warehouse already shipped; it can only be returned, so a human decides',
    type: 'validation',
    example: response(409, { type: 'conflict', code: 'order_already_shipped', status: 'shipped' }),
    matches: (f) => f.code === 'order_already_shipped',
  },
  {
    id: 'other-conflict',
    when: 'any other 409: the order is in a state that refuses the request; read it, then retry',
    type: 'conflict',
    example: response(409, { type: 'conflict', code: 'invalid_state' }),
    matches: (f) => f.status === 409,
  },
  {
    id: 'validation-failed',
    when: '422 `validation_failed`: every invalid field with its path (`lines[0].sku` `unknown_sku`); the first is reported as code and path',
    type: 'validation',
    example: response(422, {
      type: 'invalid_request_error',
      code: 'validation_failed',
      errors: [{ field: 'lines[0].sku', code: 'unknown_sku', message: 'No SKU NOPE' }],
    }),
    matches: (f) => f.status === 422,
  },
  {
    id: 'not-found',
    when: '404 on a write (cancel of an order the account does not have); reads turn 404 into "absent" themselves',
    type: 'validation',
    example: response(404, { type: 'not_found', code: 'resource_missing' }),
    matches: (f) => f.status === 404,
  },
  {
    id: 'request-timeout',
    when: '408: the server gave up receiving the request, so nothing was processed',
    type: 'retryable',
    example: response(408),
    matches: (f) => f.status === 408,
  },
  {
    id: 'other-4xx',
    when: 'any other 4xx (400 body not a JSON object, 405, 413, 415): the request is wrong as sent',
    type: 'validation',
    example: response(400, { type: 'invalid_request_error', code: 'bad_request' }),
    matches: (f) => is4xx(f.status),
  },
  {
    id: 'edge-unavailable',
    when: '502 / 503 / 504 HTML pages from the load balancer (outage, deploy): repeating is harmless, the create is keyed',
    type: 'retryable',
    example: html(503),
    matches: (f) => f.status === 502 || f.status === 503 || f.status === 504,
  },
  {
    id: 'server-error',
    when: 'other 5xx (`api_error`): repeating is harmless, the create carries its Idempotency-Key and unique external reference',
    type: 'retryable',
    example: response(500, { type: 'api_error', code: 'internal_error' }),
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
    when: 'network failure after sending a read (nothing to duplicate)',
    type: 'retryable',
    example: network('ECONNRESET', 'read'),
    matches: (f) => f.kind === 'network' && f.operation === 'read',
  },
  {
    id: 'network-maybe-sent',
    when: 'network failure after a write may have been sent (reset, "other side closed", our deadline, caller abort): read by external reference before sending again',
    type: 'unknown_outcome',
    example: network('UND_ERR_SOCKET', 'write'),
    matches: (f) => f.kind === 'network',
  },
  {
    id: 'malformed-success-write',
    when: 'a write answered 2xx with an unreadable body: it may have happened',
    type: 'unknown_outcome',
    example: {
      kind: 'malformed_success',
      operation: 'write',
      status: 200,
      reason: 'the body is not JSON',
    },
    matches: (f) => f.kind === 'malformed_success' && f.operation === 'write',
  },
  {
    id: 'malformed-success-read',
    when: 'a read answered 2xx with an unreadable body',
    type: 'retryable',
    example: { kind: 'malformed_success', operation: 'read', status: 200, reason: 'not JSON' },
    matches: (f) => f.kind === 'malformed_success',
  },
  {
    id: 'unexpected-status-read',
    when: 'any other status (1xx, 3xx) on a read',
    type: 'retryable',
    example: response(302, undefined, 'read'),
    matches: (f) => f.operation === 'read',
  },
  {
    id: 'unexpected-status-write',
    when: 'any other status (1xx, 3xx) on a write: whether it applied is unknown',
    type: 'unknown_outcome',
    example: response(302),
    matches: () => true,
  },
]

/** Derives what the rules look at from a failure. */
export function threePlFailureFacts(failure: ThreePlFailure): ThreePlFailureFacts {
  if (failure.kind === 'network') {
    return {
      kind: 'network',
      operation: failure.operation,
      status: undefined,
      code: undefined,
      stage: networkFailureStage(failure.error),
    }
  }
  return {
    kind: failure.kind,
    operation: failure.operation,
    status: failure.status,
    code: failure.kind === 'response' ? parseThreePlErrorBody(failure.body ?? '').code : undefined,
    stage: undefined,
  }
}
