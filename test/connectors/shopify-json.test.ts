/** @module test/connectors/shopify-json — lossless ids, depth limit, and no prototype pollution. */
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import {
  parseShopifyJson,
  SHOPIFY_ADMIN_JSON_MAX_VALUES,
  SHOPIFY_JSON_MAX_VALUES,
} from '../../src/connectors/shopify/shopify-json.ts'
import { parseUntrustedJson } from '../../src/connectors/wire/untrusted-json.ts'

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

  it('counts values and keys exactly, and refuses more than the limit before parsing', () => {
    const tiny = (text: string, maxValues: number) =>
      parseUntrustedJson(text, { source: 'test body', maxValues })
    // Root object, 2 keys, 2 values (an array of 2, an empty object): 1 + 2 + 2 + 2 = 7.
    const text = ' { "a" : [ 1 , "x,:[" ] , "b" : { } } '
    expect(tiny(text, 7)).toEqual({ a: [1, 'x,:['], b: {} })
    const error = validationError(() => tiny(text, 6))
    expect(error.code).toBe('JSON_TOO_LARGE')
    expect(error.message).toMatch(/test body holds more than 6 JSON values and keys/)

    expect(SHOPIFY_JSON_MAX_VALUES).toBe(100_000)
    const huge = `{"id":1,"a":[${Array.from({ length: 1_000_000 }, () => '0').join(',')}]}`
    const started = performance.now()
    expect(validationError(() => parseShopifyJson(huge)).code).toBe('JSON_TOO_LARGE')
    // Refused by the scan, long before a parser would get through 1,000,000 values.
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('takes a larger bound for Admin API pages (up to 250 full orders)', () => {
    const page = `{"orders":[${Array.from({ length: 150_000 }, () => '0').join(',')}]}`
    validationError(() => parseShopifyJson(page))
    const parsed = parseShopifyJson(page, 'Shopify page', SHOPIFY_ADMIN_JSON_MAX_VALUES)
    expect((parsed as { orders: unknown[] }).orders).toHaveLength(150_000)
  })

  it.each([
    ['a lone high surrogate', '{"name":"\\ud800"}', /string .* at name/],
    ['a lone low surrogate', '{"a":["ok","\\udc00x"]}', /string .* at a\[1\]/],
    ['a reversed pair', '{"name":"\\ude9a\\ud83d"}', /string .* at name/],
    ['a lone surrogate in a key', '{"a":{"\\ud800":1}}', /key .* at a$/],
  ])('rejects %s: not well-formed Unicode', (_name, text, where) => {
    const error = validationError(() => parseShopifyJson(text))
    expect(error.message).toMatch(/not well-formed Unicode/)
    expect(error.message).toMatch(where)
    // The message itself must be storable: it names the path, never the bad text.
    expect(error.message).not.toMatch(/[\uD800-\uDFFF]/)
  })

  it('keeps escaped surrogate pairs', () => {
    expect(parseShopifyJson('{"name":"\\ud83d\\ude9a"}')).toEqual({ name: '🚚' })
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
