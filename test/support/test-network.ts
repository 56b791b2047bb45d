/** @module test/support/test-network — a free loopback port, and webhooks signed as Shopify signs them. */
import { createHmac, randomUUID } from 'node:crypto'
import { createServer } from 'node:net'

/** A port the OS says is free on 127.0.0.1 right now (a test still checks it reached its own process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

/** The headers of one `orders/create` delivery, signed over `body` with `secret`. */
export function signedShopifyHeaders(
  body: string,
  secret: string,
  shopDomain = 'demo-shop.myshopify.com',
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-topic': 'orders/create',
    'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
    'x-shopify-shop-domain': shopDomain,
    'x-shopify-api-version': '2026-01',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
  }
}
