/** @module test/sandbox/shopify-graphql.test — the GraphQL Admin API of the Shopify simulator over HTTP: query cost and throttleStatus, THROTTLED with HTTP 200, validation errors, fulfillmentCreate and inventory mutations. */

import { afterEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type {
  ShopifySimulator,
  ShopifySimulatorOptions,
} from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator
let clock = Date.parse('2026-01-10T16:00:00Z')

async function start(options: Partial<ShopifySimulatorOptions> = {}): Promise<void> {
  clock = Date.parse('2026-01-10T16:00:00Z')
  sim = createShopifySimulator({ seed: 13, now: () => clock, ...options })
  await sim.start()
}
afterEach(() => sim.stop())

interface GqlBody {
  data?: Record<string, unknown>
  errors?: { message: string; extensions?: Record<string, unknown>; locations?: unknown }[]
  extensions?: {
    cost: {
      requestedQueryCost: number
      actualQueryCost: number | null
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number }
    }
  }
}

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${sim.baseUrl}/admin/api/2026-01/graphql.json`, {
    method: 'POST',
    headers: {
      'x-shopify-access-token': token ?? sim.accessToken,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ query, variables }),
  })
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GqlBody,
  }
}

async function newOrderGid(): Promise<string> {
  const response = await fetch(`${sim.baseUrl}/admin/api/2026-01/orders.json`, {
    method: 'POST',
    headers: { 'x-shopify-access-token': sim.accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      order: {
        line_items: [
          { sku: 'SKU-1', quantity: 2 },
          { sku: 'SKU-2', quantity: 1 },
        ],
      },
    }),
  })
  const text = await response.text()
  return /"admin_graphql_api_id":"(gid:\/\/shopify\/Order\/\d+)"/.exec(text)?.[1] ?? ''
}

const ORDER_QUERY = `#graphql
  query Order($id: ID!) {
    order(id: $id) {
      id
      name
      displayFulfillmentStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 5) { nodes { sku quantity } }
      fulfillmentOrders(first: 2) {
        nodes { id status lineItems(first: 5) { nodes { id remainingQuantity } } }
      }
    }
  }`

describe('Shopify GraphQL queries and cost', () => {
  it('answers an order query with the requested and actual cost and the bucket state', async () => {
    await start()
    const id = await newOrderGid()
    const { status, headers, body } = await gql(ORDER_QUERY, { id })
    expect(status).toBe(200)
    expect(headers.get('x-shopify-api-version')).toBe('2026-01')
    // GraphQL has its own bucket: the REST call-limit header is not sent.
    expect(headers.get('x-shopify-shop-api-call-limit')).toBeNull()
    expect(body.errors).toBeUndefined()
    expect(body.data?.order).toMatchObject({
      id,
      name: '#1001',
      displayFulfillmentStatus: 'UNFULFILLED',
      totalPriceSet: { shopMoney: { amount: '37.77', currencyCode: 'USD' } },
      lineItems: {
        nodes: [
          { sku: 'SKU-1', quantity: 2 },
          { sku: 'SKU-2', quantity: 1 },
        ],
      },
      fulfillmentOrders: { nodes: [{ status: 'OPEN' }] },
    })
    // order 1 + money 2 + lineItems 2+5 + fulfillmentOrders 2+2×(1+2+5) = 28; actually returned: 14.
    expect(body.extensions?.cost).toEqual({
      requestedQueryCost: 28,
      actualQueryCost: 14,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1986, restoreRate: 100 },
    })
    const missing = await gql(ORDER_QUERY, { id: 'gid://shopify/Order/820982911946150001' })
    expect(missing.body.data).toEqual({ order: null })
  })

  it('is THROTTLED (HTTP 200, no data) when the bucket holds less than the requested cost, and serves once restored', async () => {
    await start({ graphqlBucket: { maximumAvailable: 50, restoreRate: 10 } })
    const id = await newOrderGid()
    expect(
      (await gql(ORDER_QUERY, { id })).body.extensions?.cost.throttleStatus.currentlyAvailable,
    ).toBe(36)
    expect(
      (await gql(ORDER_QUERY, { id })).body.extensions?.cost.throttleStatus.currentlyAvailable,
    ).toBe(22)
    const throttled = await gql(ORDER_QUERY, { id })
    expect(throttled.status).toBe(200)
    expect(throttled.body).toEqual({
      errors: [
        {
          message: 'Throttled',
          extensions: {
            code: 'THROTTLED',
            documentation: 'https://shopify.dev/api/usage/rate-limits',
          },
        },
      ],
      extensions: {
        cost: {
          requestedQueryCost: 28,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 50, currentlyAvailable: 22, restoreRate: 10 },
        },
      },
    })
    // The deficit is 6 points at 10/s: after 0.6 s the same query fits.
    clock += 600
    const served = await gql(ORDER_QUERY, { id })
    expect(served.body.data?.order).toBeTruthy()
    expect(served.body.extensions?.cost.throttleStatus.currentlyAvailable).toBe(14)
  })

  it('refuses a query priced above the single-query maximum with MAX_COST_EXCEEDED', async () => {
    await start()
    const { body } = await gql(
      '{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { sku } } } } }',
    )
    expect(body.data).toBeUndefined()
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'MAX_COST_EXCEEDED',
      cost: 2 + 250 * (1 + 2 + 250),
      maxCost: 1000,
    })
    expect(sim.graphqlThrottleStatus().currentlyAvailable).toBe(2000)
  })

  it('reports syntax, unknown-field, paging and variable errors as GraphQL errors', async () => {
    await start()
    const syntax = await gql('{ order(id: "x") { id ')
    expect(syntax.status).toBe(200)
    expect(syntax.body.errors?.[0]?.message).toMatch(
      /^syntax error, unexpected end of file at \[1, \d+\]$/,
    )
    const unknown = await gql('{ shop { name planName } }')
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: "Field 'planName' doesn't exist on type 'Shop'",
      extensions: { code: 'undefinedField', typeName: 'Shop', fieldName: 'planName' },
    })
    const paging = await gql('{ orders { nodes { id } } }')
    expect(paging.body.errors?.[0]?.message).toBe('you must provide one of first or last')
    const variable = await gql('query ($id: ID!) { order(id: $id) { id } }')
    expect(variable.body.errors?.[0]?.message).toBe(
      'Variable $id of type ID! was provided invalid value',
    )
    const gid = await gql('{ order(id: "42") { id } }')
    expect(gid.body).toMatchObject({
      data: { order: null },
      errors: [{ message: "Invalid global id '42'", path: ['query', 'order'] }],
    })
    const shop = await gql('{ shop { name myshopifyDomain currencyCode } }')
    expect(shop.body.data).toEqual({
      shop: { name: 'demo-shop', myshopifyDomain: 'demo-shop.myshopify.com', currencyCode: 'USD' },
    })
  })

  it('refuses a wrong token with the REST 401 body and no cost', async () => {
    await start()
    const { status, body } = await gql('{ shop { name } }', {}, 'shpat_wrong')
    expect(status).toBe(401)
    expect(body).toEqual({
      errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
    })
  })

  it('renders a scripted rate limit on graphql.json as THROTTLED whose deficit matches the scripted wait', async () => {
    await start()
    sim.setScenario({ sequence: ['rateLimit'], retryAfterSeconds: { min: 2, max: 2 } })
    const { status, body } = await gql('{ shop { name } }')
    expect(status).toBe(200)
    expect(body.errors?.[0]?.extensions?.code).toBe('THROTTLED')
    expect(body.extensions?.cost).toMatchObject({
      requestedQueryCost: 200,
      throttleStatus: { currentlyAvailable: 0, restoreRate: 100 },
    })
  })
})

describe('Shopify GraphQL mutations', () => {
  const CREATE = `mutation Ship($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment { id name status trackingInfo(first: 3) { number company url } }
      userErrors { field message }
    }
  }`

  it('fulfillmentCreate ships a fulfillment order at cost 10; the repeat is a userError', async () => {
    await start()
    const id = await newOrderGid()
    const order = await gql(ORDER_QUERY, { id })
    const fo = (order.body.data?.order as { fulfillmentOrders: { nodes: { id: string }[] } })
      .fulfillmentOrders.nodes[0]
    const fulfillment = {
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo?.id }],
      trackingInfo: { number: '1Z999', company: 'UPS', url: 'https://ups.example/1Z999' },
      notifyCustomer: false,
    }
    const created = await gql(CREATE, { fulfillment })
    expect(created.body.data?.fulfillmentCreate).toEqual({
      fulfillment: {
        id: expect.stringMatching(/^gid:\/\/shopify\/Fulfillment\/\d+$/),
        name: '#1001.1',
        status: 'SUCCESS',
        trackingInfo: [{ number: '1Z999', company: 'UPS', url: 'https://ups.example/1Z999' }],
      },
      userErrors: [],
    })
    expect(created.body.extensions?.cost).toMatchObject({
      requestedQueryCost: 10,
      actualQueryCost: 10,
    })
    const repeat = await gql(CREATE, { fulfillment })
    expect(repeat.body.data?.fulfillmentCreate).toEqual({
      fulfillment: null,
      userErrors: [
        {
          field: ['fulfillment'],
          message: `Fulfillment order ${fo?.id.split('/').pop()} has an unfulfillable status= closed.`,
        },
      ],
    })
    const after = await gql(
      'query ($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillments(first: 5) { name } } }',
      { id },
    )
    expect(after.body.data?.order).toEqual({
      displayFulfillmentStatus: 'FULFILLED',
      fulfillments: [{ name: '#1001.1' }],
    })
    expect(sim.fulfillments()).toHaveLength(1)
  })

  it('inventorySetQuantities checks compareQuantity, answers no group when nothing moved; adjust moves relatively', async () => {
    await start()
    const found = await gql(`{ inventoryItems(first: 1, query: "sku:SKU-1") { nodes { id sku
      inventoryLevel(locationId: "gid://shopify/Location/655441491") { quantities(names: ["available"]) { name quantity } } } } }`)
    const item = (found.body.data?.inventoryItems as { nodes: Record<string, unknown>[] }).nodes[0]
    expect(item).toMatchObject({
      sku: 'SKU-1',
      inventoryLevel: { quantities: [{ name: 'available', quantity: 100 }] },
    })
    const SET = `mutation Set($input: InventorySetQuantitiesInput!) {
      inventorySetQuantities(input: $input) {
        inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
        userErrors { field message code }
      }
    }`
    const quantity = (q: number, compare?: number | null) => ({
      inventoryItemId: item?.id,
      locationId: 'gid://shopify/Location/655441491',
      quantity: q,
      ...(compare === undefined ? {} : { compareQuantity: compare }),
    })
    const set = await gql(SET, {
      input: { name: 'available', reason: 'correction', quantities: [quantity(60, 100)] },
    })
    expect(set.body.data?.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: {
        reason: 'correction',
        changes: [{ name: 'available', delta: -40, quantityAfterChange: 60 }],
      },
      userErrors: [],
    })
    const stale = await gql(SET, {
      input: { name: 'available', reason: 'correction', quantities: [quantity(60, 100)] },
    })
    expect(stale.body.data?.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        {
          field: ['input', 'quantities', '0', 'compareQuantity'],
          message: 'The compareQuantity argument no longer matches the persisted quantity.',
          code: 'COMPARE_QUANTITY_STALE',
        },
      ],
    })
    const same = await gql(SET, {
      input: {
        name: 'available',
        reason: 'correction',
        ignoreCompareQuantity: true,
        quantities: [quantity(60)],
      },
    })
    expect(same.body.data?.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [],
    })
    const adjusted = await gql(
      `mutation ($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) {
        inventoryAdjustmentGroup { changes { delta quantityAfterChange } } userErrors { code } } }`,
      {
        input: {
          name: 'available',
          reason: 'received',
          changes: [
            { inventoryItemId: item?.id, locationId: 'gid://shopify/Location/655441491', delta: 5 },
          ],
        },
      },
    )
    expect(adjusted.body.data?.inventoryAdjustQuantities).toEqual({
      inventoryAdjustmentGroup: { changes: [{ delta: 5, quantityAfterChange: 65 }] },
      userErrors: [],
    })
    const badReason = await gql(SET, {
      input: { name: 'available', reason: 'because', quantities: [quantity(1, 65)] },
    })
    expect(badReason.body.data?.inventorySetQuantities).toMatchObject({
      userErrors: [{ code: 'INVALID_REASON' }],
    })
    const numericId = String(item?.id).split('/').pop()
    const level = sim
      .inventoryLevels()
      .find(
        (l) => String(l.inventory_item_id) === numericId && String(l.location_id) === '655441491',
      )
    expect(level).toMatchObject({ available: 65 })
  })
})
