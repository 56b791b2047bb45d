/** @module test/connectors/shopify-json — lossless ids, depth limit, and no prototype pollution. */
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { parseShopifyJson } from '../../src/connectors/shopify/shopify-json.ts'

function validationError(fn: () => unknown): HubError {
  try {
    fn()
  } catch (error) {
    if (HubError.is(error) && error.type === 'validation') return error
    throw error
  }
  throw new Error('expected HubError.validation')
}

describe('parseShopifyJson', () => {
  it('keeps int64 ids exact and makes every id a string', () => {
    const parsed = parseShopifyJson(
      '{"id":820982911946154508,"customer":{"id":7},"line_items":[{"variant_id":808950810,"quantity":2}]}',
    )
    expect(parsed).toEqual({
      id: '820982911946154508',
      customer: { id: '7' },
      line_items: [{ variant_id: '808950810', quantity: 2 }],
    })
  })

  it('keeps any number a double cannot hold exactly as its exact text', () => {
    expect(
      parseShopifyJson(
        '{"big":9007199254740993,"safe":9007199254740991,"long":0.12345678901234567891}',
      ),
    ).toEqual({ big: '9007199254740993', safe: 9007199254740991, long: '0.12345678901234567891' })
  })

  it('parses UTF-8 bytes, and rejects invalid UTF-8', () => {
    expect(parseShopifyJson(Buffer.from('{"name":"Zoë 🚚"}'))).toEqual({ name: 'Zoë 🚚' })
    const error = validationError(() => parseShopifyJson(Buffer.from([0x7b, 0xff, 0x7d])))
    expect(error.message).toMatch(/UTF-8/)
  })

  it('rejects nesting deeper than 64 without overflowing the stack', () => {
    expect(parseShopifyJson(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeDefined()
    const deep = `${'['.repeat(65)}${']'.repeat(65)}`
    expect(validationError(() => parseShopifyJson(deep)).message).toMatch(/deeper than 64/)
    const hostile = `${'{"a":'.repeat(500_000)}1${'}'.repeat(500_000)}`
    expect(validationError(() => parseShopifyJson(hostile)).code).toBe('JSON_TOO_DEEP')
  })

  it('does not count brackets inside strings towards depth', () => {
    const text = JSON.stringify({ note: '['.repeat(1000) + '\\"{{{' })
    expect(parseShopifyJson(text)).toEqual({ note: '['.repeat(1000) + '\\"{{{' })
  })

  it.each(['__proto__', 'constructor', 'prototype'])(
    'rejects a %s key and pollutes nothing',
    (key) => {
      const text = `{"order":{"line_items":[{"${key}":{"polluted":true}}]}}`
      const error = validationError(() => parseShopifyJson(text))
      expect(error.message).toContain(key)
      expect(error.path).toBe(`order.line_items[0].${key}`)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.prototype).not.toHaveProperty('polluted')
    },
  )

  it('rejects an escaped __proto__ key too', () => {
    validationError(() => parseShopifyJson('{"\\u005f_proto__":{"polluted":true}}'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it.each([
    ['truncated', '{"id":1', /not valid JSON/],
    ['trailing garbage', '{"id":1} x', /not valid JSON/],
    ['conflicting duplicate keys', '{"id":1,"id":2}', /not valid JSON.*[Dd]uplicate/],
  ])('rejects %s JSON with a message saying what is wrong', (_name, text, message) => {
    expect(validationError(() => parseShopifyJson(text)).message).toMatch(message)
  })
})
