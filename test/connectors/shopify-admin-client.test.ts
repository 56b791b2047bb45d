/** @module test/connectors/shopify-admin-client — the Admin REST client against a local node:http Shopify stand-in. */
import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { HubError, toErrorRecord } from '../../src/errors/hub-error.ts'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { SHOPIFY_RESPONSE_RULES } from '../../src/connectors/shopify/shopify-error-classifier.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { startLocalHttpServer } from './support/local-http-server.ts'
import type { LocalHttpServer, RecordedRequest } from './support/local-http-server.ts'

const TOKEN = 'shpat_test_access_token'
const API = '/admin/api/2026-01'
let server: LocalHttpServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

async function shopify(handle: (req: RecordedRequest, res: ServerResponse) => void) {
  server = await startLocalHttpServer(handle)
  const config = parseShopifyConnectionConfig({
    shopDomain: 'acme.myshopify.com',
    apiVersion: '2026-01',
    adminBaseUrl: server.url,
    accessToken: TOKEN,
    webhookSecrets: [{ secret: 'shpss_x' }],
    // Short, for the hanging-server tests, yet far above a local round trip on a loaded machine.
    requestTimeoutMs: 800,
  })
  return { client: new ShopifyAdminClient(config), srv: server }
}

/** Raw text, so ids above 2^53 reach the client exactly as Shopify writes them. */
function reply(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-shopify-shop-api-call-limit': '32/40',
    ...headers,
  })
  res.end(text)
}

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!HubError.is(error)) throw new Error(`expected a HubError, got ${String(error)}`)
  expect(JSON.stringify(toErrorRecord(error))).not.toContain(TOKEN)
  return error
}

describe('ShopifyAdminClient', () => {
  it('lists orders with lossless ids, the call limit and the next-page cursor', async () => {
    const { client, srv } = await shopify((req, res) =>
      reply(res, 200, '{"orders":[{"id":9820982911946154508,"total_price":"1.00"}]}', {
        link: `<https://acme.myshopify.com${API}/orders.json?limit=1&page_info=eyJsYXN0X2lkIjo0fQ>; rel="next"`,
        'x-shopify-api-version': '2026-01',
      }),
    )
    const page = await client.listOrders({ limit: 1, updatedAtMin: '2026-01-01T00:00:00Z' })
    expect(page).toEqual({
      items: [{ id: '9820982911946154508', total_price: '1.00' }],
      nextPageInfo: 'eyJsYXN0X2lkIjo0fQ',
      callLimit: { used: 32, max: 40 },
    })
    expect(client.lastServedApiVersion).toBe('2026-01')
    const [request] = srv.requests
    expect(request?.headers['x-shopify-access-token']).toBe(TOKEN)
    const url = new URL(request?.url ?? '', 'http://x')
    expect(url.pathname).toBe(`${API}/orders.json`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'any',
      limit: '1',
      updated_at_min: '2026-01-01T00:00:00Z',
    })
  })

  it('sends only page_info and limit with a cursor, as Shopify requires', async () => {
    const { client, srv } = await shopify((_req, res) => reply(res, 200, '{"customers":[]}'))
    await client.listCustomers({ pageInfo: 'abc', limit: 5, updatedAtMin: '2026-01-01T00:00:00Z' })
    const url = new URL(srv.requests[0]?.url ?? '', 'http://x')
    expect(Object.fromEntries(url.searchParams)).toEqual({ page_info: 'abc', limit: '5' })
  })

  it('gets an order and a customer, and answers null for 404', async () => {
    const { client } = await shopify((req, res) => {
      if (req.url === `${API}/orders/1.json`) return reply(res, 200, '{"order":{"id":1}}')
      if (req.url === `${API}/customers/2.json`) return reply(res, 200, '{"customer":{"id":2}}')
      reply(res, 404, '{"errors":"Not Found"}')
    })
    await expect(client.getOrder('1')).resolves.toEqual({ id: '1' })
    await expect(client.getCustomer('2')).resolves.toEqual({ id: '2' })
    await expect(client.getOrder('3')).resolves.toBeNull()
  })

  it('creates an order and webhook subscriptions; lists and deletes them', async () => {
    const { client, srv } = await shopify((req, res) => {
      if (req.method === 'POST' && req.url.endsWith('/orders.json')) {
        return reply(res, 201, '{"order":{"id":450789469,"name":"#1001"}}')
      }
      if (req.method === 'POST') {
        return reply(res, 201, '{"webhook":{"id":4759306,"topic":"orders/create"}}')
      }
      if (req.method === 'GET') return reply(res, 200, '{"webhooks":[{"id":4759306}]}')
      if (req.url.endsWith('/4759306.json')) return reply(res, 200, '{}')
      reply(res, 404, '{"errors":"Not Found"}')
    })
    await expect(
      client.createOrder({ line_items: [{ variant_id: 1, quantity: 1 }] }),
    ).resolves.toEqual({ id: '450789469', name: '#1001' })
    expect(JSON.parse(srv.requests[0]?.body ?? '')).toEqual({
      order: { line_items: [{ variant_id: 1, quantity: 1 }] },
    })
    const webhook = await client.createWebhook({
      topic: 'orders/create',
      address: 'https://hub.example/webhooks/shopify',
    })
    expect(webhook).toEqual({ id: '4759306', topic: 'orders/create' })
    expect(JSON.parse(srv.requests[1]?.body ?? '')).toEqual({
      webhook: {
        format: 'json',
        topic: 'orders/create',
        address: 'https://hub.example/webhooks/shopify',
      },
    })
    expect((await client.listWebhooks()).items).toEqual([{ id: '4759306' }])
    await expect(client.deleteWebhook('4759306')).resolves.toBe(true)
    await expect(client.deleteWebhook('1')).resolves.toBe(false)
  })

  it.each([
    ['2', 2000],
    ['2.0', 2000],
    ['0.5', 500],
    [undefined, 1000],
  ])('429 with Retry-After %s → throttled %i ms', async (retryAfter, ms) => {
    const { client } = await shopify((_req, res) =>
      reply(
        res,
        429,
        '{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}',
        retryAfter ? { 'retry-after': retryAfter } : {},
      ),
    )
    const error = await failure(client.listOrders())
    expect(error).toMatchObject({ type: 'throttled', retryAfterMs: ms, status: 429 })
    expect(client.lastCallLimit).toEqual({ used: 32, max: 40 })
  })

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [409, 'conflict'],
    [500, 'retryable'],
    [503, 'retryable'],
  ])('GET answered %i → %s', async (status, type) => {
    const { client } = await shopify((_req, res) => reply(res, status, '{"errors":"x"}'))
    expect((await failure(client.getOrder('1'))).type).toBe(type)
  })

  it('422 is validation naming the first field', async () => {
    const { client } = await shopify((_req, res) =>
      reply(res, 422, '{"errors":{"line_items":["is invalid"],"email":["is taken"]}}'),
    )
    const error = await failure(client.createOrder({}))
    expect(error).toMatchObject({ type: 'validation', path: 'line_items', status: 422 })
    expect(error.message).toContain('line_items is invalid; email is taken')
  })

  it('a 5xx on a create, or a create that times out, is unknown_outcome', async () => {
    const { client } = await shopify((req, res) => {
      if (req.url.endsWith('/orders.json')) return reply(res, 502, '')
    })
    expect((await failure(client.createOrder({}))).type).toBe('unknown_outcome')
    expect(
      (await failure(client.createWebhook({ topic: 'orders/create', address: 'https://x' }))).type,
    ).toBe('unknown_outcome')
  })

  it('a GET that times out or loses its connection is retryable', async () => {
    const { client } = await shopify((req, res) => {
      if (req.url.includes('/orders/')) res.socket?.destroy()
    })
    expect((await failure(client.getOrder('1'))).type).toBe('retryable')
    expect((await failure(client.listOrders())).type).toBe('retryable')
  })

  it('an unreadable 2xx body is retryable for a read, unknown_outcome for a create', async () => {
    const { client } = await shopify((_req, res) => reply(res, 200, '<html>maintenance</html>'))
    expect((await failure(client.listOrders())).type).toBe('retryable')
    expect((await failure(client.createOrder({}))).type).toBe('unknown_outcome')
  })

  it('refuses ids that are not numeric before sending anything', async () => {
    const { client, srv } = await shopify((_req, res) => reply(res, 200, '{}'))
    expect((await failure(client.getOrder('../shop'))).type).toBe('validation')
    expect(srv.requests).toHaveLength(0)
  })

  it('documents its classification rules', () => {
    expect(SHOPIFY_RESPONSE_RULES.map((r) => r.type)).toContain('throttled')
  })
})
