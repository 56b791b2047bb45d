/** @module test/connectors/shopify-graphql-client.test — cost-aware GraphQL calls against the Shopify simulator: cost kept, THROTTLED timed from the deficit, calls that cannot fit not sent, errors classified. */
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { ShopifyGraphqlClient } from '../../src/connectors/shopify/shopify-graphql-client.ts'
import { ShopifyRest } from '../../src/connectors/shopify/shopify-rest.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type {
  ShopifySimulator,
  ShopifySimulatorOptions,
} from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator
/** One clock for the simulator's bucket and the client's view of it, moved by the test. */
const clock = manualClock()

async function start(
  options: Partial<ShopifySimulatorOptions> = {},
): Promise<ShopifyGraphqlClient> {
  clock.set(Date.parse('2026-01-10T16:00:00Z'))
  sim = createShopifySimulator({ seed: 41, now: () => clock.now(), ...options })
  await sim.start()
  const config = parseShopifyConnectionConfig({
    shopDomain: sim.shopDomain,
    apiVersion: sim.apiVersion,
    adminBaseUrl: sim.baseUrl,
    accessToken: sim.accessToken,
    webhookSecrets: [{ secret: sim.webhookSecret }],
    requestTimeoutMs: 3000,
  })
  return new ShopifyGraphqlClient(new ShopifyRest(config, { clock }))
}
afterEach(() => sim.stop())

const ORDERS = `query Recent { orders(first: 10) { nodes { id name lineItems(first: 5) { nodes { sku } } } } }`
/** 20 inventory items with one level each: it uses every point it asks for (2 + 20 × 4). */
const ITEMS = `query Items { inventoryItems(first: 20) { nodes { id inventoryLevels(first: 1) { nodes { id } } } } }`
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
const graphqlPosts = () => sim.requests().filter((r) => r.path.endsWith('/graphql.json')).length

describe('ShopifyGraphqlClient', () => {
  it('returns data and the cost, and keeps the bucket it reported', async () => {
    const client = await start()
    sim.generateOrders({ count: 2, skus: ['SKU-1'] })
    const { data, cost } = await client.request(ORDERS)
    expect((data.orders as { nodes: unknown[] }).nodes).toHaveLength(2)
    // 2 + 10 × (1 + 2 + 5) requested; 2 + 2 × (1 + 2 + lines) used.
    expect(cost?.requestedQueryCost).toBe(82)
    expect(cost?.actualQueryCost).toBeLessThan(82)
    expect(client.throttleStatus).toEqual(cost?.throttleStatus)
    clock.advance(1000)
    // Restored at its rate since, capped at the maximum.
    expect(client.throttleStatus?.currentlyAvailable).toBe(2000)
  })

  it('turns THROTTLED into throttled with (requested − available) ÷ restoreRate, and does not resend until it fits', async () => {
    const client = await start({ graphqlBucket: { maximumAvailable: 100, restoreRate: 10 } })
    await client.request(ITEMS) // costs all it asks for: 100 − 82 = 18 left
    const error = await failure(client.request(ITEMS))
    expect(error).toMatchObject({ type: 'throttled', code: 'THROTTLED', status: 200 })
    // 82 wanted, 18 there, 10/s: 6.4 s.
    expect(error.retryAfterMs).toBe(6400)
    const sent = graphqlPosts()
    // Knowing its cost, the next call is refused here, without a request, until the bucket refills.
    const early = await failure(client.request(ITEMS, {}, { expectedCost: 82 }))
    expect(early).toMatchObject({ type: 'throttled', retryAfterMs: 6400 })
    expect(graphqlPosts()).toBe(sent)
    clock.advance(6400)
    const { cost } = await client.request(ITEMS, {}, { expectedCost: 82 })
    expect(cost).toMatchObject({ requestedQueryCost: 82, actualQueryCost: 82 })
    expect(cost?.throttleStatus.currentlyAvailable).toBe(0)
  })

  it('classifies MAX_COST_EXCEEDED and unknown fields as validation, a revoked token as auth', async () => {
    const client = await start()
    const tooBig = await failure(
      client.request(
        '{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { sku } } } } }',
      ),
    )
    expect(tooBig).toMatchObject({ type: 'validation', code: 'MAX_COST_EXCEEDED' })
    const unknown = await failure(client.request('{ shop { plan } }'))
    expect(unknown).toMatchObject({
      type: 'validation',
      code: 'undefinedField',
      path: 'query.shop.plan',
    })
    sim.revokeAccessToken()
    expect(await failure(client.request('{ shop { name } }'))).toMatchObject({
      type: 'auth',
      status: 401,
    })
  })

  it('a 5xx on a mutation is unknown_outcome; on a query, retryable', async () => {
    const client = await start()
    sim.setScenario({ sequence: ['http5xx', 'http5xx'], statuses: [500] })
    const mutation = await failure(
      client.request(
        'mutation { inventoryAdjustQuantities(input: {name: "available", reason: "received", changes: []}) { userErrors { code } } }',
        {},
        { mutation: true },
      ),
    )
    expect(mutation).toMatchObject({ type: 'unknown_outcome', status: 500 })
    expect(await failure(client.request('{ shop { name } }'))).toMatchObject({ type: 'retryable' })
  })
})
