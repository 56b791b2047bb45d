/** @module test/sandbox/shopify-webhooks.test — webhook delivery from the Shopify simulator to a real HTTP receiver: signatures, retries, removal, rotation, redelivery. */

import { createHmac, timingSafeEqual } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type {
  ShopifySimulator,
  ShopifySimulatorOptions,
} from '../../src/sandbox/shopify/shopify-simulator.ts'
import { eventually, startReceiver } from './sandbox-test-kit.ts'
import type { Receiver, Received } from './sandbox-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(
  answer: Parameters<typeof startReceiver>[0],
  options: Partial<ShopifySimulatorOptions> = {},
  subscribe = true,
): Promise<{ sim: ShopifySimulator; hook: Receiver }> {
  const hook = await startReceiver(answer)
  cleanups.push(() => hook.close())
  const sim = createShopifySimulator({
    seed: 11,
    webhookRetryScheduleMs: [50, 100, 200, 400, 800, 1600, 3200, 6400],
    ...(subscribe ? { webhookSubscribers: [{ address: hook.url }] } : {}),
    ...options,
  })
  await sim.start()
  cleanups.push(() => sim.stop())
  return { sim, hook }
}

const generate = (sim: ShopifySimulator, body: Record<string, unknown>) =>
  fetch(`${sim.scenarioUrl}/orders/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

const verifies = (received: Received, secret: string): boolean => {
  const expected = createHmac('sha256', secret).update(received.body).digest()
  const given = Buffer.from(String(received.headers['x-shopify-hmac-sha256']), 'base64')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

describe('Shopify webhook delivery', () => {
  it('signs the exact raw body with HMAC-SHA256 and sends the documented headers', async () => {
    const { sim, hook } = await setup(() => ({ status: 200 }))
    const response = await generate(sim, { count: 1 })
    expect(response.status).toBe(201)
    const { orderIds } = (await response.json()) as { orderIds: string[] }
    await sim.deliveriesSettled(5000)
    const [received] = hook.received
    if (!received) throw new Error('no delivery received')
    expect(verifies(received, sim.webhookSecret)).toBe(true)
    expect(verifies(received, 'some other secret')).toBe(false)
    expect(received.headers).toMatchObject({
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'demo-shop.myshopify.com',
      'x-shopify-api-version': '2026-01',
      'content-type': 'application/json',
    })
    expect(received.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(received.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(Date.parse(String(received.headers['x-shopify-triggered-at']))).not.toBeNaN()
    expect(received.body.toString('utf8')).toContain(`{"id":${orderIds[0]},`)
  })

  it('retries a failed delivery with the same Webhook-Id, headers and body bytes, then succeeds', async () => {
    const { sim, hook } = await setup((n) => ({ status: n < 2 ? 503 : 200 }))
    await generate(sim, { count: 1 })
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(3)
    const [first, ...retries] = hook.received
    for (const retry of retries) {
      expect(retry.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true)
      for (const header of [
        'x-shopify-webhook-id',
        'x-shopify-event-id',
        'x-shopify-hmac-sha256',
        'x-shopify-triggered-at',
      ]) {
        expect(retry.headers[header]).toBe(first?.headers[header])
      }
    }
    const [delivery] = sim.deliveries()
    expect(delivery).toMatchObject({
      state: 'delivered',
      attempts: 3,
      lastStatus: 200,
      topic: 'orders/create',
    })
    expect(delivery?.history.map((a) => a.status)).toEqual([503, 503, 200])
    expect(delivery?.history.map((a) => a.kind)).toEqual(['initial', 'retry', 'retry'])
  })

  it('treats a receiver slower than the total timeout as a failure and retries', async () => {
    const { sim, hook } = await setup((n) => ({ status: 200, delayMs: n === 0 ? 1000 : 0 }), {
      webhookTimeouts: { totalMs: 300 },
    })
    await generate(sim, { count: 1 })
    await sim.deliveriesSettled(5000)
    const [delivery] = sim.deliveries()
    expect(delivery?.state).toBe('delivered')
    expect(delivery?.history[0]?.status).toBeNull()
    expect(delivery?.history[0]?.error).toBeTruthy()
    expect(hook.received).toHaveLength(2)
  })

  it('deletes an Admin API subscription after the initial delivery and all retries fail', async () => {
    const { sim, hook } = await setup(
      () => ({ status: 500 }),
      { webhookRetryScheduleMs: [20, 20], webhookMaxRetries: 2 },
      false,
    )
    const headers = {
      'x-shopify-access-token': sim.accessToken,
      'content-type': 'application/json',
    }
    const created = await fetch(`${sim.baseUrl}/admin/api/2026-01/webhooks.json`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        webhook: { topic: 'orders/create', address: hook.url, format: 'json' },
      }),
    })
    expect(created.status).toBe(201)
    await generate(sim, { count: 1 })
    await sim.deliveriesSettled(5000)
    expect(sim.deliveries()[0]).toMatchObject({ state: 'abandoned', attempts: 3, lastStatus: 500 })
    expect(hook.received).toHaveLength(3)
    expect(sim.removedSubscriptions()).toEqual([
      expect.objectContaining({ topic: 'orders/create', address: hook.url, source: 'admin' }),
    ])
    const list = await fetch(`${sim.baseUrl}/admin/api/2026-01/webhooks.json`, { headers })
    expect(await list.json()).toEqual({ webhooks: [] })
  })

  it('signs later webhooks with the rotated secret', async () => {
    const { sim, hook } = await setup(() => ({ status: 200 }))
    const oldSecret = sim.webhookSecret
    await generate(sim, { count: 1 })
    await sim.deliveriesSettled(5000)
    const rotated = await fetch(`${sim.scenarioUrl}/secret/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: 'new-secret' }),
    })
    expect(await rotated.json()).toMatchObject({ secret: 'new-secret', previousSecret: oldSecret })
    await generate(sim, { count: 1 })
    await sim.deliveriesSettled(5000)
    const [before, after] = hook.received
    if (!before || !after) throw new Error('expected two deliveries')
    expect(verifies(before, oldSecret)).toBe(true)
    expect(verifies(after, 'new-secret')).toBe(true)
    expect(verifies(after, oldSecret)).toBe(false)
  })

  it('delivers one webhook per generated order, with bounded concurrency', async () => {
    let open = 0
    let peak = 0
    const { sim, hook } = await setup(
      () => {
        open += 1
        peak = Math.max(peak, open)
        setTimeout(() => (open -= 1), 20)
        return { status: 200, delayMs: 20 }
      },
      { webhookConcurrency: 4 },
    )
    const response = await generate(sim, { count: 40, customers: 5 })
    const { orderIds } = (await response.json()) as { orderIds: string[] }
    expect(orderIds).toHaveLength(40)
    await sim.deliveriesSettled(10_000)
    const deliveries = sim.deliveries().filter((d) => d.topic === 'orders/create')
    expect(deliveries).toHaveLength(40)
    expect(new Set(deliveries.map((d) => d.orderId))).toEqual(new Set(orderIds))
    expect(
      hook.received.filter((r) => r.headers['x-shopify-topic'] === 'orders/create'),
    ).toHaveLength(40)
    expect(peak).toBeLessThanOrEqual(4)
    const emails = new Set(sim.orders().map((o) => (o.customer as { email: string }).email))
    expect(emails.size).toBeLessThanOrEqual(5)
  })

  it('spreads generation over time when a rate is given', async () => {
    const { sim } = await setup(() => ({ status: 200 }))
    const started = Date.now()
    const result = sim.generateOrders({ count: 5, ratePerSecond: 50 })
    expect(result.scheduled).toBe(true)
    await result.done
    expect(Date.now() - started).toBeGreaterThanOrEqual(70)
    expect(sim.orders()).toHaveLength(5)
  })

  it('redelivers the same delivery with the same Webhook-Id', async () => {
    const { sim, hook } = await setup(() => ({ status: 200 }))
    await generate(sim, { count: 1 })
    await sim.deliveriesSettled(5000)
    const webhookId = sim.deliveries()[0]?.webhookId ?? ''
    const response = await fetch(`${sim.scenarioUrl}/deliveries/${webhookId}/redeliver`, {
      method: 'POST',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      delivery: { webhookId, attempts: 2, state: 'delivered' },
    })
    const [first, second] = hook.received
    expect(second?.headers['x-shopify-webhook-id']).toBe(webhookId)
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true)
    const listed = (await (await fetch(`${sim.scenarioUrl}/deliveries`)).json()) as {
      deliveries: unknown[]
    }
    expect(listed.deliveries).toHaveLength(1)
  })

  it('gives two subscriptions one Event-Id and different Webhook-Ids, and fires orders/updated on edits', async () => {
    const { sim, hook } = await setup(() => ({ status: 200 }))
    sim.addWebhookSubscriber({ address: `${hook.url}?second`, topics: ['orders/create'] })
    const { orderIds } = (await (await generate(sim, { count: 1 })).json()) as {
      orderIds: string[]
    }
    await sim.deliveriesSettled(5000)
    const creates = hook.received.filter((r) => r.headers['x-shopify-topic'] === 'orders/create')
    expect(creates).toHaveLength(2)
    expect(creates[0]?.headers['x-shopify-event-id']).toBe(
      creates[1]?.headers['x-shopify-event-id'],
    )
    expect(creates[0]?.headers['x-shopify-webhook-id']).not.toBe(
      creates[1]?.headers['x-shopify-webhook-id'],
    )
    const edit = await fetch(`${sim.scenarioUrl}/orders/${orderIds[0]}/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tags: 'edited' }),
    })
    expect(edit.status).toBe(200)
    await eventually(() =>
      hook.received.some((r) => r.headers['x-shopify-topic'] === 'orders/updated'),
    )
    const updated = hook.received.find((r) => r.headers['x-shopify-topic'] === 'orders/updated')
    expect(updated?.body.toString()).toContain('"tags":"edited"')
  })
})
