/** @module test/sandbox/shopify-admin.test — the Shopify Admin REST simulator over real HTTP: int64 ids, headers, leaky bucket, faults, reset. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator
const admin = (path: string, init: RequestInit = {}, version = '2026-01') =>
  fetch(`${sim.baseUrl}/admin/api/${version}/${path}`, {
    ...init,
    headers: {
      'x-shopify-access-token': sim.accessToken,
      'content-type': 'application/json',
      ...init.headers,
    },
  })
const newOrder = (extra: Record<string, unknown> = {}) =>
  admin('orders.json', {
    method: 'POST',
    body: JSON.stringify({
      order: {
        email: 'jon@example.com',
        customer: { email: 'jon@example.com', first_name: 'Jon', last_name: 'Doe' },
        line_items: [{ sku: 'SKU-1', quantity: 2 }],
        tags: 'wholesale, vip',
        ...extra,
      },
    }),
  })

beforeAll(async () => {
  sim = createShopifySimulator({ seed: 3, bucketSize: 6, leakPerSecond: 1 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

describe('Shopify orders', () => {
  it('emits int64 ids above 2^53 as exact JSON number digits', async () => {
    const response = await newOrder()
    expect(response.status).toBe(201)
    const raw = await response.text()
    const digits = /"order":\{"id":(\d+),/.exec(raw)?.[1] ?? ''
    expect(BigInt(digits)).toBeGreaterThan(2n ** 53n)
    // A naive JSON.parse loses the exact value: the trap the hub must avoid.
    expect(String((JSON.parse(raw) as { order: { id: number } }).order.id)).not.toBe(digits)
    expect(raw).toMatch(/"customer":\{"id":\d{17,}/)
    expect(raw).toMatch(/"line_items":\[\{"id":\d{17,}/)
    const order = JSON.parse(raw.replace(/"id":(\d+)/g, '"id":"$1"')) as {
      order: Record<string, unknown>
    }
    expect(order.order).toMatchObject({
      name: '#1001',
      order_number: 1001,
      email: 'jon@example.com',
      currency: 'USD',
      subtotal_price: '19.98',
      total_tax: '1.60',
      total_price: '21.58',
      financial_status: 'paid',
      fulfillment_status: null,
      cancelled_at: null,
      tags: 'wholesale, vip',
      customer: { email: 'jon@example.com', first_name: 'Jon', last_name: 'Doe' },
      line_items: [{ sku: 'SKU-1', quantity: 2, price: '9.99', title: 'Widget 1' }],
    })
    expect(String(order.order.created_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00$/)
    const again = await (await admin(`orders/${digits}.json`)).text()
    expect(again).toContain(`"id":${digits},`)
  })

  it('lists with since_id, status=any and count, and carries the API version header', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push(/"id":(\d+)/.exec(await (await newOrder()).text())?.[1] ?? '')
    }
    const list = await admin(`orders.json?since_id=${ids[0]}&status=any&limit=1`)
    expect(list.headers.get('x-shopify-api-version')).toBe('2026-01')
    const text = await list.text()
    expect(text).toContain(`"id":${ids[1]},`)
    expect(list.headers.get('link')).toMatch(/page_info=.*rel="next"/)
    expect(await (await admin('orders/count.json')).json()).toEqual({ count: 3 })
    const old = await admin('orders/count.json', {}, '2019-04')
    expect(old.headers.get('x-shopify-api-version')).toBe('2025-04')
  })

  it('updates an order with PUT and 404s an unknown one', async () => {
    const id = /"id":(\d+)/.exec(await (await newOrder()).text())?.[1] ?? ''
    const put = await admin(`orders/${id}.json`, {
      method: 'PUT',
      body: JSON.stringify({ order: { id, tags: 'rush' } }),
    })
    expect(put.status).toBe(200)
    expect(await put.text()).toContain('"tags":"rush"')
    const missing = await admin('orders/820982911946150001.json')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ errors: 'Not Found' })
    expect(sim.ledger().effects.find((e) => e.recordType === 'order')).toMatchObject({
      creates: 1,
      updates: 1,
    })
  })

  it('creates and reads customers, refusing a taken email with 422', async () => {
    const created = await admin('customers.json', {
      method: 'POST',
      body: JSON.stringify({
        customer: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      }),
    })
    expect(created.status).toBe(201)
    const id = /"id":(\d+)/.exec(await created.text())?.[1] ?? ''
    expect(await (await admin(`customers/${id}.json`)).text()).toContain(
      '"email":"ada@example.com"',
    )
    const dup = await admin('customers.json', {
      method: 'POST',
      body: JSON.stringify({ customer: { email: 'ada@example.com' } }),
    })
    expect(dup.status).toBe(422)
    expect(await dup.json()).toEqual({ errors: { email: ['has already been taken'] } })
  })

  it("refuses a wrong access token with Shopify's 401 body", async () => {
    const response = await fetch(`${sim.baseUrl}/admin/api/2026-01/orders.json`, {
      headers: { 'x-shopify-access-token': 'nope' },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    })
  })
})

describe('Shopify leaky bucket', () => {
  it('throttles a full bucket with 429, Retry-After 2.0 and the call-limit header, and records early calls', async () => {
    const responses: Response[] = []
    for (let i = 0; i < 7; i++) responses.push(await admin('orders.json'))
    expect(responses[0]?.headers.get('x-shopify-shop-api-call-limit')).toBe('1/6')
    const throttled = responses[6]
    expect(throttled?.status).toBe(429)
    expect(throttled?.headers.get('retry-after')).toBe('2.0')
    expect(throttled?.headers.get('x-shopify-shop-api-call-limit')).toBe('6/6')
    expect(await throttled?.json()).toEqual({
      errors:
        'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
    })
    await admin('orders.json')
    expect(sim.ledger().retryAfterViolations).toEqual([
      expect.objectContaining({ recordType: 'shop', businessKey: sim.shopDomain }),
    ])
  })
})

describe('Shopify scripted faults', () => {
  it('commit-then-drop on order creation: socket error, order created', async () => {
    sim.setScenario({ faults: { commitThenDrop: 1 } })
    await expect(newOrder()).rejects.toThrow()
    expect(sim.orders()).toHaveLength(1)
    expect(sim.ledger().faultsInjected.commitThenDrop).toBe(1)
  })

  it('refuses faults Shopify never produces', async () => {
    const response = await fetch(`${sim.scenarioUrl}/scenario`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: { requestLimit: 0.1 } }),
    })
    expect(response.status).toBe(400)
    expect(() => sim.setScenario({ concurrencyLimit: 3 })).toThrow(/no concurrency limit/)
  })
})

describe('Shopify reset', () => {
  it('puts orders, ledger and request log back to the start', async () => {
    await newOrder()
    await fetch(`${sim.scenarioUrl}/orders/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 3 }),
    })
    expect(sim.orders()).toHaveLength(4)
    const reset = await fetch(`${sim.scenarioUrl}/reset`, { method: 'POST' })
    expect(reset.status).toBe(200)
    expect(sim.orders()).toHaveLength(0)
    expect(sim.ledger().effects).toEqual([])
    expect(sim.requests()).toEqual([])
    expect(await (await admin('orders/count.json?status=any')).json()).toEqual({ count: 0 })
    const first = await (await newOrder()).text()
    expect(first).toContain('"id":820982911946154508,')
  })
})
