/** @module sandbox/netsuite/netsuite-errors — NetSuite's REST error bodies (RFC 9457-style with o:errorDetails), and the edge's HTML pages. */

import type { FaultRenderer } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'

/** NetSuite labels every REST error with this media type rather than plain application/json. */
export const NS_ERROR_TYPE = 'application/vnd.oracle.resource+json; type=error; charset=utf-8'

export interface NetSuiteErrorDetail {
  readonly detail: string
  readonly 'o:errorCode': string
  readonly 'o:errorPath'?: string
  readonly 'o:errorQueryParam'?: string
  readonly 'o:errorHeader'?: string
}

const PROBLEM: Readonly<Record<number, { type: string; title: string }>> = {
  400: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1', title: 'Bad Request' },
  401: {
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
    title: 'Unauthorized',
  },
  404: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5', title: 'Not Found' },
  405: {
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6',
    title: 'Method Not Allowed',
  },
  409: { type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.10', title: 'Conflict' },
  429: {
    type: 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4',
    title: 'Too Many Requests',
  },
  500: {
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1',
    title: 'Internal Server Error',
  },
}

/** One NetSuite error response; `title` can be overridden because IDEMPOTENCY_ERROR comes as 400 "Conflict". */
export function nsError(
  status: number,
  detail: NetSuiteErrorDetail,
  options: { readonly title?: string; readonly headers?: Readonly<Record<string, string>> } = {},
): SimResponse {
  const problem = PROBLEM[status] ?? PROBLEM[500]
  const body = {
    type: problem?.type,
    title: options.title ?? problem?.title,
    status,
    'o:errorDetails': [detail],
  }
  return {
    status,
    headers: { 'content-type': NS_ERROR_TYPE, ...options.headers },
    body: JSON.stringify(body),
  }
}

const detail = (text: string, code: string, path?: string): NetSuiteErrorDetail =>
  path === undefined
    ? { detail: text, 'o:errorCode': code }
    : { detail: text, 'o:errorCode': code, 'o:errorPath': path }

export const nsErrors = {
  unauthorized: () =>
    nsError(
      401,
      detail(
        'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
        'INVALID_LOGIN',
      ),
    ),
  nonexistentId: () =>
    nsError(
      404,
      detail(
        'The record instance does not exist. Provide a valid record instance ID.',
        'NONEXISTENT_ID',
      ),
    ),
  unknownRecordType: (type: string) =>
    nsError(404, detail(`Record type '${type}' does not exist.`, 'NONEXISTENT_ID')),
  /** A reference (or other field) NetSuite cannot resolve: the path says which line and field. */
  invalidValue: (field: string, path: string) =>
    nsError(
      400,
      detail(
        `Invalid value for the resource or sub-resource field '${field}'. Provide a valid value.`,
        'INVALID_VALUE',
        path,
      ),
    ),
  userError: (text: string, path?: string) =>
    nsError(400, detail(`Error while accessing a resource. ${text}`, 'USER_ERROR', path)),
  duplicateRecord: (path: string) =>
    nsError(
      400,
      detail('Error while accessing a resource. This record already exists.', 'DUP_RCRD', path),
    ),
  invalidContent: (text: string) =>
    nsError(400, detail(`The request could not be processed. ${text}`, 'INVALID_CONTENT')),
  invalidParameter: (name: string) =>
    nsError(400, {
      detail: `Invalid value for the query parameter '${name}'. Provide a valid value.`,
      'o:errorCode': 'INVALID_PARAMETER',
      'o:errorQueryParam': name,
    }),
  notFound: () => nsError(404, detail('The requested resource does not exist.', 'NONEXISTENT_ID')),
  upsertNeedsExternalId: () =>
    nsError(
      405,
      detail(
        'The PUT method is only supported for upsert by external ID (eid:<externalId>).',
        'METHOD_NOT_ALLOWED',
      ),
    ),
  /** Account-wide concurrency: NetSuite sends no Retry-After with this one. */
  concurrencyLimit: () =>
    nsError(
      429,
      detail('Concurrent request limit exceeded. Request blocked.', 'CONCURRENCY_LIMIT_EXCEEDED'),
    ),
  unexpected: () =>
    nsError(
      500,
      detail('An unexpected error occurred. Error ID: sim-unexpected', 'UNEXPECTED_ERROR'),
    ),
}

/** 502/503/504 come from the edge in front of NetSuite as HTML, so a client must not assume a JSON error body. */
function edgePage(status: 502 | 503 | 504): SimResponse {
  const title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status]
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<html><head><title>${status} ${title}</title></head><body><center><h1>${status} ${title}</h1></center></body></html>`,
  }
}

export const netsuiteFaultRenderer: FaultRenderer = {
  serverError: (status) => (status === 500 ? nsErrors.unexpected() : edgePage(status)),
  // A scripted 429 is the same body as the concurrency one, but carries Retry-After.
  rateLimited: (seconds) =>
    nsError(429, detail('Request limit exceeded. Request blocked.', 'CONCURRENCY_LIMIT_EXCEEDED'), {
      headers: { 'retry-after': String(seconds) },
    }),
  // The RESTlet-style governance error, rendered in the REST record API's error shape.
  requestLimit: () =>
    nsError(
      400,
      detail('Request limit exceeded. Please try again later.', 'SSS_REQUEST_LIMIT_EXCEEDED'),
    ),
  malformed: () => ({
    status: 200,
    headers: {
      'content-type': 'application/vnd.oracle.resource+json; type=singular-resource; charset=utf-8',
    },
    body: '{"links":[{"rel":"self","href":"https://',
  }),
  idempotencyConflict: (reason) =>
    reason === 'in-flight'
      ? nsError(
          409,
          detail(
            'A request with this idempotency key is still being processed.',
            'IDEMPOTENCY_ERROR',
          ),
        )
      : nsError(
          400,
          detail(
            'The idempotency key was already used for a different request.',
            'IDEMPOTENCY_ERROR',
          ),
          {
            title: 'Conflict',
          },
        ),
}
