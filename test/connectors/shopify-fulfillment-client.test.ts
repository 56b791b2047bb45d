/** @module test/connectors/shopify-fulfillment-client.test — the repeat-safe fulfillment write against the Shopify simulator over HTTP: carrier tracking, named lines, concurrent duplicates, unknown orders. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import {
  fulfillmentMatchKey,
  ShopifyFulfillmentClient,
} from '../../src/connectors/shopify/shopify-fulfillment-client.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator
let admin: ShopifyAdminClient
let client: ShopifyFulfillmentClient

beforeAll(async () => {
  sim = createShopifySimulator({ seed: 31 })
  await sim.start()
  const config = parseShopifyConnectionConfig({
    shopDomain: sim.shopDomain,
    apiVersion: sim.apiVersion,
    adminBaseUrl: sim.baseUrl,
    accessToken: sim.accessToken,
    webhookSecrets: [{ secret: sim.webhookSecret }],
    requestTimeoutMs: 3000,
  })
  admin = new ShopifyAdminClient(config)
  client = new ShopifyFulfillmentClient(admin.rest)
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

async function order(lines: { sku: string; quantity: number }[]) {
  const created = await admin.createOrder({ email: 'ship@example.com', line_items: lines })
  const items = created.line_items as { id: string; sku: string }[]
  return {
    id: String(created.id),
    lineId: (sku: string) => items.find((l) => l.sku === sku)?.id ?? '',
  }
}

const posts = () =>
  sim.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/fulfillments.json'))

describe('ShopifyFulfillmentClient.ensureFulfillment', () => {
  it('ships everything left with the carrier tracking number, and recognises itself on a repeat', async () => {
    const o = await order([
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 1 },
    ])
    const input = {
      orderId: o.id,
      key: 'threepl:shipment:77',
      trackingNumbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
      carrier: 'UPS',
      trackingUrls: ['https://ups.example/track/1Z999AA10123456784'],
    }
    const first = await client.ensureFulfillment(input)
    expect(first.created).toBe(true)
    // Exact int64 id, as a string.
    expect(BigInt(first.id)).toBeGreaterThan(2n ** 53n)
    expect(first.fulfillment).toMatchObject({
      order_id: o.id,
      tracking_company: 'UPS',
      tracking_numbers: ['1Z999AA10123456784', '1Z999AA10123456785'],
      tracking_url: 'https://ups.example/track/1Z999AA10123456784',
    })
    const again = await client.ensureFulfillment(input)
    expect(again).toMatchObject({ id: first.id, created: false })
    expect(posts()).toHaveLength(1)
    expect((await admin.getOrder(o.id))?.fulfillment_status).toBe('fulfilled')
    expect(fulfillmentMatchKey(input)).toBe('1Z999AA10123456784')
  })

  it('ships only the named lines, leaving the order partially fulfilled, then the rest under another number', async () => {
    const o = await order([
      { sku: 'SKU-1', quantity: 3 },
      { sku: 'SKU-2', quantity: 1 },
    ])
    const part = await client.ensureFulfillment({
      orderId: o.id,
      key: 'shp-a',
      trackingNumbers: ['PARCEL-A'],
      lines: [{ lineItemId: o.lineId('SKU-1'), quantity: 2 }],
    })
    expect(
      (part.fulfillment.line_items as { sku: string; quantity: number }[]).map((l) => [
        l.sku,
        l.quantity,
      ]),
    ).toEqual([['SKU-1', 2]])
    expect((await admin.getOrder(o.id))?.fulfillment_status).toBe('partial')
    const rest = await client.ensureFulfillment({
      orderId: o.id,
      key: 'shp-b',
      trackingNumbers: ['PARCEL-B'],
    })
    expect(
      (rest.fulfillment.line_items as { sku: string; quantity: number }[]).map((l) => [
        l.sku,
        l.quantity,
      ]),
    ).toEqual([
      ['SKU-1', 1],
      ['SKU-2', 1],
    ])
    expect((await admin.getOrder(o.id))?.fulfillment_status).toBe('fulfilled')
    // Asking for more of a line than is left, with no fulfillment of ours to explain it: validation.
    const error = await client
      .ensureFulfillment({
        orderId: o.id,
        key: 'shp-c',
        trackingNumbers: ['PARCEL-C'],
        lines: [{ lineItemId: o.lineId('SKU-2'), quantity: 1 }],
      })
      .catch((e: unknown) => e)
    expect(HubError.is(error) && error.code).toBe('NOTHING_TO_FULFIL')
  })

  it('two concurrent writes of one shipment create one fulfillment; the loser answers from the read', async () => {
    const o = await order([{ sku: 'SKU-3', quantity: 1 }])
    sim.setScenario({ latencyMs: { min: 30, max: 30 } })
    const input = { orderId: o.id, key: 'shp-race', trackingNumbers: ['RACE-1'] }
    const [a, b] = await Promise.all([
      client.ensureFulfillment(input),
      client.ensureFulfillment(input),
    ])
    expect(a.id).toBe(b.id)
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(sim.fulfillments()).toHaveLength(1)
    // When both reached the POST, Shopify refused the second with 422 and the read explained it.
    const statuses = posts().map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.every((s) => s === 201 || s === 422)).toBe(true)
  })

  it('uses the hub key as the tracking number when the carrier gave none', async () => {
    const o = await order([{ sku: 'SKU-4', quantity: 1 }])
    const written = await client.ensureFulfillment({
      orderId: o.id,
      key: 'threepl:shipment:9',
      trackingNumbers: [],
    })
    expect(written.fulfillment.tracking_number).toBe('threepl:shipment:9')
    expect(await client.findFulfillment(o.id, 'threepl:shipment:9')).toMatchObject({
      id: written.id,
    })
    expect(await client.findFulfillment(o.id, 'something-else')).toBeNull()
  })

  it('refuses an unknown order as validation and a non-numeric id before sending', async () => {
    const missing = await client
      .ensureFulfillment({ orderId: '820982911946150001', key: 'k', trackingNumbers: [] })
      .catch((e: unknown) => e)
    expect(missing).toMatchObject({ type: 'validation', code: 'ORDER_NOT_FOUND' })
    expect(await client.findFulfillment('820982911946150001', 'k')).toBeNull()
    const before = sim.requests().length
    const bad = await client.listFulfillments('../orders').catch((e: unknown) => e)
    expect(bad).toMatchObject({ type: 'validation', code: 'INVALID_ID' })
    expect(sim.requests()).toHaveLength(before)
  })
})
