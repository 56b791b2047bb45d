/** @module sandbox/shopify/shopify-errors — the Admin REST API's error bodies (`{"errors": ...}`) and the edge's HTML pages. */

import type { FaultRenderer } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { toJson } from './shopify-wire.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

/** A Shopify Admin response body, serialised with exact int64 ids. */
export function shopifyJson(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): SimResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: toJson(body) }
}

export const THROTTLED_MESSAGE =
  'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.'

export const shopifyErrors = {
  unauthorized: () =>
    shopifyJson(401, {
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    }),
  notFound: () => shopifyJson(404, { errors: 'Not Found' }),
  /** The bucket is full: Shopify always says 2.0 seconds, whatever the fill. */
  throttled: (retryAfter = '2.0') =>
    shopifyJson(429, { errors: THROTTLED_MESSAGE }, { 'retry-after': retryAfter }),
  /** 400 for a missing root key, 422 for field errors: `{"errors":{"field":["message"]}}`. */
  invalid: (status: number, errors: unknown) => shopifyJson(status, { errors }),
  badRequest: () => shopifyJson(400, { errors: 'Bad Request' }),
  internal: () => shopifyJson(500, { errors: 'Internal Server Error' }),
}

function edgePage(status: 502 | 503 | 504): SimResponse {
  const title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status]
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${status} ${title}</h1><p>There was a problem loading this page.</p></body></html>`,
  }
}

export const shopifyFaultRenderer: FaultRenderer = {
  serverError: (status) => (status === 500 ? shopifyErrors.internal() : edgePage(status)),
  rateLimited: (seconds) => shopifyErrors.throttled(seconds.toFixed(1)),
  malformed: () => ({
    status: 200,
    headers: { 'content-type': JSON_TYPE },
    body: '{"order":{"id":820982911946',
  }),
}
