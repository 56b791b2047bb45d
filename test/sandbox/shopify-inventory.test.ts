/** @module test/sandbox/shopify-inventory.test — locations and inventory levels of the Shopify simulator over REST: list by item or location, set (absolute, connects), adjust (relative), webhooks. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { CATALOGUE } from '../../src/sandbox/shopify/shopify-store.ts'
import { startReceiver } from './sandbox-test-kit.ts'
import type { Receiver } from './sandbox-test-kit.ts'

let sim: ShopifySimulator
let hook: Receiver
const MAIN = '655441491'
const OVERFLOW = '655441498'
const item = (n: number): string => String(CATALOGUE[n - 1]?.inventoryItemId)

async function admin(path: string, body?: unknown) {
  const response = await fetch(`${sim.baseUrl}/admin/api/2026-01/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-shopify-access-token': sim.accessToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> }
}

beforeEach(async () => {
  hook = await startReceiver()
  sim = createShopifySimulator({
    seed: 9,
    webhookSubscribers: [{ address: hook.url, topics: ['inventory_levels/update'] }],
  })
  await sim.start()
})
afterEach(async () => {
  await sim.stop()
  await hook.close()
})

describe('Shopify locations and inventory levels', () => {
  it('lists the two locations and the seeded levels, by item and by location', async () => {
    const locations = await admin('locations.json')
    expect((locations.json.locations as { name: string }[]).map((l) => l.name)).toEqual([
      'Main Warehouse',
      'Overflow Warehouse',
    ])
    const byItem = await admin(`inventory_levels.json?inventory_item_ids=${item(1)},${item(2)}`)
    expect(byItem.status).toBe(200)
    // Inventory item ids are int64 beyond 2^53: read them from the text, not through JSON.parse.
    expect(byItem.text).toContain(
      `"inventory_item_id":${item(1)},"location_id":${MAIN},"available":100`,
    )
    expect(byItem.json.inventory_levels).toHaveLength(2)
    const byLocation = await admin(`inventory_levels.json?location_ids=${MAIN}&limit=5`)
    expect(byLocation.json.inventory_levels).toHaveLength(5)
    expect((await admin(`inventory_levels.json?location_ids=${OVERFLOW}`)).json).toEqual({
      inventory_levels: [],
    })
    const none = await admin('inventory_levels.json')
    expect(none.status).toBe(422)
  })

  it('sets absolutely (a repeat changes nothing) and connects an unstocked location', async () => {
    const body = { location_id: MAIN, inventory_item_id: item(3), available: 42 }
    const first = await admin('inventory_levels/set.json', body)
    expect(first.status).toBe(200)
    expect(first.text).toContain(`"available":42`)
    const again = await admin('inventory_levels/set.json', body)
    expect(again.text).toContain(`"available":42`)
    const connected = await admin('inventory_levels/set.json', {
      location_id: OVERFLOW,
      inventory_item_id: item(3),
      available: 7,
    })
    expect(connected.status).toBe(200)
    const levels = await admin(`inventory_levels.json?inventory_item_ids=${item(3)}`)
    expect(
      (levels.json.inventory_levels as { available: number }[]).map((l) => l.available),
    ).toEqual([42, 7])
    await sim.deliveriesSettled(5000)
    // The repeat moved nothing, so only two changes were announced.
    expect(hook.received.map((r) => r.headers['x-shopify-topic'])).toEqual([
      'inventory_levels/update',
      'inventory_levels/update',
    ])
    const bodies = hook.received.map((r) => r.body.toString())
    expect(bodies.some((b) => b.includes(`"location_id":${OVERFLOW},"available":7`))).toBe(true)
  })

  it('adjusts relatively: two identical adjusts move the level twice; an unstocked location is 422', async () => {
    const body = { location_id: MAIN, inventory_item_id: item(4), available_adjustment: -3 }
    await admin('inventory_levels/adjust.json', body)
    const second = await admin('inventory_levels/adjust.json', body)
    expect(second.text).toContain('"available":94')
    const unstocked = await admin('inventory_levels/adjust.json', {
      ...body,
      location_id: OVERFLOW,
    })
    expect(unstocked.status).toBe(422)
    expect(unstocked.json).toEqual({
      errors: { inventory_item_id: ['Inventory item is not stocked at the location'] },
    })
    const missing = await admin('inventory_levels/set.json', { location_id: MAIN, available: 1 })
    expect(missing.status).toBe(400)
    const unknown = await admin('inventory_levels/set.json', {
      location_id: '1',
      inventory_item_id: item(4),
      available: 1,
    })
    expect(unknown.status).toBe(422)
    expect(sim.ledger().effects.find((e) => e.businessKey === `${item(4)}:${MAIN}`)?.updates).toBe(
      2,
    )
  })
})
