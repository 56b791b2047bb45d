/** @module test/connectors/shopify-mapping — golden fixtures: recorded Shopify payload text → canonical Order. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Order } from '../../src/canonical/index.ts'
import { HubError, toErrorRecord } from '../../src/errors/hub-error.ts'
import { parseShopifyJson } from '../../src/connectors/shopify/shopify-json.ts'
import {
  MAX_REPORTED_ISSUES,
  shopifyCustomerToCanonical,
  shopifyOrderBusinessKey,
  shopifyOrderToCanonical,
} from '../../src/connectors/shopify/shopify-mapping.ts'

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const payload = (name: string): Record<string, unknown> =>
  parseShopifyJson(fixture(name)) as Record<string, unknown>

function mappingError(fn: () => unknown): HubError {
  try {
    fn()
  } catch (error) {
    if (HubError.is(error) && error.type === 'validation') return error
    throw error
  }
  throw new Error('expected HubError.validation')
}

describe('shopifyOrderToCanonical (golden)', () => {
  it.each(['shopify-order-create', 'shopify-order-minimal'])('maps %s', (name) => {
    const canonical = shopifyOrderToCanonical(payload(`${name}.payload.json`))
    // The expected file has no numbers beyond 2^53 (ids are strings), so JSON.parse is exact here.
    expect(canonical).toEqual(JSON.parse(fixture(`${name}.canonical.json`)))
    expect(Order.parse(canonical)).toEqual(canonical)
  })

  it('keeps the id above 2^53 exactly as the payload text wrote it', () => {
    const canonical = shopifyOrderToCanonical(payload('shopify-order-create.payload.json'))
    expect(fixture('shopify-order-create.payload.json')).toContain(`"id": ${canonical.source.id},`)
    expect(BigInt(canonical.source.id)).toBeGreaterThan(2n ** 53n)
  })

  it('uses receivedAt for placedAt only when the payload has no creation time', () => {
    const order = payload('shopify-order-minimal.payload.json')
    delete order.created_at
    const canonical = shopifyOrderToCanonical(order, {
      receivedAt: Date.parse('2026-02-01T08:00:01Z'),
    })
    expect(canonical.placedAt).toBe('2026-02-01T08:00:01.000Z')
    expect(canonical.source.version).toBeUndefined()
  })

  it('names the failing field when a line has no SKU', () => {
    const order = payload('shopify-order-create.payload.json')
    const lines = order.line_items as Record<string, unknown>[]
    lines[1] = { ...lines[1], sku: null }
    const error = mappingError(() => shopifyOrderToCanonical(order))
    expect(error.path).toBe('lines[1].sku')
    expect(error.message).toContain('line_items[1].sku')
    expect(error.message).toContain('every order line needs a SKU')
  })

  it('names the customer when a guest order has none', () => {
    const order = payload('shopify-order-minimal.payload.json')
    order.customer = null
    expect(mappingError(() => shopifyOrderToCanonical(order)).path).toBe('customer')
  })

  it('refuses an id that already lost precision in JSON.parse', () => {
    const lossy = JSON.parse(fixture('shopify-order-create.payload.json'))
    const error = mappingError(() => shopifyOrderToCanonical(lossy))
    expect(error.message).toMatch(/lost precision/)
  })

  it('rejects money sent as a number rather than a decimal string', () => {
    const order = payload('shopify-order-minimal.payload.json')
    order.total_price = 10
    expect(mappingError(() => shopifyOrderToCanonical(order)).path).toBe('total')
  })

  it('rejects a payload that is not an object', () => {
    mappingError(() => shopifyOrderToCanonical(['not', 'an', 'order']))
  })

  it('names the first issues and counts the rest, so the stored error stays small', () => {
    const order = payload('shopify-order-create.payload.json')
    const lines = Array.from({ length: 10_000 }, () => 0)
    const error = mappingError(() => shopifyOrderToCanonical({ ...order, line_items: lines }))
    expect(error.message).toContain('lines[0] (Shopify line_items[0])')
    expect(error.message).not.toContain(`line_items[${MAX_REPORTED_ISSUES}]`)
    expect(error.message).toMatch(new RegExp(`… and ${10_000 - MAX_REPORTED_ISSUES} more$`))
    expect(error.path).toBe('lines[0]')
    const record = toErrorRecord(error)
    expect(record).toMatchObject({ type: 'validation', code: 'CANONICAL_MAPPING' })
    expect(JSON.stringify(record).length).toBeLessThan(4 * 1024)
  })
})

describe('shopifyCustomerToCanonical', () => {
  it('maps a customers/update body', () => {
    const order = payload('shopify-order-create.payload.json')
    const customer = shopifyCustomerToCanonical(order.customer)
    expect(customer.source).toEqual({
      system: 'shopify',
      id: '9115310627314723954',
      version: '2026-01-10T23:30:01-05:00',
    })
    expect(customer.lastName).toBe('Müller-Łukasiewicz')
  })
})

describe('shopifyOrderBusinessKey', () => {
  it('prefixes the exact id', () => {
    expect(shopifyOrderBusinessKey('9820982911946154508')).toBe('shopify:order:9820982911946154508')
  })

  it('rejects anything but a numeric REST id', () => {
    mappingError(() => shopifyOrderBusinessKey('gid://shopify/Order/1'))
    mappingError(() => shopifyOrderBusinessKey(''))
  })
})
