/** @module test/sandbox/shopify-vendor-webhooks.test — Shopify's own `@shopify/shopify-api` (13.1, node adapter) validates, inside a real HTTP receiver, the webhooks the simulator delivered, and rejects tampered ones. */

import '@shopify/shopify-api/adapters/node'
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api'
import type { WebhookValidation } from '@shopify/shopify-api'
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { eventually } from './sandbox-test-kit.ts'

const SECRET = 'shpss_vendor_proof_secret'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The library as an app would configure it: the app's client secret is the webhook key. */
const appFor = (secret: string) =>
  shopifyApi({
    apiKey: 'syncline-sandbox-app',
    apiSecretKey: secret,
    hostName: 'localhost',
    apiVersion: ApiVersion.January26,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error, log: () => undefined },
  })

interface Checked {
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly result: WebhookValidation
}

/** An app endpoint that does what Shopify's docs ask: validate, answer 200 or 401. */
async function startAppReceiver(secret: string): Promise<{ url: string; checked: Checked[] }> {
  const shopify = appFor(secret)
  const checked: Checked[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      void shopify.webhooks
        .validate({ rawBody: body.toString('utf8'), rawRequest: req, rawResponse: res })
        .then((result) => {
          checked.push({ headers: req.headers, body, result })
          res.statusCode = result.valid ? 200 : 401
          res.end()
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/webhooks`, checked }
}

async function startSim(address: string, topics: string[]): Promise<ShopifySimulator> {
  const sim = createShopifySimulator({
    seed: 21,
    webhookSecret: SECRET,
    webhookSubscribers: [{ address, topics }],
    webhookRetryScheduleMs: [50, 50],
    webhookMaxRetries: 2,
  })
  await sim.start()
  cleanups.push(() => sim.stop())
  return sim
}

const admin = (sim: ShopifySimulator, path: string, body?: unknown) =>
  fetch(`${sim.baseUrl}/admin/api/2026-01/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-shopify-access-token': sim.accessToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

/** Sends a recorded delivery again, with the same headers, to the same receiver. */
async function replay(
  url: string,
  delivery: Checked,
  body: Buffer,
  hmac?: string,
): Promise<number> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(delivery.headers)) {
    if (typeof value !== 'string') continue
    if (['host', 'content-length', 'connection', 'transfer-encoding'].includes(name)) continue
    headers[name] = value
  }
  if (hmac !== undefined) headers['x-shopify-hmac-sha256'] = hmac
  const response = await fetch(url, { method: 'POST', headers, body })
  return response.status
}

describe('@shopify/shopify-api validates what the simulator delivers', () => {
  it('accepts a storefront order webhook with its documented headers', async () => {
    const app = await startAppReceiver(SECRET)
    const sim = await startSim(app.url, ['orders/create'])
    const { orderIds } = sim.generateOrders({ count: 2 })
    await sim.deliveriesSettled(5000)
    expect(app.checked).toHaveLength(2)
    for (const check of app.checked) {
      expect(check.result).toMatchObject({
        valid: true,
        webhookType: 'webhooks',
        topic: 'ORDERS_CREATE',
        domain: sim.shopDomain,
        apiVersion: '2026-01',
        webhookId: check.headers['x-shopify-webhook-id'],
        eventId: check.headers['x-shopify-event-id'],
        triggeredAt: check.headers['x-shopify-triggered-at'],
      })
    }
    const bodies = app.checked.map((c) => c.body.toString('utf8'))
    for (const id of orderIds) expect(bodies.some((b) => b.startsWith(`{"id":${id},`))).toBe(true)
    expect(sim.deliveries().every((d) => d.state === 'delivered' && d.lastStatus === 200)).toBe(
      true,
    )
  })

  it('accepts the exact UTF-8 bytes of a non-ASCII order, and of a fulfillment webhook', async () => {
    const app = await startAppReceiver(SECRET)
    const sim = await startSim(app.url, [
      'orders/create',
      'fulfillments/create',
      'orders/fulfilled',
    ])
    const created = await admin(sim, 'orders.json', {
      order: {
        email: 'zoe@example.com',
        customer: { email: 'zoe@example.com', first_name: 'Zoë', last_name: 'Ærøskøbing' },
        line_items: [{ sku: 'SKU-2', quantity: 1 }],
        note: 'Ærø — «fragile» ✓',
      },
    })
    expect(created.status).toBe(201)
    const orderId = /"id":(\d+)/.exec(await created.text())?.[1] ?? ''
    const fos = await (await admin(sim, `orders/${orderId}/fulfillment_orders.json`)).text()
    const foId = /"fulfillment_orders":\[\{"id":(\d+)/.exec(fos)?.[1] ?? ''
    const shipped = await admin(sim, 'fulfillments.json', {
      fulfillment: {
        line_items_by_fulfillment_order: [{ fulfillment_order_id: foId }],
        tracking_info: { number: '1Z999AA10123456784', company: 'UPS' },
      },
    })
    expect(shipped.status).toBe(201)
    await sim.deliveriesSettled(5000)
    const topics = app.checked.map((c) => c.result.valid && c.result.topic).sort()
    expect(topics).toEqual(['FULFILLMENTS_CREATE', 'ORDERS_CREATE', 'ORDERS_FULFILLED'])
    const order = app.checked.find((c) => c.headers['x-shopify-topic'] === 'orders/create')
    // The multi-byte characters went over the wire as UTF-8 and were signed as such.
    expect(order?.body.includes(Buffer.from('"first_name":"Zoë"', 'utf8'))).toBe(true)
    expect(order?.body.toString('utf8')).toContain('Ærø — «fragile» ✓')
    expect(app.checked.every((c) => c.result.valid)).toBe(true)
  })

  it('rejects a delivery whose body was changed or whose HMAC came from another secret', async () => {
    const app = await startAppReceiver(SECRET)
    const sim = await startSim(app.url, ['orders/create'])
    sim.generateOrders({ count: 1 })
    await sim.deliveriesSettled(5000)
    const [original] = app.checked
    if (!original) throw new Error('no delivery reached the app')
    expect(original.result.valid).toBe(true)

    // The same headers and bytes again still verify: the library has no replay protection.
    expect(await replay(app.url, original, original.body)).toBe(200)
    const tampered = Buffer.from(
      original.body.toString('utf8').replace(/"total_price":"[\d.]+"/, '"total_price":"0.01"'),
    )
    expect(tampered.equals(original.body)).toBe(false)
    expect(await replay(app.url, original, tampered)).toBe(401)
    const forged = createHmac('sha256', 'shpss_someone_elses_secret')
      .update(original.body)
      .digest('base64')
    expect(await replay(app.url, original, original.body, forged)).toBe(401)
    await eventually(() => app.checked.length === 4)
    expect(app.checked.slice(1).map((c) => c.result)).toEqual([
      expect.objectContaining({ valid: true }),
      { valid: false, reason: 'invalid_hmac' },
      { valid: false, reason: 'invalid_hmac' },
    ])
  })

  it('signs with the rotated secret: an app still on the old secret rejects, one on the new accepts', async () => {
    const oldApp = await startAppReceiver(SECRET)
    const newApp = await startAppReceiver('shpss_rotated_secret')
    const sim = await startSim(oldApp.url, ['orders/create'])
    sim.addWebhookSubscriber({ address: newApp.url, topics: ['orders/create'] })
    sim.rotateSecret('shpss_rotated_secret')
    sim.generateOrders({ count: 1 })
    await sim.deliveriesSettled(5000)
    expect(newApp.checked.map((c) => c.result.valid)).toEqual([true])
    // The old-secret app refused it, and Shopify retried it until its retries ran out.
    expect(oldApp.checked.map((c) => c.result)).toEqual([
      { valid: false, reason: 'invalid_hmac' },
      { valid: false, reason: 'invalid_hmac' },
      { valid: false, reason: 'invalid_hmac' },
    ])
  })
})
