/** @module test/sandbox/shopify-fulfillments.test — the REST fulfillment API of the Shopify simulator over HTTP: fulfillment orders, fulfillments with tracking, order status, and a repeat refused with 422. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator

/** Keeps int64 ids exact by reading them as strings, as a careful client does. */
const parse = (text: string): Record<string, unknown> =>
  JSON.parse(text.replace(/"(\w*id)":(\d+)/g, '"$1":"$2"')) as Record<string, unknown>

async function admin(
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const response = await fetch(`${sim.baseUrl}/admin/api/2026-01/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-shopify-access-token': sim.accessToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, json: parse(text), text }
}

interface FoLine {
  id: string
  line_item_id: string
  quantity: number
  fulfillable_quantity: number
}
interface Fo {
  id: string
  order_id: string
  status: string
  line_items: FoLine[]
}

async function newOrder(lines: { sku: string; quantity: number }[]): Promise<string> {
  const created = await admin('orders.json', {
    order: { email: 'ship@example.com', line_items: lines },
  })
  expect(created.status).toBe(201)
  return String((created.json.order as { id: string }).id)
}

async function fulfillmentOrders(orderId: string): Promise<Fo[]> {
  const { status, json } = await admin(`orders/${orderId}/fulfillment_orders.json`)
  expect(status).toBe(200)
  return json.fulfillment_orders as Fo[]
}

const fulfil = (group: Record<string, unknown>, tracking = { number: 'TRK-1', company: 'UPS' }) =>
  admin('fulfillments.json', {
    fulfillment: { line_items_by_fulfillment_order: [group], tracking_info: tracking },
  })

beforeAll(async () => {
  sim = createShopifySimulator({ seed: 5 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

describe('Shopify fulfillment orders', () => {
  it('lists one open fulfillment order per order, at the primary location, with int64 ids', async () => {
    const orderId = await newOrder([
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-3', quantity: 1 },
    ])
    const raw = (await admin(`orders/${orderId}/fulfillment_orders.json`)).text
    expect(BigInt(/"fulfillment_orders":\[\{"id":(\d+)/.exec(raw)?.[1] ?? '0')).toBeGreaterThan(
      2n ** 53n,
    )
    const [fo] = await fulfillmentOrders(orderId)
    expect(fo).toMatchObject({
      order_id: orderId,
      status: 'open',
      request_status: 'unsubmitted',
      assigned_location_id: '655441491',
      supported_actions: ['create_fulfillment', 'move', 'hold'],
    })
    expect(fo?.line_items.map((l) => [l.quantity, l.fulfillable_quantity])).toEqual([
      [2, 2],
      [1, 1],
    ])
    const one = await admin(`fulfillment_orders/${fo?.id}.json`)
    expect((one.json.fulfillment_order as Fo).id).toBe(fo?.id)
    expect((await admin('orders/820982911946150001/fulfillment_orders.json')).status).toBe(404)
  })
})

describe('Shopify fulfillments', () => {
  it('creates a partial then a full fulfillment, moving the order to partial then fulfilled', async () => {
    const orderId = await newOrder([
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-3', quantity: 1 },
    ])
    const [fo] = await fulfillmentOrders(orderId)
    const [first] = fo?.line_items ?? []
    const partial = await fulfil({
      fulfillment_order_id: fo?.id,
      fulfillment_order_line_items: [{ id: first?.id, quantity: 1 }],
    })
    expect(partial.status).toBe(201)
    expect(partial.json.fulfillment).toMatchObject({
      order_id: orderId,
      name: '#1001.1',
      status: 'success',
      tracking_number: 'TRK-1',
      tracking_numbers: ['TRK-1'],
      tracking_company: 'UPS',
      line_items: [expect.objectContaining({ sku: 'SKU-1', quantity: 1 })],
    })
    let order = (await admin(`orders/${orderId}.json`)).json.order as Record<string, unknown>
    expect(order.fulfillment_status).toBe('partial')
    expect((await fulfillmentOrders(orderId))[0]?.status).toBe('in_progress')

    // No line items named: everything left on the fulfillment order ships.
    const rest = await fulfil({ fulfillment_order_id: fo?.id }, { number: 'TRK-2', company: 'DHL' })
    expect(rest.status).toBe(201)
    const lines = (rest.json.fulfillment as { line_items: { sku: string; quantity: number }[] })
      .line_items
    expect(lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['SKU-1', 1],
      ['SKU-3', 1],
    ])
    order = (await admin(`orders/${orderId}.json`)).json.order as Record<string, unknown>
    expect(order.fulfillment_status).toBe('fulfilled')
    const after = await fulfillmentOrders(orderId)
    expect(after[0]).toMatchObject({ status: 'closed', supported_actions: [] })
    expect(after[0]?.line_items.map((l) => l.fulfillable_quantity)).toEqual([0, 0])

    const listed = await admin(`orders/${orderId}/fulfillments.json`)
    expect(
      (listed.json.fulfillments as { tracking_number: string }[]).map((f) => f.tracking_number),
    ).toEqual(['TRK-1', 'TRK-2'])
    expect((await admin(`orders/${orderId}/fulfillments/count.json`)).json).toEqual({ count: 2 })
    const id = (rest.json.fulfillment as { id: string }).id
    expect((await admin(`orders/${orderId}/fulfillments/${id}.json`)).status).toBe(200)
    expect(sim.fulfillments()).toHaveLength(2)
  })

  it('does not deduplicate: the identical request again is refused 422, and nothing is added', async () => {
    const orderId = await newOrder([{ sku: 'SKU-4', quantity: 1 }])
    const [fo] = await fulfillmentOrders(orderId)
    const group = { fulfillment_order_id: fo?.id }
    expect((await fulfil(group)).status).toBe(201)
    const again = await fulfil(group)
    expect(again.status).toBe(422)
    expect(again.json).toEqual({
      errors: [`Fulfillment order ${fo?.id} has an unfulfillable status= closed.`],
    })
    const over = await newOrder([{ sku: 'SKU-4', quantity: 1 }])
    const [fo2] = await fulfillmentOrders(over)
    const tooMany = await fulfil({
      fulfillment_order_id: fo2?.id,
      fulfillment_order_line_items: [{ id: fo2?.line_items[0]?.id, quantity: 5 }],
    })
    expect(tooMany.status).toBe(422)
    expect(tooMany.json).toEqual({
      errors: ['Invalid fulfillment order line item quantity requested.'],
    })
    expect(sim.fulfillments()).toHaveLength(1)
    expect(sim.ledger().effects.filter((e) => e.recordType === 'fulfillment')).toHaveLength(1)
  })

  it('refuses a missing body with 400 and an unknown fulfillment order with 404', async () => {
    const missing = await admin('fulfillments.json', { fulfillment: {} })
    expect(missing.status).toBe(400)
    expect(missing.json).toEqual({
      errors: { line_items_by_fulfillment_order: 'Required parameter missing or invalid' },
    })
    const unknown = await fulfil({ fulfillment_order_id: '1046000778000000999' })
    expect(unknown.status).toBe(404)
  })

  it('commit-then-drop on a fulfillment: the socket drops, the fulfillment exists', async () => {
    const orderId = await newOrder([{ sku: 'SKU-5', quantity: 1 }])
    const [fo] = await fulfillmentOrders(orderId)
    sim.setScenario({ sequence: ['commitThenDrop'] })
    await expect(fulfil({ fulfillment_order_id: fo?.id })).rejects.toThrow()
    const listed = await admin(`orders/${orderId}/fulfillments.json`)
    expect(listed.json.fulfillments).toHaveLength(1)
    expect(sim.ledger().faultsInjected.commitThenDrop).toBe(1)
  })
})
