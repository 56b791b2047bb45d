/** @module test/sandbox/threepl-orders.test — the fulfillment order API over real sockets: auth, create, idempotency by key and by merchant order id, reads by id and business key, validation, cancel. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { apiClient, orderBody, SHIP_TO, simPost, startThreePl } from './threepl-test-kit.ts'
import type { ApiClient } from './threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
let sim: ThreePlSimulator
let api: ApiClient

beforeAll(async () => {
  sim = await startThreePl({}, cleanups)
})
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
beforeEach(() => {
  sim.reset()
  api = apiClient(sim)
})

interface Order {
  id: string
  external_reference: string
  status: string
  warehouse: string | null
  lines: { sku: string; quantity: number; quantity_shipped: number }[]
  version: number
}
interface ErrorBody {
  error: {
    type: string
    code: string
    existing_id?: string
    errors?: { field: string; code: string }[]
  }
}

const create = (reference: string, headers: Record<string, string> = {}) =>
  api.call('POST', '/v1/fulfillment_orders', orderBody(reference), headers)
const effectOf = (reference: string) =>
  sim
    .ledger()
    .effects.find((e) => e.recordType === 'fulfillment_order' && e.businessKey === reference)

describe('3PL authentication', () => {
  it('refuses a missing or wrong key with 401 and accepts Bearer and X-API-Key', async () => {
    const none = await fetch(`${sim.baseUrl}/v1/inventory`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toContain('Bearer')
    expect(((await none.json()) as ErrorBody).error.code).toBe('invalid_api_key')
    const wrong = await fetch(`${sim.baseUrl}/v1/inventory`, {
      headers: { authorization: 'Bearer not-the-key' },
    })
    expect(wrong.status).toBe(401)
    const bearer = await api.call('GET', '/v1/inventory?sku=SKU-1')
    expect(bearer.status).toBe(200)
    const header = await fetch(`${sim.baseUrl}/v1/inventory?sku=SKU-1`, {
      headers: { 'x-api-key': sim.apiKey },
    })
    expect(header.status).toBe(200)
    // A refused create changed nothing.
    const refused = await fetch(`${sim.baseUrl}/v1/fulfillment_orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(orderBody('NOAUTH-1')),
    })
    expect(refused.status).toBe(401)
    expect(sim.order('NOAUTH-1')).toBeUndefined()
  })

  it('revokes the old key when the key is rotated through the scenario API', async () => {
    const old = sim.apiKey
    const rotated = (await (await simPost(sim, '/api-keys/rotate')).json()) as { apiKey: string }
    expect(rotated.apiKey).not.toBe(old)
    const stale = await fetch(`${sim.baseUrl}/v1/inventory`, {
      headers: { authorization: `Bearer ${old}` },
    })
    expect(stale.status).toBe(401)
    expect((await apiClient(sim).call('GET', '/v1/inventory')).status).toBe(200)
    sim.reset()
    expect(sim.apiKey).toBe(old)
  })
})

describe('3PL fulfillment orders', () => {
  it('creates an order: 201, Location, received, and one create in the ledger', async () => {
    const response = await create('1001')
    expect(response.status).toBe(201)
    const order = (await response.json()) as Order
    expect(order).toMatchObject({
      external_reference: '1001',
      status: 'received',
      warehouse: null,
      version: 1,
      ship_to: SHIP_TO,
      lines: [{ line_number: 1, sku: 'SKU-1', quantity: 2, quantity_shipped: 0 }],
    })
    expect(order.id).toMatch(/^fo_\d{6}$/)
    expect(response.headers.get('location')).toBe(
      `${sim.baseUrl}/v1/fulfillment_orders/${order.id}`,
    )
    const read = await api.call('GET', `/v1/fulfillment_orders/${order.id}`)
    expect(read.status).toBe(200)
    expect(((await read.json()) as Order).external_reference).toBe('1001')
    expect(effectOf('1001')).toMatchObject({ creates: 1, writes: 1 })
  })

  it('answers a second create with the same external_reference 409 with the existing id', async () => {
    const first = (await (await create('1002')).json()) as Order
    const again = await create('1002')
    expect(again.status).toBe(409)
    const body = (await again.json()) as ErrorBody
    expect(body.error).toMatchObject({
      type: 'conflict',
      code: 'duplicate_external_reference',
      existing_id: first.id,
    })
    expect(again.headers.get('location')).toContain(`/v1/fulfillment_orders/${first.id}`)
    expect(sim.orders()).toHaveLength(1)
    expect(effectOf('1002')).toMatchObject({ creates: 1, writes: 1 })
  })

  it('replays the stored 201 for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const key = { 'idempotency-key': 'idem-1003' }
    const first = await create('1003', key)
    const firstBody = await first.text()
    const replay = await create('1003', key)
    expect(replay.status).toBe(201)
    expect(await replay.text()).toBe(firstBody)
    expect(effectOf('1003')).toMatchObject({ creates: 1, replays: 1 })
    const mismatch = await create('1003-other', key)
    expect(mismatch.status).toBe(422)
    expect(((await mismatch.json()) as ErrorBody).error.code).toBe('idempotency_key_reused')
    expect(sim.order('1003-other')).toBeUndefined()
  })

  it('reads by business key: ?external_reference= returns the order or an empty list', async () => {
    const created = (await (await create('1004')).json()) as Order
    await create('1005')
    const found = await api.call('GET', '/v1/fulfillment_orders?external_reference=1004')
    expect(found.status).toBe(200)
    const page = (await found.json()) as { data: Order[]; has_more: boolean; next_cursor: null }
    expect(page.data.map((o) => o.id)).toEqual([created.id])
    expect(page).toMatchObject({ has_more: false, next_cursor: null })
    const missing = await api.call('GET', '/v1/fulfillment_orders?external_reference=nope')
    expect(((await missing.json()) as { data: Order[] }).data).toEqual([])
    expect((await api.call('GET', '/v1/fulfillment_orders/fo_999999')).status).toBe(404)
  })

  it('pages the order list with a cursor that keeps the first request filters', async () => {
    for (let i = 0; i < 6; i++) await create(`P-${i}`)
    // Allocation is immediate by default, so by the time of the read they are all allocated;
    // the seventh asks for more than any warehouse holds and is backordered.
    await api.call(
      'POST',
      '/v1/fulfillment_orders',
      orderBody('P-backordered', [{ sku: 'SKU-3', quantity: 500 }]),
    )
    const seen: string[] = []
    let path = '/v1/fulfillment_orders?limit=2&status=allocated'
    for (;;) {
      const page = (await (await api.call('GET', path)).json()) as {
        data: Order[]
        has_more: boolean
        next_cursor: string | null
      }
      seen.push(...page.data.map((o) => o.external_reference))
      if (!page.next_cursor) break
      expect(page.has_more).toBe(true)
      path = `/v1/fulfillment_orders?limit=2&cursor=${page.next_cursor}`
    }
    expect(seen).toEqual(['P-0', 'P-1', 'P-2', 'P-3', 'P-4', 'P-5'])
    expect((await api.call('GET', '/v1/fulfillment_orders?cursor=garbage')).status).toBe(400)
  })

  it('refuses invalid orders with 422 naming every field by its path, and creates nothing', async () => {
    const response = await api.call('POST', '/v1/fulfillment_orders', {
      external_reference: '1006',
      ship_to: { name: 'No Address', country_code: 'gbr' },
      lines: [
        { sku: 'SKU-404', quantity: 1 },
        { sku: 'SKU-1', quantity: 0 },
        { sku: 'SKU-2', quantity: -3 },
        { quantity: 1.5 },
      ],
    })
    expect(response.status).toBe(422)
    const body = (await response.json()) as ErrorBody
    expect(body.error.code).toBe('validation_failed')
    expect(body.error.errors?.map((e) => `${e.field}:${e.code}`).sort()).toEqual(
      [
        'ship_to.address1:required',
        'ship_to.city:required',
        'ship_to.postal_code:required',
        'ship_to.country_code:invalid',
        'lines[0].sku:unknown_sku',
        'lines[1].quantity:must_be_positive',
        'lines[2].quantity:must_be_positive',
        'lines[3].sku:required',
        'lines[3].quantity:invalid_type',
      ].sort(),
    )
    const empty = await api.call('POST', '/v1/fulfillment_orders', { ship_to: SHIP_TO, lines: [] })
    const emptyErrors = ((await empty.json()) as ErrorBody).error.errors?.map((e) => e.field)
    expect(emptyErrors).toEqual(['external_reference', 'lines'])
    expect((await api.call('POST', '/v1/fulfillment_orders', [1, 2])).status).toBe(400)
    expect(sim.orders()).toEqual([])
    expect(sim.ledger().totals.writes).toBe(0)
  })

  it('answers unparsable JSON 400 in the API error shape', async () => {
    const response = await fetch(`${sim.baseUrl}/v1/fulfillment_orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
      body: '{"external_reference":',
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as ErrorBody).error.type).toBe('invalid_request_error')
  })
})

describe('3PL cancel', () => {
  it('cancels before shipping, releases the allocation, and a second cancel is no second effect', async () => {
    const order = (await (await create('C-1')).json()) as Order
    expect(sim.advanceOrder(order.id, 'picked')).toMatchObject({ ok: true })
    const picked = sim.inventory().find((r) => r.sku === 'SKU-1')
    expect(picked?.allocated).toBe(2)
    const cancelled = await api.call('POST', `/v1/fulfillment_orders/${order.id}/cancel`, {
      reason: 'customer changed their mind',
    })
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'customer changed their mind',
      warehouse: null,
    })
    expect(sim.inventory().find((r) => r.sku === 'SKU-1')).toMatchObject({
      allocated: 0,
      on_hand: 125,
    })
    const again = await api.call('POST', `/v1/fulfillment_orders/${order.id}/cancel`)
    expect(again.status).toBe(200)
    expect(effectOf('C-1')).toMatchObject({ creates: 1, updates: 1, writes: 2 })
  })

  it('refuses to cancel a shipped order with 409, leaving it shipped', async () => {
    const order = (await (await create('C-2')).json()) as Order
    expect(sim.shipOrder(order.id, { carrier: 'UPS' })).toMatchObject({ ok: true })
    const refused = await api.call('POST', `/v1/fulfillment_orders/${order.id}/cancel`)
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({
      code: 'order_already_shipped',
      status: 'shipped',
    })
    expect(sim.order(order.id)).toMatchObject({ status: 'shipped' })
    expect((await api.call('POST', '/v1/fulfillment_orders/fo_424242/cancel')).status).toBe(404)
  })
})
