/** @module test/sandbox/threepl-warehouse.test — the warehouse floor on the simulator's clock: the status machine, backorders, shipping, stock adjustments and the paged inventory snapshot. */

import { afterEach, describe, expect, it } from 'vitest'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import type { ThreePlSimulatorOptions } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { apiClient, orderBody, simPost, startThreePl, until } from './threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const MIN = 60_000
const start = (options: ThreePlSimulatorOptions = {}): Promise<ThreePlSimulator> =>
  startThreePl(
    {
      progression: { allocateAfterMs: 0, pickAfterMs: 10 * MIN, shipAfterMs: 30 * MIN },
      ...options,
    },
    cleanups,
  )

interface Order {
  id: string
  status: string
  warehouse: string | null
  shipment: { carrier: string; tracking_number: string; shipped_at: string } | null
  status_history: { status: string; at: string }[]
  lines: { quantity_shipped: number }[]
}
interface InventoryPage {
  data: {
    sku: string
    on_hand: number
    allocated: number
    available: number
    warehouses: { warehouse: string; on_hand: number; allocated: number; available: number }[]
  }[]
  has_more: boolean
  next_cursor: string | null
  as_of: string
  as_of_sequence: number
}

async function createOrder(
  sim: ThreePlSimulator,
  reference: string,
  lines?: { sku: string; quantity: number }[],
) {
  const response = await apiClient(sim).call(
    'POST',
    '/v1/fulfillment_orders',
    orderBody(reference, lines),
  )
  expect(response.status).toBe(201)
  return (await response.json()) as Order
}
const moveClock = async (sim: ThreePlSimulator, advanceMs: number) => {
  const response = await simPost(sim, '/clock', { advanceMs })
  expect(response.status).toBe(200)
  return (await response.json()) as { clock: { offsetMs: number }; transitions: { to: string }[] }
}
const stockOf = (sim: ThreePlSimulator, sku: string, warehouse: string) =>
  sim
    .inventory()
    .find((r) => r.sku === sku)
    ?.warehouses.find((w) => w.warehouse === warehouse)

describe('3PL status machine on the clock', () => {
  it('moves received → allocated → picked → shipped as the clock passes each dwell time', async () => {
    // A frozen injected clock: only /__sim/clock moves time, to the millisecond.
    const frozen = Date.now()
    const sim = await start({ now: () => frozen })
    const created = await createOrder(sim, 'W-1', [{ sku: 'SKU-4', quantity: 3 }])
    expect((await moveClock(sim, 0)).transitions.map((t) => t.to)).toEqual(['allocated'])
    expect(sim.order(created.id)).toMatchObject({ status: 'allocated', warehouse: 'WH-EAST' })
    expect(stockOf(sim, 'SKU-4', 'WH-EAST')).toMatchObject({
      on_hand: 100,
      allocated: 3,
      available: 97,
    })
    expect((await moveClock(sim, 10 * MIN - 1)).transitions).toEqual([])
    expect((await moveClock(sim, 1)).transitions.map((t) => t.to)).toEqual(['picked'])
    const shipped = await moveClock(sim, 30 * MIN)
    expect(shipped.transitions.map((t) => t.to)).toEqual(['shipped'])
    expect(shipped.clock.offsetMs).toBe(40 * MIN)
    const order = (await (
      await apiClient(sim).call('GET', `/v1/fulfillment_orders/${created.id}`)
    ).json()) as Order
    expect(order.status).toBe('shipped')
    expect(order.lines[0]?.quantity_shipped).toBe(3)
    expect(['UPS', 'FedEx', 'USPS', 'DHL']).toContain(order.shipment?.carrier)
    expect(order.shipment?.tracking_number).toMatch(/^[0-9A-Z]{10,22}$/)
    // Shipping takes the units out of the building.
    expect(stockOf(sim, 'SKU-4', 'WH-EAST')).toMatchObject({
      on_hand: 97,
      allocated: 0,
      available: 97,
    })
  })

  it('dates each transition at its due time, so one big jump cascades in time order', async () => {
    const sim = await start()
    const t0 = sim.now()
    const order = await createOrder(sim, 'W-2')
    await moveClock(sim, 5 * 3600_000)
    const history = (sim.order(order.id) as unknown as Order).status_history
    expect(history.map((h) => h.status)).toEqual(['received', 'allocated', 'picked', 'shipped'])
    const offsets = history.map((h) => Date.parse(h.at) - t0)
    expect(offsets[2]! - offsets[1]!).toBe(10 * MIN)
    expect(offsets[3]! - offsets[2]!).toBe(30 * MIN)
    const events = sim.events()
    expect(events.map((e) => e.type)).toEqual(['shipment.confirmed', 'inventory.adjusted'])
    expect(events.map((e) => e.sequence)).toEqual([1, 2])
    expect(events[0]?.occurredAt).toBe(history[3]?.at)
  })

  it('backorders an order no single warehouse can fill, and allocates it when stock is received', async () => {
    const sim = await start()
    // 110 units exist (100 + 25 before), but split across two warehouses.
    const short = await createOrder(sim, 'W-3', [{ sku: 'SKU-5', quantity: 110 }])
    await moveClock(sim, 0)
    expect(sim.order(short.id)).toMatchObject({ status: 'backordered', warehouse: null })
    expect(sim.advanceOrder(short.id)).toMatchObject({ ok: false, code: 'insufficient_stock' })
    const received = await simPost(sim, '/inventory/adjust', {
      sku: 'SKU-5',
      warehouse: 'WH-WEST',
      reason: 'receipt',
      quantity: 100,
    })
    expect(received.status).toBe(200)
    expect(await received.json()).toMatchObject({ delta: 100, previousOnHand: 25, onHand: 125 })
    expect(sim.order(short.id)).toMatchObject({ status: 'allocated', warehouse: 'WH-WEST' })
    expect(stockOf(sim, 'SKU-5', 'WH-WEST')).toMatchObject({ allocated: 110, available: 15 })
  })

  it('advances and ships through /__sim with the carrier and tracking number given', async () => {
    const sim = await start({ progression: { shipAfterMs: null } })
    const order = await createOrder(sim, 'W-4')
    const advanced = await simPost(sim, `/fulfillment_orders/${order.id}/advance`, { to: 'picked' })
    expect(advanced.status).toBe(200)
    expect(await advanced.json()).toMatchObject({ status: 'picked' })
    // With shipAfterMs null, a picked order waits for an explicit shipment however long.
    await moveClock(sim, 48 * 3600_000)
    expect(sim.order(order.id)).toMatchObject({ status: 'picked' })
    const shipped = await simPost(sim, `/fulfillment_orders/${order.id}/ship`, {
      carrier: 'DHL',
      tracking_number: 'JD0123456789',
    })
    expect(shipped.status).toBe(200)
    expect(await shipped.json()).toMatchObject({
      status: 'shipped',
      shipment: { carrier: 'DHL', tracking_number: 'JD0123456789' },
    })
    const again = await simPost(sim, `/fulfillment_orders/${order.id}/advance`)
    expect(again.status).toBe(409)
    expect((await simPost(sim, '/fulfillment_orders/fo_000404/ship')).status).toBe(404)
  })

  it('moves orders on its own with the real-time ticker', async () => {
    const sim = await start({
      progressionTickMs: 20,
      progression: { allocateAfterMs: 0, pickAfterMs: 30, shipAfterMs: 30 },
    })
    await createOrder(sim, 'W-5')
    // sim.events() reads the log without running the floor itself: only the ticker can ship it.
    await until(() => sim.events().some((e) => e.type === 'shipment.confirmed'), 5000)
  })

  it('only moves the clock forward', async () => {
    const sim = await start()
    const before = (await (await fetch(`${sim.scenarioUrl}/clock`)).json()) as { epochMs: number }
    const back = await simPost(sim, '/clock', {
      to: new Date(before.epochMs - 60_000).toISOString(),
    })
    expect(back.status).toBe(400)
    const ahead = await simPost(sim, '/clock', {
      to: new Date(before.epochMs + 3600_000).toISOString(),
    })
    expect(ahead.status).toBe(200)
    expect(sim.now() - before.epochMs).toBeGreaterThanOrEqual(3600_000)
    sim.reset()
    expect(sim.clock().offsetMs).toBe(0)
  })
})

describe('3PL stock adjustments', () => {
  it('a cycle count sets on hand, and a count that matches still reports delta 0', async () => {
    const sim = await start()
    const count = await simPost(sim, '/inventory/adjust', {
      sku: 'SKU-6',
      warehouse: 'WH-EAST',
      reason: 'cycle_count',
      counted: 97,
    })
    expect(await count.json()).toMatchObject({ delta: -3, previousOnHand: 100, onHand: 97 })
    const same = await simPost(sim, '/inventory/adjust', {
      sku: 'SKU-6',
      warehouse: 'WH-EAST',
      reason: 'cycle_count',
      counted: 97,
    })
    expect(await same.json()).toMatchObject({ delta: 0, onHand: 97 })
    const payloads = sim.events().map((e) => (e.payload as { data: Record<string, unknown> }).data)
    expect(payloads).toEqual([
      expect.objectContaining({
        sku: 'SKU-6',
        warehouse: 'WH-EAST',
        delta: -3,
        on_hand: 97,
        reason: 'cycle_count',
      }),
      expect.objectContaining({ delta: 0, on_hand: 97, previous_on_hand: 97 }),
    ])
  })

  it('damage below what is allocated backorders the newest allocation; below what is picked is refused', async () => {
    const sim = await start({ inventory: [{ sku: 'SKU-1', warehouse: 'WH-EAST', onHand: 10 }] })
    const older = await createOrder(sim, 'D-1', [{ sku: 'SKU-1', quantity: 4 }])
    const newer = await createOrder(sim, 'D-2', [{ sku: 'SKU-1', quantity: 4 }])
    await moveClock(sim, 0)
    const damaged = sim.adjustInventory({
      sku: 'SKU-1',
      warehouse: 'WH-EAST',
      reason: 'damage',
      quantity: 3,
    })
    expect(damaged).toMatchObject({ ok: true, value: { onHand: 7, backordered: [newer.id] } })
    expect(sim.order(older.id)).toMatchObject({ status: 'allocated' })
    expect(sim.order(newer.id)).toMatchObject({ status: 'backordered' })
    expect(sim.advanceOrder(older.id, 'picked')).toMatchObject({ ok: true })
    const refused = await simPost(sim, '/inventory/adjust', {
      sku: 'SKU-1',
      warehouse: 'WH-EAST',
      reason: 'damage',
      quantity: 5,
    })
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ code: 'insufficient_on_hand' })
    expect(stockOf(sim, 'SKU-1', 'WH-EAST')?.on_hand).toBe(7)
    const unknown = await simPost(sim, '/inventory/adjust', {
      sku: 'SKU-99',
      warehouse: 'WH-EAST',
      reason: 'receipt',
      quantity: 1,
    })
    expect(unknown.status).toBe(404)
    expect(
      (await simPost(sim, '/inventory/adjust', { sku: 'SKU-1', reason: 'spilled' })).status,
    ).toBe(400)
  })
})

describe('3PL inventory snapshot', () => {
  it('shows on hand, allocated and available per warehouse and in total', async () => {
    const sim = await start()
    await createOrder(sim, 'I-1', [{ sku: 'SKU-2', quantity: 5 }])
    const response = await apiClient(sim).call('GET', '/v1/inventory?sku=SKU-2')
    expect(response.status).toBe(200)
    const page = (await response.json()) as InventoryPage
    expect(page.data).toEqual([
      {
        sku: 'SKU-2',
        on_hand: 125,
        allocated: 5,
        available: 120,
        warehouses: [
          { warehouse: 'WH-EAST', on_hand: 100, allocated: 5, available: 95 },
          { warehouse: 'WH-WEST', on_hand: 25, allocated: 0, available: 25 },
        ],
      },
    ])
    const west = (await (
      await apiClient(sim).call('GET', '/v1/inventory?sku=SKU-2,SKU-3&warehouse=WH-WEST')
    ).json()) as InventoryPage
    expect(west.data.map((r) => [r.sku, r.on_hand])).toEqual([
      ['SKU-2', 25],
      ['SKU-3', 25],
    ])
    expect((await apiClient(sim).call('GET', '/v1/inventory?warehouse=WH-MOON')).status).toBe(400)
    expect((await apiClient(sim).call('GET', '/v1/inventory?limit=0')).status).toBe(400)
  })

  it('pages every SKU in natural order with a cursor, stamped with the last event sequence', async () => {
    const sim = await start()
    sim.adjustInventory({ sku: 'SKU-9', warehouse: 'WH-WEST', reason: 'correction', delta: 2 })
    const skus: string[] = []
    let path = '/v1/inventory?limit=7'
    let pages = 0
    for (;;) {
      const page = (await (await apiClient(sim).call('GET', path)).json()) as InventoryPage
      pages += 1
      expect(page.as_of_sequence).toBe(1)
      skus.push(...page.data.map((r) => r.sku))
      if (page.next_cursor === null) break
      path = `/v1/inventory?limit=7&cursor=${page.next_cursor}`
    }
    expect(pages).toBe(3)
    expect(skus).toEqual(Array.from({ length: 20 }, (_, i) => `SKU-${i + 1}`))
  })
})
