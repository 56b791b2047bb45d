/** @module bench/harness/webhook-sender — signed Shopify `orders/create` deliveries, sent over a
 * keep-alive connection pool as Shopify's own dispatcher would, answering each with its outcome
 * (`2xx`, `429`, `503`, `error:ECONNRESET`) for the open-model generator.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { Pool } from 'undici'
import { outcomeOfError, statusOutcome } from '../../src/reliability/load/open-model-load.ts'

export interface WebhookSender {
  /** POSTs `body` as a new delivery; resolves to its outcome label. */
  send(body: string): Promise<string>
  close(): Promise<void>
}

export function webhookSender(options: {
  url: string
  path: string
  secret: string
  shopDomain: string
  apiVersion: string
  /** Sockets to the server; Shopify opens many. */
  connections?: number
  timeoutMs?: number
}): WebhookSender {
  const pool = new Pool(options.url, {
    connections: options.connections ?? 64,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  })
  const timeoutMs = options.timeoutMs ?? 5_000
  return {
    async send(body) {
      const eventId = randomUUID()
      try {
        const response = await pool.request({
          path: options.path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'orders/create',
            'x-shopify-hmac-sha256': createHmac('sha256', options.secret)
              .update(body)
              .digest('base64'),
            'x-shopify-shop-domain': options.shopDomain,
            'x-shopify-api-version': options.apiVersion,
            'x-shopify-webhook-id': randomUUID(),
            'x-shopify-event-id': eventId,
            'x-shopify-triggered-at': new Date().toISOString(),
          },
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        })
        await response.body.dump()
        return statusOutcome(response.statusCode)
      } catch (error) {
        return outcomeOfError(error)
      }
    },
    close: () => pool.close(),
  }
}
