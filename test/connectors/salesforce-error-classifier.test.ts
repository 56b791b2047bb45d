/** @module test/connectors/salesforce-error-classifier.test — every row of the Salesforce error table, and the waits the throttled rows compute. */
import { describe, expect, it } from 'vitest'
import {
  allocationWaitMs,
  MAX_ALLOCATION_WAIT_MS,
  MIN_ALLOCATION_WAIT_MS,
  parseSforceLimitInfo,
} from '../../src/connectors/salesforce/salesforce-api-usage.ts'
import {
  classifySalesforceFailure,
  matchSalesforceRule,
  SALESFORCE_ERROR_TABLE,
  SalesforceMultipleMatchesError,
} from '../../src/connectors/salesforce/salesforce-error-classifier.ts'
import type { SalesforceFailure } from '../../src/connectors/salesforce/salesforce-error-classifier.ts'
import { HttpTransportError } from '../../src/connectors/wire/http-exchange.ts'

const sfBody = (errorCode: string, message = 'm', fields: string[] = []) =>
  JSON.stringify([{ message, errorCode, fields }])

const response = (
  status: number,
  body = '',
  operation: SalesforceFailure['operation'] = 'idempotent_write',
  headers: Record<string, string> = {},
): SalesforceFailure => ({ kind: 'response', operation, status, body, headers })

describe('SALESFORCE_ERROR_TABLE', () => {
  it('has unique ids and ends with a catch-all', () => {
    const ids = SALESFORCE_ERROR_TABLE.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(SALESFORCE_ERROR_TABLE.at(-1)?.matches({} as never)).toBe(true)
  })

  for (const row of SALESFORCE_ERROR_TABLE) {
    it(`${row.id}: its example is decided by its own row and classified ${row.type}`, () => {
      expect(matchSalesforceRule(row.example).id).toBe(row.id)
      const error = classifySalesforceFailure(row.example)
      expect(error.type).toBe(row.type)
      expect(error.cause).toBeDefined()
      if (row.type === 'throttled') expect(error.retryAfterMs).toBeGreaterThan(0)
    })
  }
})

describe('classifySalesforceFailure', () => {
  it.each([
    [401, 'INVALID_SESSION_ID', 'auth'],
    [400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'validation'],
    [400, 'REQUIRED_FIELD_MISSING', 'validation'],
    [400, 'INVALID_FIELD', 'validation'],
    [400, 'DUPLICATE_VALUE', 'validation'],
    [400, 'UNABLE_TO_LOCK_ROW', 'retryable'],
    [503, 'SERVER_UNAVAILABLE', 'retryable'],
    [412, 'PRECONDITION_FAILED', 'conflict'],
    [403, 'INSUFFICIENT_ACCESS', 'auth'],
  ] as const)('%i %s → %s', (status, code, type) => {
    const error = classifySalesforceFailure(response(status, sfBody(code, 'why', ['Name'])))
    expect(error).toMatchObject({ type, status, code, path: 'Name' })
    expect(error.message).toContain('why')
  })

  it('the two REQUEST_LIMIT_EXCEEDED causes wait differently: 20 s for concurrency, the window for the allocation', () => {
    const concurrent = classifySalesforceFailure(
      response(
        403,
        sfBody(
          'REQUEST_LIMIT_EXCEEDED',
          'ConcurrentRequests (Concurrent API Requests) Limit exceeded.',
        ),
        'read',
      ),
    )
    expect(concurrent).toMatchObject({ type: 'throttled', retryAfterMs: 20_000 })
    const daily = classifySalesforceFailure(
      response(403, sfBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), 'read', {
        'Sforce-Limit-Info': 'api-usage=10000/10000',
      }),
    )
    // One call must age out of a 24 h window holding 10,000: 8.64 s, raised to the 5 min floor.
    expect(daily).toMatchObject({ type: 'throttled', retryAfterMs: MIN_ALLOCATION_WAIT_MS })
  })

  it('token endpoint refusals are auth whatever the OAuth error; its 5xx is retryable', () => {
    for (const error of [
      'invalid_grant',
      'invalid_client',
      'invalid_client_id',
      'unsupported_grant_type',
    ]) {
      const failure: SalesforceFailure = {
        kind: 'response',
        operation: 'token',
        status: 400,
        body: JSON.stringify({ error, error_description: 'x' }),
      }
      expect(classifySalesforceFailure(failure)).toMatchObject({ type: 'auth', code: error })
    }
    expect(classifySalesforceFailure(response(503, '', 'token')).type).toBe('retryable')
  })

  it('network failures: not sent → retryable; after sending a write → unknown_outcome; after a read → retryable', () => {
    const refused = new HttpTransportError('refused', {
      code: 'ECONNREFUSED',
      timedOut: false,
      abortedByCaller: false,
      cause: undefined,
    })
    const dropped = new HttpTransportError('other side closed', {
      code: 'UND_ERR_SOCKET',
      timedOut: false,
      abortedByCaller: false,
      cause: undefined,
    })
    const timedOut = new HttpTransportError('deadline', {
      code: undefined,
      timedOut: true,
      abortedByCaller: false,
      cause: undefined,
    })
    const of = (error: unknown, operation: SalesforceFailure['operation']) =>
      classifySalesforceFailure({ kind: 'network', operation, error }).type
    expect(of(refused, 'idempotent_write')).toBe('retryable')
    expect(of(dropped, 'idempotent_write')).toBe('unknown_outcome')
    expect(of(timedOut, 'write')).toBe('unknown_outcome')
    expect(of(dropped, 'read')).toBe('retryable')
  })

  it('5xx: retryable on an upsert, unknown_outcome on a composite with creates; the edge’s HTML page too', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head></html>'
    expect(classifySalesforceFailure(response(502, html, 'idempotent_write')).type).toBe(
      'retryable',
    )
    expect(
      classifySalesforceFailure(response(500, sfBody('UNKNOWN_EXCEPTION'), 'write')).type,
    ).toBe('unknown_outcome')
  })

  it('300 names the matching ids', () => {
    const error = classifySalesforceFailure(
      response(
        300,
        JSON.stringify([
          '/services/data/v62.0/sobjects/Account/0015g00000000AAAAA',
          '/services/data/v62.0/sobjects/Account/0015g00000000BBBBB',
        ]),
      ),
    )
    expect(error).toBeInstanceOf(SalesforceMultipleMatchesError)
    expect((error as SalesforceMultipleMatchesError).matchingIds).toEqual([
      '0015g00000000AAAAA',
      '0015g00000000BBBBB',
    ])
    expect(error.name).toBe('HubError')
  })
})

describe('API usage', () => {
  it('reads the org-wide figure of Sforce-Limit-Info, not the per-app one', () => {
    expect(parseSforceLimitInfo('api-usage=18/5000')).toEqual({ used: 18, max: 5000 })
    expect(parseSforceLimitInfo('per-app-api-usage=17/250(appName=x), api-usage=19/5000')).toEqual({
      used: 19,
      max: 5000,
    })
    expect(parseSforceLimitInfo('per-app-api-usage=17/250(appName=x)')).toBeUndefined()
    expect(parseSforceLimitInfo(undefined)).toBeUndefined()
    expect(parseSforceLimitInfo('api-usage=1/0')).toBeUndefined()
  })

  it('estimates the wait from the window’s average spacing, between 5 min and 1 h', () => {
    // 100 calls over the cap in a window of 100,100: each ages out every ~0.86 s → ~87 s → 5 min.
    expect(allocationWaitMs({ used: 100_100, max: 100_000 })).toBe(MIN_ALLOCATION_WAIT_MS)
    // 51 of a 100-call window must age out to get below 50%: ~12 h → capped at 1 h.
    expect(allocationWaitMs({ used: 100, max: 100 }, 0.5)).toBe(MAX_ALLOCATION_WAIT_MS)
    // 1 of a 60-call window: 24 h / 60 = 24 min.
    expect(allocationWaitMs({ used: 60, max: 60 })).toBe(24 * 60_000)
    expect(allocationWaitMs(undefined)).toBe(MIN_ALLOCATION_WAIT_MS)
  })
})
