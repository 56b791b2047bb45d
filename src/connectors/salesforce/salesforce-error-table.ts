/** @module connectors/salesforce/salesforce-error-table — the rows that map Salesforce failures to the hub's error types. */
// Data, not code paths: docs print the table, tests run every row's example, and the classifier applies
// the first row that matches. Order matters: specific codes before the status rows that would catch them.
import type { ErrorType } from '../../errors/hub-error.ts'
import type { HttpHeaders } from '../wire/http-exchange.ts'
import { allocationWaitMs } from './salesforce-api-usage.ts'
import type {
  SalesforceFailure,
  SalesforceFailureFacts,
  SalesforceOperation,
} from './salesforce-failure.ts'

export { salesforceFailureFacts } from './salesforce-failure.ts'
export type {
  SalesforceFailure,
  SalesforceFailureFacts,
  SalesforceOperation,
} from './salesforce-failure.ts'

export interface SalesforceErrorRule {
  id: string
  /** The condition in words, for the docs page. */
  when: string
  type: ErrorType
  /** A failure this row classifies; the tests run every one. */
  example: SalesforceFailure
  matches(facts: SalesforceFailureFacts): boolean
  /** For `throttled` rows: how long to wait. */
  retryAfterMs?(facts: SalesforceFailureFacts): number
}

/**
 * A slot of the 25 concurrent long-running requests frees when one of them ends; they have run at
 * least 20 s already and we cannot see them, so wait one long-running threshold.
 */
export const CONCURRENT_LIMIT_RETRY_MS = 20_000

const isWrite = (op: SalesforceOperation): boolean => op === 'write' || op === 'idempotent_write'
const has = (f: SalesforceFailureFacts, ...codes: string[]): boolean =>
  codes.some((c) => f.codes.has(c))

const response = (
  status: number,
  code?: string,
  operation: SalesforceOperation = 'idempotent_write',
  message = 'x',
  headers: HttpHeaders = {},
): SalesforceFailure => ({
  kind: 'response',
  operation,
  status,
  headers,
  body: code === undefined ? '' : JSON.stringify([{ message, errorCode: code, fields: [] }]),
})
const network = (code: string, operation: SalesforceOperation): SalesforceFailure => ({
  kind: 'network',
  operation,
  error: Object.assign(new Error(code), { code }),
})

export const SALESFORCE_ERROR_TABLE: readonly SalesforceErrorRule[] = [
  {
    id: 'api-usage-ceiling',
    when: 'not sent: `Sforce-Limit-Info` showed the org at or above `apiUsageBackoffRatio` (90%) of its daily allocation; waits until the rolling window should have freed enough (see Limits)',
    type: 'throttled',
    example: {
      kind: 'usage_ceiling',
      operation: 'idempotent_write',
      usage: { used: 92_000, max: 100_000 },
      ratio: 0.9,
      pauseMs: 1_900_000,
    },
    matches: (f) => f.kind === 'usage_ceiling',
    retryAfterMs: (f) => f.pauseMs ?? allocationWaitMs(f.usage),
  },
  {
    id: 'token-rejected',
    when: 'token endpoint answers 400/401/403: `invalid_grant` (wrong password or token, user locked), `invalid_client` / `invalid_client_id` (wrong or rotated consumer secret), `unsupported_grant_type`',
    type: 'auth',
    example: {
      kind: 'response',
      operation: 'token',
      status: 400,
      body: '{"error":"invalid_grant","error_description":"authentication failure"}',
    },
    matches: (f) => f.operation === 'token' && [400, 401, 403].includes(f.status ?? 0),
  },
  {
    id: 'session-invalid',
    when: '401 `INVALID_SESSION_ID` after the one token refresh already attempted',
    type: 'auth',
    example: response(401, 'INVALID_SESSION_ID', 'read', 'Session expired or invalid'),
    matches: (f) => f.status === 401,
  },
  {
    id: 'concurrent-requests',
    when: '403 `REQUEST_LIMIT_EXCEEDED` “ConcurrentRequests”: 25 long-running requests in flight org-wide; waits 20 s',
    type: 'throttled',
    example: response(
      403,
      'REQUEST_LIMIT_EXCEEDED',
      'read',
      'ConcurrentRequests (Concurrent API Requests) Limit exceeded.',
    ),
    matches: (f) =>
      f.status === 403 &&
      has(f, 'REQUEST_LIMIT_EXCEEDED') &&
      f.messages.includes('ConcurrentRequests'),
    retryAfterMs: () => CONCURRENT_LIMIT_RETRY_MS,
  },
  {
    id: 'daily-limit',
    when: '403 `REQUEST_LIMIT_EXCEEDED` “TotalRequests”: the daily allocation is spent; waits for the rolling 24 h window to free a call, estimated from `Sforce-Limit-Info` (5 min to 1 h)',
    type: 'throttled',
    example: response(
      403,
      'REQUEST_LIMIT_EXCEEDED',
      'idempotent_write',
      'TotalRequests Limit exceeded.',
      {
        'sforce-limit-info': 'api-usage=100000/100000',
      },
    ),
    matches: (f) => f.status === 403 && has(f, 'REQUEST_LIMIT_EXCEEDED'),
    retryAfterMs: (f) => allocationWaitMs(f.usage, 1),
  },
  {
    id: 'forbidden',
    when: 'other 403 (`INSUFFICIENT_ACCESS`, `API_DISABLED_FOR_ORG`): the integration user lacks a permission',
    type: 'auth',
    example: response(403, 'API_DISABLED_FOR_ORG'),
    matches: (f) => f.status === 403,
  },
  {
    id: 'multiple-matches',
    when: '300: the external id matched several rows; code `MULTIPLE_CHOICES` with the matching ids, for a human to merge them or fix the key',
    type: 'validation',
    example: {
      kind: 'response',
      operation: 'idempotent_write',
      status: 300,
      body: '["/services/data/v62.0/sobjects/Account/0015g00000000AAAAA","/services/data/v62.0/sobjects/Account/0015g00000000BAAAA"]',
    },
    matches: (f) => f.status === 300,
  },
  {
    id: 'precondition-failed',
    when: '412: the row changed after `If-Unmodified-Since`; read it again and re-apply',
    type: 'conflict',
    example: response(412, 'PRECONDITION_FAILED'),
    matches: (f) => f.status === 412,
  },
  {
    id: 'http-conflict',
    when: '409 Conflict',
    type: 'conflict',
    example: response(409),
    matches: (f) => f.status === 409,
  },
  {
    id: 'row-lock',
    when: '`UNABLE_TO_LOCK_ROW`: another transaction holds the row (a parent account under a mass update); nothing applied',
    type: 'retryable',
    example: response(400, 'UNABLE_TO_LOCK_ROW'),
    matches: (f) => has(f, 'UNABLE_TO_LOCK_ROW'),
  },
  {
    id: 'processing-halted',
    when: '`PROCESSING_HALTED` on a composite subrequest: rolled back because another one failed; send it again without the failed one',
    type: 'retryable',
    example: response(400, 'PROCESSING_HALTED', 'write'),
    matches: (f) => has(f, 'PROCESSING_HALTED'),
  },
  {
    id: 'query-locator',
    when: '400 `INVALID_QUERY_LOCATOR`: the query cursor idled out (15 min) or was closed; run the query again',
    type: 'retryable',
    example: response(400, 'INVALID_QUERY_LOCATOR', 'read'),
    matches: (f) => has(f, 'INVALID_QUERY_LOCATOR'),
  },
  {
    id: 'custom-validation',
    when: '`FIELD_CUSTOM_VALIDATION_EXCEPTION`: a validation rule of the org refused the row',
    type: 'validation',
    example: response(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION'),
    matches: (f) => has(f, 'FIELD_CUSTOM_VALIDATION_EXCEPTION'),
  },
  {
    id: 'required-field',
    when: '`REQUIRED_FIELD_MISSING` (e.g. a new required custom field: schema drift)',
    type: 'validation',
    example: response(400, 'REQUIRED_FIELD_MISSING'),
    matches: (f) => has(f, 'REQUIRED_FIELD_MISSING'),
  },
  {
    id: 'invalid-field',
    when: '`INVALID_FIELD` / `INVALID_FIELD_FOR_INSERT_UPDATE`: a field the org does not have or will not write',
    type: 'validation',
    example: response(400, 'INVALID_FIELD'),
    matches: (f) => has(f, 'INVALID_FIELD', 'INVALID_FIELD_FOR_INSERT_UPDATE'),
  },
  {
    id: 'duplicate-value',
    when: '`DUPLICATE_VALUE`: another row already holds this value of a unique field',
    type: 'validation',
    example: response(400, 'DUPLICATE_VALUE'),
    matches: (f) => has(f, 'DUPLICATE_VALUE'),
  },
  {
    id: 'bad-request',
    when: 'other 400 (`STRING_TOO_LONG`, `INVALID_EMAIL_ADDRESS`, `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`, `MALFORMED_QUERY`, `JSON_PARSER_ERROR`…); code and fields from the error array',
    type: 'validation',
    example: response(400, 'STRING_TOO_LONG'),
    matches: (f) => f.status === 400,
  },
  {
    id: 'not-found',
    when: '404 `NOT_FOUND` on a write (an external id field that is not one, a wrong version) or `ENTITY_IS_DELETED`',
    type: 'validation',
    example: response(404, 'NOT_FOUND'),
    matches: (f) => f.status === 404,
  },
  {
    id: 'other-4xx',
    when: 'any other 4xx (405, 415…): the request is wrong as sent',
    type: 'validation',
    example: response(405, 'METHOD_NOT_ALLOWED'),
    matches: (f) => f.status !== undefined && f.status >= 400 && f.status < 500,
  },
  {
    id: 'unavailable',
    when: '503 `SERVER_UNAVAILABLE` (maintenance, overload): not processed',
    type: 'retryable',
    example: response(503, 'SERVER_UNAVAILABLE'),
    matches: (f) => f.status === 503,
  },
  {
    id: 'server-error',
    when: 'other 5xx (`UNKNOWN_EXCEPTION`, the edge’s HTML 502/504) on a read, token or upsert by external id (repeating is harmless)',
    type: 'retryable',
    example: response(500, 'UNKNOWN_EXCEPTION'),
    matches: (f) =>
      f.kind === 'response' && f.status !== undefined && f.status >= 500 && f.operation !== 'write',
  },
  {
    id: 'server-error-write',
    when: 'other 5xx on a write a repeat could duplicate: it may have committed, so read before retrying',
    type: 'unknown_outcome',
    example: response(502, undefined, 'write'),
    matches: (f) => f.kind === 'response' && f.status !== undefined && f.status >= 500,
  },
  {
    id: 'network-not-sent',
    when: 'network failure before the request was sent (ECONNREFUSED, ENOTFOUND, connect timeout, TLS)',
    type: 'retryable',
    example: network('ECONNREFUSED', 'idempotent_write'),
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
    when: 'network failure after a write may have been sent (the connection dropped after commit, our deadline, caller abort)',
    type: 'unknown_outcome',
    example: network('UND_ERR_SOCKET', 'idempotent_write'),
    matches: (f) => f.kind === 'network',
  },
  {
    id: 'malformed-success-write',
    when: 'a write answered 2xx but its body is unreadable (truncated JSON, no id): it may have happened',
    type: 'unknown_outcome',
    example: {
      kind: 'malformed_success',
      operation: 'idempotent_write',
      status: 201,
      reason: 'the body is not JSON',
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
    when: 'any other status (1xx, 3xx, 304) on a read or token call',
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
