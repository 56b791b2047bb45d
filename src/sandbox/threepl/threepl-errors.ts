/** @module sandbox/threepl/threepl-errors — the WMS API's error bodies (`{"error":{type,code,message,...}}`) and the HTML pages of the edge in front of it. */

import type { FaultRenderer } from '../kit/fault-gate.ts'
import { jsonResponse } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'

/** One rejected field: `field` is a path into the request body, e.g. `lines[1].quantity`. */
export interface FieldError {
  readonly field: string
  readonly code: string
  readonly message: string
}

export type ErrorType =
  | 'authentication_error'
  | 'invalid_request_error'
  | 'not_found'
  | 'conflict'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error'

export function apiError(
  status: number,
  type: ErrorType,
  code: string,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): SimResponse {
  return jsonResponse(status, { error: { type, code, message, ...extra } }, headers)
}

export const threeplErrors = {
  unauthorized: () =>
    apiError(
      401,
      'authentication_error',
      'invalid_api_key',
      'Missing or invalid API key: send Authorization: Bearer <key> or X-API-Key: <key>.',
      {},
      { 'www-authenticate': 'Bearer realm="wms"' },
    ),
  badRequest: (message: string) => apiError(400, 'invalid_request_error', 'bad_request', message),
  validation: (errors: readonly FieldError[]) =>
    apiError(422, 'invalid_request_error', 'validation_failed', 'The request has invalid fields.', {
      errors,
    }),
  notFound: (what = 'resource') =>
    apiError(404, 'not_found', 'resource_missing', `No such ${what}.`),
  /** A second create for a merchant order: the caller learns which order already holds it. */
  duplicateReference: (existingId: string, location: string) =>
    apiError(
      409,
      'conflict',
      'duplicate_external_reference',
      'A fulfillment order with this external_reference already exists.',
      { existing_id: existingId },
      { location },
    ),
  invalidState: (code: string, message: string, status: string) =>
    apiError(409, 'conflict', code, message, { status }),
  /** `limit` is the bucket size when the bucket refused; a scripted 429 has none to show. */
  rateLimited: (retryAfterSeconds: number, limit?: number) =>
    apiError(
      429,
      'rate_limit_error',
      'rate_limited',
      'Too many requests: slow down and retry after the given delay.',
      {},
      {
        'retry-after': String(retryAfterSeconds),
        ...(limit === undefined ? {} : { 'x-ratelimit-limit': String(limit) }),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(retryAfterSeconds),
      },
    ),
  /** The account's in-flight cap; like NetSuite's, it names no time to wait. */
  concurrencyLimit: () =>
    apiError(
      429,
      'rate_limit_error',
      'concurrency_limit_exceeded',
      'Too many concurrent requests for this account.',
    ),
  internal: () =>
    apiError(500, 'api_error', 'internal_error', 'An unexpected error occurred on our side.'),
}

/** 502/503/504 come from the load balancer as HTML: a client must not assume a JSON error body. */
function edgePage(status: 502 | 503 | 504): SimResponse {
  const title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status]
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1></body></html>`,
  }
}

export const threeplFaultRenderer: FaultRenderer = {
  serverError: (status) => (status === 500 ? threeplErrors.internal() : edgePage(status)),
  rateLimited: (seconds) => threeplErrors.rateLimited(seconds),
  malformed: () => ({
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{"id":"fo_0000',
  }),
  // The IETF Idempotency-Key draft: 409 while the first request runs, 422 for a different payload.
  idempotencyConflict: (reason) =>
    reason === 'in-flight'
      ? apiError(
          409,
          'idempotency_error',
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being processed.',
        )
      : apiError(
          422,
          'idempotency_error',
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different request.',
        ),
}
