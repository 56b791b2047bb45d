/** @module sandbox/sap/sap-errors — SAP Gateway's OData error body (JSON or XML, T100 code, innererror) and the edge's answers for scripted faults. */

import { randomBytes } from 'node:crypto'
import type { FaultRenderer } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'

export interface SapErrorDetail {
  readonly code: string
  readonly message: string
  readonly target: string
}

/** An error as data: rendered as JSON or XML depending on what the request asked for. */
export interface SapError {
  readonly status: number
  /** A T100 message class/number, e.g. `V1/320`, which is what callers classify on. */
  readonly code: string
  readonly message: string
  readonly target?: string
  readonly headers?: Readonly<Record<string, string>>
}

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SapError }

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value })
export const fail = (error: SapError): { readonly ok: false; readonly error: SapError } => ({
  ok: false,
  error,
})

const err = (status: number, code: string, message: string, target = ''): SapError => ({
  status,
  code,
  message,
  target,
})

/** Gateway framework errors (/IWBEP/, /IWFND/) and the applications' T100 messages used here. */
export const sapErrors = {
  noService: (name: string) =>
    err(
      404,
      '/IWFND/MED/170',
      `No service found for namespace '/SAP/', name '${name}', version '0001'`,
    ),
  noResource: (segment: string) =>
    err(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${segment}'`),
  notFound: (set: string, key: string) =>
    err(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${set}${key}'`),
  badRequest: (message: string, target = '') => err(400, '/IWBEP/CM_MGW_RT/004', message, target),
  invalidProperty: (type: string, name: string) =>
    err(
      400,
      '/IWBEP/CM_MGW_RT/021',
      `Property '${name}' is invalid for entity type '${type}'`,
      name,
    ),
  invalidValue: (name: string) =>
    err(400, '/IWBEP/CM_MGW_RT/022', `Invalid value for property '${name}'`, name),
  syntax: (option: string, detail: string) =>
    err(400, '/IWBEP/CM_MGW_RT/004', `Invalid system query option ${option}: ${detail}`),
  notImplemented: (set: string, operation: 'CREATE' | 'UPDATE' | 'DELETE') =>
    err(
      405,
      '/IWBEP/CM_MGW_RT/021',
      `Method '${set.toUpperCase()}_${operation}_ENTITY' not implemented in data provider class`,
    ),
  methodNotAllowed: (method: string) =>
    err(405, '/IWBEP/CM_MGW_RT/021', `The request method '${method}' is not allowed here`),
  unsupportedMedia: (type: string) =>
    err(415, '/IWBEP/CM_MGW_RT/004', `Content type '${type}' is not supported for this request`),
  preconditionRequired: () => err(428, '/IWBEP/CM_MGW_RT/194', 'Precondition required'),
  preconditionFailed: () =>
    err(
      412,
      '/IWBEP/CM_MGW_RT/190',
      'State of the resource (entity) was already changed (If-Match)',
    ),
  /** A business (T100) error from the application behind the service. */
  business: (code: string, message: string, target = '') => err(400, code, message, target),
}

const COMPONENT: Readonly<Record<string, string>> = {
  API_SALES_ORDER_SRV: 'SD-SLS-API',
  API_BUSINESS_PARTNER: 'LO-MD-BP-2CL',
}

/** `20260110120000.1234567`, the timestamp Gateway puts in every innererror. */
function gatewayTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 19).replace(/[-:T]/g, '')}.${iso.slice(20, 23)}0000`
}

function innerError(error: SapError, service: string, nowMs: number) {
  return {
    application: {
      component_id: COMPONENT[service] ?? '',
      service_namespace: '/SAP/',
      service_id: service,
      service_version: '0001',
    },
    transactionid: randomBytes(16).toString('hex').toUpperCase(),
    timestamp: gatewayTimestamp(nowMs),
    Error_Resolution: {
      SAP_Transaction:
        'For backend administrators: use ADT feed reader "SAP Gateway Error Log" or run transaction /IWFND/ERROR_LOG on SAP Gateway hub system and search for entries with the timestamp above for more details',
      SAP_Note:
        'See SAP Note 1797736 for error analysis (https://service.sap.com/sap/support/notes/1797736)',
    },
    errordetails: [
      {
        code: error.code,
        message: error.message,
        propertyref: '',
        severity: 'error',
        target: error.target ?? '',
      },
    ],
  }
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
}

export const xmlEscape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c)

/** Renders an error the way Gateway does for a JSON (or, when `json` is false, an XML) request. */
export function renderError(
  error: SapError,
  service: string,
  json: boolean,
  nowMs: number,
): SimResponse {
  const inner = innerError(error, service, nowMs)
  if (json) {
    const body = {
      error: { code: error.code, message: { lang: 'en', value: error.message }, innererror: inner },
    }
    return {
      status: error.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers },
      body: JSON.stringify(body),
    }
  }
  const [detail] = inner.errordetails
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
    `<code>${xmlEscape(error.code)}</code><message xml:lang="en">${xmlEscape(error.message)}</message>` +
    `<innererror><application><component_id>${inner.application.component_id}</component_id>` +
    `<service_namespace>/SAP/</service_namespace><service_id>${service}</service_id>` +
    '<service_version>0001</service_version></application>' +
    `<transactionid>${inner.transactionid}</transactionid><timestamp>${inner.timestamp}</timestamp>` +
    `<errordetails><errordetail><code>${xmlEscape(error.code)}</code>` +
    `<message>${xmlEscape(error.message)}</message><propertyref/><severity>error</severity>` +
    `<target>${xmlEscape(detail?.target ?? '')}</target></errordetail></errordetails>` +
    '</innererror></error>'
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml; charset=utf-8', ...error.headers },
    body,
  }
}

/** The ICF's answer to a failed logon: an HTML page, not an OData error. */
export function logonFailed(systemId: string, client: string): SimResponse {
  return {
    status: 401,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'www-authenticate': `Basic realm="SAP NetWeaver Application Server [${systemId}/${client}]"`,
    },
    body: '<html><head><title>Logon Error Message</title></head><body><h1>Logon failed</h1><p>Logon failed. User or password incorrect.</p></body></html>',
  }
}

/**
 * The ICF's CSRF refusal. Real S/4HANA sends this as a 28-byte text/plain body, not an OData
 * error (SAP/cloud-sdk-js#1037 shows the wire), so a client must key on the header, not the body.
 */
export function csrfRequired(): SimResponse {
  return {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-csrf-token': 'Required' },
    body: 'CSRF token validation failed',
  }
}

/** 502/503/504 come from the Web Dispatcher in front of the system, as HTML. */
function edgePage(status: 502 | 503 | 504, retryAfterSeconds: number): SimResponse {
  const title = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[status]
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...(status === 503 ? { 'retry-after': String(retryAfterSeconds) } : {}),
    },
    body: `<html><head><title>${status} ${title}</title></head><body><h2>${title}</h2><p>The request could not be served by SAP Web Dispatcher.</p></body></html>`,
  }
}

/** Faults as the system and its edge produce them; 503 carries Retry-After like a maintenance window. */
export function sapFaultRenderer(retryAfter503: () => number, nowMs: () => number): FaultRenderer {
  return {
    serverError: (status) =>
      status === 500
        ? renderError(
            err(
              500,
              '/IWBEP/CM_MGW_RT/000',
              'In the context of Data Services an unknown internal server error occurred',
            ),
            '',
            true,
            nowMs(),
          )
        : edgePage(status, retryAfter503()),
    // SAP documents no throttle; this is the generic 429 the brief asks for, in Gateway's JSON shape.
    rateLimited: (seconds) =>
      renderError(
        {
          status: 429,
          code: 'HTTP/429',
          message: `Too many requests. Retry after ${seconds} seconds.`,
          headers: { 'retry-after': String(seconds) },
        },
        '',
        true,
        nowMs(),
      ),
    malformed: () => ({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"d":{"__metadata":{"id":"https://',
    }),
  }
}
