/** @module test/connectors/sap-error-classifier — the SAP error table, row by row, and the error bodies it reads. */
import { describe, expect, it } from 'vitest'
import {
  SAP_DEFAULT_RETRY_AFTER_MS,
  SAP_ERROR_TABLE,
  classifySapFailure,
  matchSapRule,
  parseSapErrorBody,
} from '../../src/connectors/sap/sap-error-classifier.ts'
import type { SapFailure, SapOperation } from '../../src/connectors/sap/sap-error-classifier.ts'
import { HttpTransportError } from '../../src/connectors/wire/http-exchange.ts'

const NOW = Date.parse('2026-01-10T12:00:00Z')

const gateway = (code: string, message: string, target = '') =>
  JSON.stringify({
    error: {
      code,
      message: { lang: 'en', value: message },
      innererror: {
        transactionid: 'ABC',
        errordetails: [{ code, message, propertyref: '', severity: 'error', target }],
      },
    },
  })
const response = (
  status: number,
  operation: SapOperation,
  body = '',
  headers: Record<string, string> = {},
): SapFailure => ({
  kind: 'response',
  operation,
  status,
  body,
  headers,
  label: 'POST A_SalesOrder',
})
const transport = (
  operation: SapOperation,
  details: { code?: string; timedOut?: boolean; abortedByCaller?: boolean },
): SapFailure => ({
  kind: 'network',
  operation,
  error: new HttpTransportError('POST failed', {
    code: details.code,
    timedOut: details.timedOut ?? false,
    abortedByCaller: details.abortedByCaller ?? false,
    cause: new Error('socket'),
  }),
})

describe('SAP error table', () => {
  it('has unique row ids, and each row’s example is decided by that row', () => {
    expect(new Set(SAP_ERROR_TABLE.map((r) => r.id)).size).toBe(SAP_ERROR_TABLE.length)
    for (const row of SAP_ERROR_TABLE) {
      expect(matchSapRule(row.example).id, row.id).toBe(row.id)
      expect(classifySapFailure(row.example, NOW).type, row.id).toBe(row.type)
    }
  })

  it.each([
    ['429 with seconds', response(429, 'create', '', { 'retry-after': '7' }), 'throttled', 7000],
    [
      '429 with an HTTP date',
      response(429, 'read', '', { 'retry-after': 'Sat, 10 Jan 2026 12:00:30 GMT' }),
      'throttled',
      30_000,
    ],
    ['429 without Retry-After', response(429, 'create'), 'throttled', SAP_DEFAULT_RETRY_AFTER_MS],
    [
      '503 with Retry-After',
      response(503, 'read', '<html/>', { 'Retry-After': '60' }),
      'throttled',
      60_000,
    ],
  ] as const)('%s → %s', (_name, failure, type, retryAfterMs) => {
    const error = classifySapFailure(failure, NOW)
    expect(error.type).toBe(type)
    expect(error.retryAfterMs).toBe(retryAfterMs)
  })

  it.each([
    ['503 without Retry-After', response(503, 'create', '<html/>'), 'retryable'],
    [
      '500 short dump on a create',
      response(500, 'create', gateway('/IWBEP/CM_MGW_RT/000', 'x')),
      'retryable',
    ],
    ['504 from the Web Dispatcher', response(504, 'create', '<html/>'), 'retryable'],
    ['401', response(401, 'read', '<html>Logon failed</html>'), 'auth'],
    [
      '403 Required',
      response(403, 'create', 'CSRF token validation failed', { 'X-CSRF-Token': 'Required' }),
      'auth',
    ],
    [
      '403 without the CSRF header',
      response(403, 'read', gateway('/IWFND/MED/171', 'no auth')),
      'auth',
    ],
    [
      '404 service not published',
      response(404, 'read', gateway('/IWFND/MED/170', 'No service')),
      'auth',
    ],
    [
      '404 entity gone on a write',
      response(404, 'update', gateway('/IWBEP/CM_MGW_RT/020', 'x')),
      'validation',
    ],
    [
      '412 stale ETag',
      response(412, 'update', gateway('/IWBEP/CM_MGW_RT/190', 'changed')),
      'conflict',
    ],
    [
      '428 no If-Match',
      response(428, 'update', gateway('/IWBEP/CM_MGW_RT/194', 'required')),
      'validation',
    ],
    [
      '400 V1/392',
      response(400, 'create', gateway('V1/392', 'Material X does not exist')),
      'validation',
    ],
    [
      '400 Gateway',
      response(400, 'create', gateway('/IWBEP/CM_MGW_RT/021', 'bad property')),
      'validation',
    ],
    ['415', response(415, 'create'), 'validation'],
    ['408', response(408, 'create'), 'retryable'],
    ['302 on a read', response(302, 'read'), 'retryable'],
    ['302 on a create', response(302, 'create'), 'unknown_outcome'],
    ['connection refused on a create', transport('create', { code: 'ECONNREFUSED' }), 'retryable'],
    ['reset after sending a read', transport('read', { code: 'ECONNRESET' }), 'retryable'],
    [
      'reset after sending a create',
      transport('create', { code: 'ECONNRESET' }),
      'unknown_outcome',
    ],
    [
      'socket closed after an update',
      transport('update', { code: 'UND_ERR_SOCKET' }),
      'unknown_outcome',
    ],
    ['our deadline on a create', transport('create', { timedOut: true }), 'unknown_outcome'],
    [
      'aborted before sending',
      transport('create', { code: 'ERR_ABORTED_BEFORE_SEND', abortedByCaller: true }),
      'retryable',
    ],
    ['logon network failure', transport('logon', { code: 'ECONNRESET' }), 'retryable'],
  ] as const)('%s → %s', (_name, failure, type) => {
    expect(classifySapFailure(failure, NOW).type).toBe(type)
  })

  it('keeps the T100 code, the message and the blamed field of a business error', () => {
    const error = classifySapFailure(
      response(
        400,
        'create',
        gateway(
          'V1/320',
          'Sold-to party 17300001 not maintained for sales area 1710/10/00',
          'SoldToParty',
        ),
      ),
      NOW,
    )
    expect(error).toMatchObject({
      type: 'validation',
      code: 'V1/320',
      path: 'SoldToParty',
      status: 400,
    })
    expect(error.message).toBe(
      'SAP POST A_SalesOrder returned 400: Sold-to party 17300001 not maintained for sales area 1710/10/00 [V1/320] at SoldToParty',
    )
    expect((error.cause as Error).message).toContain('"transactionid":"ABC"')
  })

  it('wraps the transport error of a network failure as the cause', () => {
    const failure = transport('create', { code: 'UND_ERR_SOCKET' })
    const error = classifySapFailure(failure, NOW)
    expect(error.cause).toBe(failure.kind === 'network' ? failure.error : undefined)
  })
})

describe('SAP error bodies', () => {
  it('reads Gateway JSON: the header error with the first detail’s target, then further details', () => {
    const body = JSON.stringify({
      error: {
        code: 'V1/392',
        message: { lang: 'en', value: 'Material NOPE does not exist' },
        innererror: {
          errordetails: [
            {
              code: 'V1/392',
              message: 'Material NOPE does not exist',
              target: 'to_Item(0)/Material',
            },
            {
              code: 'V1/140',
              message: 'Enter an order quantity',
              target: 'to_Item(1)/RequestedQuantity',
            },
          ],
        },
      },
    })
    expect(parseSapErrorBody(body)).toEqual([
      { code: 'V1/392', message: 'Material NOPE does not exist', target: 'to_Item(0)/Material' },
      {
        code: 'V1/140',
        message: 'Enter an order quantity',
        target: 'to_Item(1)/RequestedQuantity',
      },
    ])
  })

  it('reads Gateway XML, entities unescaped', () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
      '<code>V1/320</code><message xml:lang="en">Sold-to party &apos;17300001&apos; &amp; area</message>' +
      '<innererror><errordetails><errordetail><code>V1/320</code><message>x</message>' +
      '<target>SoldToParty</target></errordetail></errordetails></innererror></error>'
    expect(parseSapErrorBody(xml)).toEqual([
      { code: 'V1/320', message: "Sold-to party '17300001' & area", target: 'SoldToParty' },
    ])
    expect(classifySapFailure(response(400, 'create', xml), NOW)).toMatchObject({
      type: 'validation',
      code: 'V1/320',
      path: 'SoldToParty',
    })
  })

  it('finds nothing in HTML, plain text or broken JSON', () => {
    expect(parseSapErrorBody('<html><h2>Service Unavailable</h2></html>')).toEqual([])
    expect(parseSapErrorBody('CSRF token validation failed')).toEqual([])
    expect(parseSapErrorBody('{"error":')).toEqual([])
    expect(parseSapErrorBody('')).toEqual([])
  })
})
