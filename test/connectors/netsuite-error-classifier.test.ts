/** @module test/connectors/netsuite-error-classifier — every row of the table, plus the details it extracts. */
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import {
  NETSUITE_DEFAULT_RETRY_AFTER_MS,
  NETSUITE_ERROR_TABLE,
  classifyNetSuiteFailure,
  matchNetSuiteRule,
} from '../../src/connectors/netsuite/netsuite-error-classifier.ts'
import type { NetSuiteFailure } from '../../src/connectors/netsuite/netsuite-error-classifier.ts'
import { HttpTransportError } from '../../src/connectors/wire/http-exchange.ts'

const now = Date.parse('2026-01-10T12:00:00Z')
const errorBody = (code: string, path = 'entity', status = 400): string =>
  JSON.stringify({
    type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1',
    title: 'Bad Request',
    status,
    'o:errorDetails': [
      {
        detail: `Invalid value for the field '${path}'.`,
        'o:errorCode': code,
        'o:errorPath': path,
      },
    ],
  })
const transport = (
  code: string | undefined,
  flags: { timedOut?: boolean; aborted?: boolean } = {},
) =>
  new HttpTransportError('PUT /x failed', {
    code,
    timedOut: flags.timedOut ?? false,
    abortedByCaller: flags.aborted ?? false,
    cause: Object.assign(new Error(code ?? 'other side closed'), code ? { code } : {}),
  })

describe('NETSUITE_ERROR_TABLE', () => {
  it.each(NETSUITE_ERROR_TABLE.map((rule) => [rule.id, rule] as const))(
    'row %s: its example hits this row and yields its type',
    (_id, rule) => {
      expect(matchNetSuiteRule(rule.example).id).toBe(rule.id)
      const error = classifyNetSuiteFailure(rule.example, now)
      expect(error).toBeInstanceOf(HubError)
      expect(error.type).toBe(rule.type)
      expect(error.cause).toBeDefined()
    },
  )

  it('has unique ids and a description for every row', () => {
    const ids = NETSUITE_ERROR_TABLE.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const rule of NETSUITE_ERROR_TABLE) expect(rule.when.length).toBeGreaterThan(10)
  })
})

describe('classifyNetSuiteFailure', () => {
  const write = (status: number, body = '', headers = {}): NetSuiteFailure => ({
    kind: 'response',
    operation: 'idempotent_write',
    status,
    body,
    headers,
    label: 'PUT /services/rest/record/v1/salesOrder/eid:SHOPIFY-O-1',
  })

  it.each([
    ['seconds', { 'retry-after': '3' }, 3000],
    ['fractional seconds', { 'Retry-After': '2.5' }, 2500],
    ['an HTTP-date', { 'retry-after': new Date(now + 7000).toUTCString() }, 7000],
    ['nothing', {}, NETSUITE_DEFAULT_RETRY_AFTER_MS],
    ['garbage', { 'retry-after': 'soon' }, NETSUITE_DEFAULT_RETRY_AFTER_MS],
  ])('429 waits for Retry-After given as %s', (_name, headers, retryAfterMs) => {
    const error = classifyNetSuiteFailure(write(429, '', headers), now)
    expect(error.type).toBe('throttled')
    expect(error.retryAfterMs).toBe(retryAfterMs)
  })

  it('400 SSS_REQUEST_LIMIT_EXCEEDED is throttling, not validation', () => {
    const error = classifyNetSuiteFailure(write(400, errorBody('SSS_REQUEST_LIMIT_EXCEEDED')), now)
    expect(error).toMatchObject({
      type: 'throttled',
      retryAfterMs: NETSUITE_DEFAULT_RETRY_AFTER_MS,
    })
  })

  it('business errors carry code, path and status', () => {
    for (const code of ['INVALID_VALUE', 'USER_ERROR', 'NONEXISTENT_ID']) {
      const error = classifyNetSuiteFailure(
        write(code === 'NONEXISTENT_ID' ? 404 : 400, errorBody(code, 'item.items[0].item')),
        now,
      )
      expect(error).toMatchObject({
        type: 'validation',
        code,
        path: 'item.items[0].item',
        status: expect.any(Number),
      })
      expect(error.message).toContain(code)
      expect(error.message).toContain("Invalid value for the field 'item.items[0].item'")
    }
  })

  it('DUP_RCRD is a conflict whatever the status', () => {
    expect(
      classifyNetSuiteFailure(write(400, errorBody('DUP_RCRD', 'externalId')), now),
    ).toMatchObject({
      type: 'conflict',
      code: 'DUP_RCRD',
      path: 'externalId',
    })
  })

  it.each([
    ['ECONNREFUSED', {}, 'retryable'],
    ['ENOTFOUND', {}, 'retryable'],
    ['UND_ERR_CONNECT_TIMEOUT', {}, 'retryable'],
    ['ECONNRESET', {}, 'unknown_outcome'],
    ['UND_ERR_SOCKET', {}, 'unknown_outcome'],
    ['UND_ERR_HEADERS_TIMEOUT', {}, 'unknown_outcome'],
    [undefined, {}, 'unknown_outcome'],
    ['ECONNREFUSED', { timedOut: true }, 'unknown_outcome'],
    [undefined, { timedOut: true }, 'unknown_outcome'],
    [undefined, { aborted: true }, 'unknown_outcome'],
  ] as const)('network %s %j on a write → %s', (code, flags, type) => {
    const error = transport(code, flags)
    const classified = classifyNetSuiteFailure(
      { kind: 'network', operation: 'idempotent_write', error },
      now,
    )
    expect(classified.type).toBe(type)
    expect(classified.cause).toBe(error)
  })

  it('a response timeout on a read is simply retryable', () => {
    const error = transport('UND_ERR_HEADERS_TIMEOUT')
    expect(classifyNetSuiteFailure({ kind: 'network', operation: 'read', error }, now).type).toBe(
      'retryable',
    )
  })

  it('reads the code from a raw Node error nested in causes (Happy Eyeballs AggregateError)', () => {
    const inner = new AggregateError([
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    ])
    const error = new Error('fetch failed', { cause: inner })
    expect(classifyNetSuiteFailure({ kind: 'network', operation: 'write', error }, now).type).toBe(
      'retryable',
    )
  })

  it('never includes an Authorization header value in messages', () => {
    const error = classifyNetSuiteFailure(write(401, '{"error":"invalid_token"}'), now)
    expect(error.type).toBe('auth')
    expect(error.message).not.toMatch(/Bearer/i)
  })
})
