/** @module test/connectors/error-record.test — the stored form of a connector error stays small and storable whatever the input. */
import { describe, expect, it } from 'vitest'
import {
  HubError,
  MAX_CAUSE_MESSAGE_CHARS,
  MAX_ERROR_MESSAGE_CHARS,
  toErrorRecord,
  truncateMessage,
} from '../../src/errors/hub-error.ts'

describe('toErrorRecord', () => {
  it('caps the message and every cause message, saying how much was left out', () => {
    const inner = new Error('x'.repeat(1_000_000))
    const error = HubError.validation('m'.repeat(50_000), {
      cause: new Error('middle', { cause: inner }),
    })
    const record = toErrorRecord(error)
    expect(record.message).toHaveLength(
      MAX_ERROR_MESSAGE_CHARS + '… (46000 more characters)'.length,
    )
    expect(record.message).toMatch(/… \(46000 more characters\)$/)
    expect(record.causes?.[0]).toBe('Error: middle')
    expect(record.causes?.[1]?.startsWith(`Error: ${'x'.repeat(100)}`)).toBe(true)
    expect(record.causes?.[1]?.length).toBeLessThan(MAX_CAUSE_MESSAGE_CHARS + 40)
    expect(JSON.stringify(record).length).toBeLessThan(8 * 1024)
  })

  it('caps errors that are not HubErrors, and causes that are not Errors', () => {
    const record = toErrorRecord(
      new TypeError('t'.repeat(10_000), { cause: { big: 'b'.repeat(10_000) } }),
    )
    expect(record.type).toBe('internal')
    expect(record.message.length).toBeLessThan(MAX_ERROR_MESSAGE_CHARS + 40)
    expect(record.causes?.[0]?.length).toBeLessThan(MAX_CAUSE_MESSAGE_CHARS + 40)
    // A BigInt cause cannot be JSON-stringified; the record is still built.
    expect(toErrorRecord(new Error('e', { cause: 10n })).causes).toEqual(['10'])
  })

  it('never cuts a surrogate pair in half (the record is stored as jsonb)', () => {
    const cut = truncateMessage(`${'a'.repeat(9)}🚚🚚`, 10)
    expect(cut.startsWith(`${'a'.repeat(9)}…`)).toBe(true)
    expect(cut).not.toMatch(/[\uD800-\uDFFF]/)
    expect(truncateMessage('short', 10)).toBe('short')
  })
})
