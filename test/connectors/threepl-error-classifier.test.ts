/** @module test/connectors/threepl-error-classifier.test — every row of the 3PL error table classifies its own example, and the classifier reads Retry-After, field errors and the edge's HTML pages. */
import { describe, expect, it } from 'vitest'
import {
  classifyThreePlFailure,
  matchThreePlRule,
  THREEPL_ERROR_TABLE,
} from '../../src/connectors/threepl/threepl-error-classifier.ts'
import type { ThreePlFailure } from '../../src/connectors/threepl/threepl-error-classifier.ts'
import { HttpTransportError } from '../../src/connectors/wire/http-exchange.ts'

const body = (error: Record<string, unknown>): string => JSON.stringify({ error })

describe('3PL error table', () => {
  it('has unique row ids and ends with a catch-all', () => {
    const ids = THREEPL_ERROR_TABLE.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(THREEPL_ERROR_TABLE.at(-1)?.matches({} as never)).toBe(true)
  })

  for (const row of THREEPL_ERROR_TABLE) {
    it(`${row.id}: its example is decided by its own row and classified ${row.type}`, () => {
      expect(matchThreePlRule(row.example).id).toBe(row.id)
      const error = classifyThreePlFailure(row.example, 0)
      expect(error.type).toBe(row.type)
      expect(error.cause).toBeDefined()
    })
  }
})

describe('3PL error classifier', () => {
  it('waits the Retry-After of a 429, in seconds or as an HTTP date, and 1 s when none is given', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    const limited = (retryAfter?: string): ThreePlFailure => ({
      kind: 'response',
      operation: 'write',
      status: 429,
      headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter },
      body: body({ type: 'rate_limit_error', code: 'rate_limited' }),
    })
    expect(classifyThreePlFailure(limited('3'), now).retryAfterMs).toBe(3000)
    expect(classifyThreePlFailure(limited('Thu, 01 Jan 2026 00:00:05 GMT'), now).retryAfterMs).toBe(
      5000,
    )
    expect(classifyThreePlFailure(limited(), now).retryAfterMs).toBe(1000)
    expect(classifyThreePlFailure(limited('0'), now).retryAfterMs).toBe(1000)
    expect(classifyThreePlFailure(limited('3'), now)).toMatchObject({
      type: 'throttled',
      code: 'rate_limited',
      status: 429,
    })
  })

  it('reports a 422 by its first field, naming every field in the message', () => {
    const error = classifyThreePlFailure({
      kind: 'response',
      operation: 'write',
      status: 422,
      body: body({
        type: 'invalid_request_error',
        code: 'validation_failed',
        message: 'The request has invalid fields.',
        errors: [
          { field: 'ship_to.postal_code', code: 'required', message: 'postal_code is required.' },
          {
            field: 'lines[1].quantity',
            code: 'must_be_positive',
            message: 'quantity must be greater than 0.',
          },
        ],
      }),
      label: 'POST /v1/fulfillment_orders',
    })
    expect(error).toMatchObject({
      type: 'validation',
      code: 'required',
      path: 'ship_to.postal_code',
      status: 422,
    })
    expect(error.message).toContain('POST /v1/fulfillment_orders returned 422')
    expect(error.message).toContain('lines[1].quantity must_be_positive')
  })

  it("treats the edge's HTML 502/503/504 as retryable without reading them as JSON", () => {
    for (const status of [502, 503, 504]) {
      const error = classifyThreePlFailure({
        kind: 'response',
        operation: 'write',
        status,
        body: `<html><head><title>${status}</title></head></html>`,
      })
      expect([error.type, error.code, error.status]).toEqual(['retryable', undefined, status])
    }
  })

  it('splits network failures by whether a write may have been sent', () => {
    const transport = (code: string, timedOut = false) =>
      new HttpTransportError('POST x failed', {
        code,
        timedOut,
        abortedByCaller: false,
        cause: undefined,
      })
    const classify = (error: unknown, operation: 'read' | 'write') =>
      classifyThreePlFailure({ kind: 'network', operation, error }).type
    expect(classify(transport('ECONNREFUSED'), 'write')).toBe('retryable')
    expect(classify(transport('UND_ERR_SOCKET'), 'write')).toBe('unknown_outcome')
    expect(classify(transport('UND_ERR_HEADERS_TIMEOUT', true), 'write')).toBe('unknown_outcome')
    expect(classify(transport('UND_ERR_SOCKET'), 'read')).toBe('retryable')
  })

  it('keeps a 409 duplicate reference, an idempotency conflict and a shipped cancel apart', () => {
    const conflict = (code: string, status = 409) =>
      classifyThreePlFailure({ kind: 'response', operation: 'write', status, body: body({ code }) })
    expect(conflict('duplicate_external_reference').type).toBe('conflict')
    expect(conflict('idempotency_key_in_use').type).toBe('conflict')
    expect(conflict('idempotency_key_reused', 422).type).toBe('conflict')
    expect(conflict('order_already_shipped')).toMatchObject({
      type: 'validation',
      code: 'order_already_shipped',
    })
  })
})
