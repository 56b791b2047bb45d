/** @module test/connectors/shopify-webhook-headers — case-insensitive webhook header parsing and staleness. */
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { parseShopifyWebhookHeaders } from '../../src/connectors/shopify/shopify-webhook-headers.ts'

const now = Date.parse('2026-01-11T05:00:00Z')
const options = { now, staleAfterMs: 24 * 60 * 60 * 1000 }
const base = {
  'X-Shopify-Topic': 'orders/create',
  'X-Shopify-Shop-Domain': 'acme.myshopify.com',
  'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
  'X-Shopify-Triggered-At': '2026-01-11T04:30:05.123Z',
  'X-Shopify-API-Version': '2026-01',
  'X-Shopify-Hmac-Sha256': 'XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=',
}

function expectValidation(fn: () => unknown, header: string): void {
  try {
    fn()
  } catch (error) {
    expect(HubError.is(error) && error.type).toBe('validation')
    expect((error as HubError).path).toBe(header)
    expect((error as HubError).message).toContain(header)
    return
  }
  throw new Error('expected a validation error')
}

describe('parseShopifyWebhookHeaders', () => {
  it('reads every header, whatever its case', () => {
    const lowered = Object.fromEntries(Object.entries(base).map(([k, v]) => [k.toLowerCase(), v]))
    for (const headers of [base, lowered, new Headers(base)]) {
      expect(parseShopifyWebhookHeaders(headers, options)).toEqual({
        topic: 'orders/create',
        shopDomain: 'acme.myshopify.com',
        webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
        triggeredAt: Date.parse('2026-01-11T04:30:05.123Z'),
        apiVersion: '2026-01',
        hmac: 'XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=',
        subscriptionName: undefined,
        ageMs: 29 * 60_000 + 54_877,
        stale: false,
      })
    }
  })

  it('flags a delivery older than staleAfterMs as stale instead of rejecting it', () => {
    const parsed = parseShopifyWebhookHeaders(
      { ...base, 'X-Shopify-Triggered-At': '2026-01-09T00:00:00Z' },
      options,
    )
    expect(parsed.stale).toBe(true)
    expect(parsed.ageMs).toBeGreaterThan(options.staleAfterMs)
  })

  it('treats Event-Id as optional (older API versions do not send it)', () => {
    const { 'X-Shopify-Event-Id': _omitted, ...rest } = base
    expect(parseShopifyWebhookHeaders(rest, options).eventId).toBeUndefined()
  })

  it.each([
    'X-Shopify-Topic',
    'X-Shopify-Shop-Domain',
    'X-Shopify-Webhook-Id',
    'X-Shopify-Triggered-At',
    'X-Shopify-API-Version',
  ])('rejects a delivery without %s, naming it', (header) => {
    const headers: Record<string, string> = { ...base }
    delete headers[header]
    expectValidation(() => parseShopifyWebhookHeaders(headers, options), header)
    expectValidation(() => parseShopifyWebhookHeaders({ ...base, [header]: '  ' }, options), header)
  })

  it.each([
    ['X-Shopify-Triggered-At', 'yesterday-ish'],
    ['X-Shopify-Shop-Domain', 'https://acme.myshopify.com/'],
    ['X-Shopify-Topic', 'orders create'],
    ['X-Shopify-API-Version', 'v1'],
  ])('rejects a malformed %s', (header, value) => {
    expectValidation(
      () => parseShopifyWebhookHeaders({ ...base, [header]: value }, options),
      header,
    )
  })

  it('rejects a repeated Webhook-Id rather than picking one', () => {
    const headers = { ...base, 'x-shopify-webhook-id': ['a', 'b'] }
    delete (headers as Record<string, unknown>)['X-Shopify-Webhook-Id']
    expectValidation(() => parseShopifyWebhookHeaders(headers, options), 'X-Shopify-Webhook-Id')
  })

  it('rejects a delivery for another shop when the expected shop is given', () => {
    expectValidation(
      () =>
        parseShopifyWebhookHeaders(base, { ...options, expectedShopDomain: 'other.myshopify.com' }),
      'X-Shopify-Shop-Domain',
    )
  })
})
