/** @module test/connectors/netsuite-client-sandbox — NetSuiteClient against the NetSuite simulator over real HTTP. */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
} from '../../src/connectors/netsuite/netsuite-mapping.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { NetSuiteTokenProvider } from '../../src/connectors/netsuite/netsuite-token-provider.ts'
import { parseShopifyJson } from '../../src/connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../src/connectors/shopify/shopify-mapping.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'

const sim = createNetSuiteSimulator({ seed: 42 })
const order = shopifyOrderToCanonical(
  parseShopifyJson(
    readFileSync(new URL('./fixtures/shopify-order-create.payload.json', import.meta.url)),
  ),
)
let tokens: NetSuiteTokenProvider
let client: NetSuiteClient

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.reset()
  for (const sku of ['COFFEE-ETH-250', 'MUG-NANDU']) {
    sim.records.put('inventoryItem', { externalId: sku, itemId: sku, basePrice: 10 })
  }
  const config = parseNetSuiteConnectionConfig({
    accountId: sim.accountId,
    baseUrl: sim.baseUrl,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    requestTimeoutMs: 5_000,
  })
  tokens = NetSuiteTokenProvider.fromConfig(config)
  client = new NetSuiteClient(config, { tokenProvider: tokens })
})

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!HubError.is(error)) throw new Error(`expected a HubError, got ${String(error)}`)
  return error
}

describe('NetSuiteClient × NetSuite simulator', () => {
  it('upserts customer then sales order; ids come from Location and match the stored records', async () => {
    const customerId = netsuiteCustomerExternalId(order.customer)
    const { id } = await client.upsertByExternalId(
      'customer',
      customerId,
      canonicalCustomerToNetSuite(order.customer),
    )
    expect(sim.records.get('customer', `eid:${customerId}`)?.id).toBe(id)

    const body = canonicalOrderToNetSuiteSalesOrder(order, id)
    const orderExternalId = netsuiteSalesOrderExternalId(order)
    const created = await client.upsertByExternalId('salesOrder', orderExternalId, body)
    const again = await client.upsertByExternalId('salesOrder', orderExternalId, body)
    expect(again.id).toBe(created.id) // the idempotent path: a replay updates, never duplicates
    expect(sim.records.list('salesOrder')).toHaveLength(1)
  })

  it('gets by external id, and answers null for one that does not exist', async () => {
    const customerId = netsuiteCustomerExternalId(order.customer)
    const { id } = await client.upsertByExternalId(
      'customer',
      customerId,
      canonicalCustomerToNetSuite(order.customer),
    )
    const found = await client.getByExternalId('customer', customerId)
    expect(found?.id).toBe(id)
    expect(found?.record).toMatchObject({ externalId: customerId, lastName: 'Müller-Łukasiewicz' })
    await expect(client.getByExternalId('customer', 'SHOPIFY-C-0')).resolves.toBeNull()
  })

  it('classifies an unknown item as validation with code and path', async () => {
    const { id } = await client.upsertByExternalId('customer', 'C-1', { companyName: 'Acme' })
    const body = canonicalOrderToNetSuiteSalesOrder(order, id)
    body.item.items = body.item.items.map((line, i) =>
      i === 1 ? { ...line, item: { externalId: 'NO-SUCH-SKU' } } : line,
    )
    const error = await failure(client.upsertByExternalId('salesOrder', 'SHOPIFY-O-X', body))
    expect(error).toMatchObject({
      type: 'validation',
      code: 'INVALID_VALUE',
      path: 'item.items[1].item',
      status: 400,
    })
  })

  it('refreshes the token exactly once after it expires, and retries the request', async () => {
    await client.upsertByExternalId('customer', 'C-1', { companyName: 'Acme' })
    expect(tokens.requestCount).toBe(1)
    sim.expireTokens()
    await expect(client.getByExternalId('customer', 'C-1')).resolves.toMatchObject({
      record: { companyName: 'Acme' },
    })
    expect(tokens.requestCount).toBe(2)
  })

  it('reads the governance limits', async () => {
    const limits = await client.getGovernanceLimits()
    expect(limits.accountConcurrencyLimit).toBeGreaterThan(0)
    expect(limits.effectiveConcurrencyLimit).toBeLessThanOrEqual(limits.accountConcurrencyLimit)
  })
})
