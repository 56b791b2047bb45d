/** @module test/connectors/shopify-inventory-client.test — stock levels against the Shopify simulator: set by SKU over GraphQL (absolute, compare-and-set), REST set and the in-doubt read. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ShopifyGraphqlClient } from '../../src/connectors/shopify/shopify-graphql-client.ts'
import { ShopifyInventoryClient } from '../../src/connectors/shopify/shopify-inventory-client.ts'
import { ShopifyRest } from '../../src/connectors/shopify/shopify-rest.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator
let inventory: ShopifyInventoryClient
const MAIN = '655441491'
const OVERFLOW = '655441498'

beforeAll(async () => {
  sim = createShopifySimulator({ seed: 43 })
  await sim.start()
  const rest = new ShopifyRest(
    parseShopifyConnectionConfig({
      shopDomain: sim.shopDomain,
      apiVersion: sim.apiVersion,
      adminBaseUrl: sim.baseUrl,
      accessToken: sim.accessToken,
      webhookSecrets: [{ secret: sim.webhookSecret }],
      requestTimeoutMs: 3000,
    }),
  )
  inventory = new ShopifyInventoryClient(rest, new ShopifyGraphqlClient(rest))
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => {
      if (!HubError.is(e)) throw e
      return e
    },
  )

describe('ShopifyInventoryClient', () => {
  it('sets available by SKU; the same set again changes nothing and says so', async () => {
    const first = await inventory.setAvailable({ sku: 'SKU-5', locationId: MAIN, available: 37 })
    expect(first).toMatchObject({ changed: true, delta: -63 })
    expect(BigInt(first.inventoryItemId)).toBeGreaterThan(2n ** 53n)
    const again = await inventory.setAvailable({ sku: 'SKU-5', locationId: MAIN, available: 37 })
    expect(again).toEqual({ changed: false, delta: 0, inventoryItemId: first.inventoryItemId })
    const level = await inventory.getLevel({
      inventoryItemId: first.inventoryItemId,
      locationId: MAIN,
    })
    expect(level).toMatchObject({
      inventory_item_id: first.inventoryItemId,
      location_id: MAIN,
      available: 37,
    })
  })

  it('compare-and-set: applies on a match, is conflict when the stock moved meanwhile', async () => {
    const set = await inventory.setAvailable({
      sku: 'SKU-6',
      locationId: MAIN,
      available: 90,
      compareQuantity: 100,
    })
    expect(set.changed).toBe(true)
    const stale = await failure(
      inventory.setAvailable({
        sku: 'SKU-6',
        locationId: MAIN,
        available: 80,
        compareQuantity: 100,
      }),
    )
    expect(stale).toMatchObject({ type: 'conflict', code: 'COMPARE_QUANTITY_STALE' })
    // Not stocked at the overflow location: the compare value for "no level" is null.
    const connected = await inventory.setAvailable({
      sku: 'SKU-6',
      locationId: OVERFLOW,
      available: 4,
      compareQuantity: null,
    })
    expect(connected).toMatchObject({ changed: true, delta: 4 })
  })

  it('refuses an unknown SKU as validation and a bad reason from userErrors as validation', async () => {
    expect(
      await failure(inventory.setAvailable({ sku: 'NOPE', locationId: MAIN, available: 1 })),
    ).toMatchObject({
      type: 'validation',
      code: 'UNKNOWN_SKU',
    })
    expect(
      await failure(
        inventory.setAvailable({ sku: 'SKU-1', locationId: MAIN, available: 1, reason: 'whim' }),
      ),
    ).toMatchObject({ type: 'validation', code: 'INVALID_REASON', path: 'input.reason' })
    expect(await inventory.findInventoryItemId('NOPE')).toBeNull()
  })

  it('REST: sets absolutely (repeat-safe, retried after a 5xx) and lists levels by item and location', async () => {
    const itemId = (await inventory.findInventoryItemId('SKU-7')) ?? ''
    // The set is a POST, but absolute: a 500 on it is retryable, not an unknown outcome.
    sim.setScenario({ sequence: ['http5xx'], statuses: [500] })
    expect(
      await failure(
        inventory.setLevel({ inventoryItemId: itemId, locationId: MAIN, available: 12 }),
      ),
    ).toMatchObject({ type: 'retryable', status: 500 })
    const level = await inventory.setLevel({
      inventoryItemId: itemId,
      locationId: MAIN,
      available: 12,
    })
    expect(level).toMatchObject({ inventory_item_id: itemId, available: 12 })
    const levels = await inventory.listLevels({ locationIds: [MAIN] })
    expect(levels).toHaveLength(20)
    expect(await inventory.getLevel({ inventoryItemId: itemId, locationId: OVERFLOW })).toBeNull()
  })
})
