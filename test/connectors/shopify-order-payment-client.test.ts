/** @module test/connectors/shopify-order-payment-client.test — settling and cancelling an order against the Shopify simulator over HTTP: capture of an authorization, an external payment, a repeat that sends nothing, cancellation and its refusals. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { ShopifyFulfillmentClient } from '../../src/connectors/shopify/shopify-fulfillment-client.ts'
import { ShopifyOrderPaymentClient } from '../../src/connectors/shopify/shopify-order-payment-client.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

let sim: ShopifySimulator
let admin: ShopifyAdminClient
let payments: ShopifyOrderPaymentClient
let fulfillments: ShopifyFulfillmentClient

beforeAll(async () => {
  sim = createShopifySimulator({ seed: 41 })
  await sim.start()
  admin = new ShopifyAdminClient(
    parseShopifyConnectionConfig({
      shopDomain: sim.shopDomain,
      apiVersion: sim.apiVersion,
      adminBaseUrl: sim.baseUrl,
      accessToken: sim.accessToken,
      webhookSecrets: [{ secret: sim.webhookSecret }],
      requestTimeoutMs: 3000,
    }),
  )
  payments = new ShopifyOrderPaymentClient(admin.rest)
  fulfillments = new ShopifyFulfillmentClient(admin.rest)
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

async function order(financialStatus: string): Promise<{ id: string; total: string }> {
  const created = await admin.createOrder({
    email: 'pay@example.com',
    financial_status: financialStatus,
    line_items: [{ sku: 'SKU-3', quantity: 2 }],
  })
  return { id: String(created.id), total: String(created.total_price) }
}

const writes = (suffix: string) =>
  sim.requests().filter((r) => r.method === 'POST' && r.path.endsWith(suffix))

describe('ShopifyOrderPaymentClient', () => {
  it('captures what checkout authorized, once, and a repeat sends nothing', async () => {
    const o = await order('authorized')
    expect(await payments.findPayment(o.id)).toBeNull()
    const first = await payments.settlePayment(o.id)
    expect(first).toMatchObject({ financialStatus: 'paid', created: true })
    const again = await payments.settlePayment(o.id)
    expect(again).toEqual({ ...first, created: false })
    expect(writes('/transactions.json')).toHaveLength(1)
    const transactions = await payments.listTransactions(o.id)
    expect(transactions.map((t) => [t.kind, t.amount])).toEqual([
      ['authorization', o.total],
      ['capture', o.total],
    ])
    expect(String(transactions[1]?.parent_id)).toBe(String(transactions[0]?.id))
    expect(JSON.parse(sim.orderJson(o.id) ?? '{}')).toMatchObject({ financial_status: 'paid' })
  })

  it('records a payment taken outside Shopify on a pending order; a paid order is left alone', async () => {
    const pending = await order('pending')
    expect(await payments.settlePayment(pending.id)).toMatchObject({ created: true })
    const [sale] = await payments.listTransactions(pending.id)
    expect(sale).toMatchObject({ kind: 'sale', source_name: 'external', amount: pending.total })
    const paid = await order('paid')
    expect(await payments.settlePayment(paid.id)).toEqual({
      transactionId: null,
      financialStatus: 'paid',
      created: false,
    })
    expect(writes('/transactions.json')).toHaveLength(1)
  })

  it('refuses a capture beyond the authorization (the simulator, as Shopify)', async () => {
    const o = await order('authorized')
    const [auth] = await payments.listTransactions(o.id)
    const response = await fetch(
      `${sim.baseUrl}/admin/api/${sim.apiVersion}/orders/${o.id}/transactions.json`,
      {
        method: 'POST',
        headers: { 'x-shopify-access-token': sim.accessToken, 'content-type': 'application/json' },
        body: JSON.stringify({
          transaction: { kind: 'capture', parent_id: String(auth?.id), amount: '99999.00' },
        }),
      },
    )
    expect(response.status).toBe(422)
    expect(JSON.parse(sim.orderJson(o.id) ?? '{}')).toMatchObject({
      financial_status: 'authorized',
    })
  })

  it('cancels once: the authorization is voided, the order closed, a repeat sends nothing', async () => {
    const o = await order('authorized')
    const cancelled = await payments.cancelOrder(o.id, { reason: 'inventory' })
    expect(cancelled).toMatchObject({
      cancelReason: 'inventory',
      financialStatus: 'voided',
      created: true,
    })
    expect(await payments.cancelOrder(o.id, { reason: 'inventory' })).toMatchObject({
      created: false,
    })
    expect(writes('/cancel.json')).toHaveLength(1)
    const kinds = (await payments.listTransactions(o.id)).map((t) => t.kind)
    expect(kinds).toEqual(['authorization', 'void'])
    // Nothing can be shipped or paid on a cancelled order any more.
    const [fo] = (await fulfillments.listFulfillmentOrders(o.id)) ?? []
    expect(fo?.status).toBe('closed')
    await expect(payments.settlePayment(o.id)).rejects.toMatchObject({
      type: 'validation',
      code: 'NOT_PAYABLE',
    })
  })

  it('refunds a paid order on cancel, and will not cancel a fulfilled one', async () => {
    const paid = await order('paid')
    expect(await payments.cancelOrder(paid.id, { reason: 'customer' })).toMatchObject({
      financialStatus: 'refunded',
    })
    const shipped = await order('paid')
    await fulfillments.ensureFulfillment({
      orderId: shipped.id,
      key: 'k',
      trackingNumbers: ['1Z9'],
    })
    const error: unknown = await payments
      .cancelOrder(shipped.id, { reason: 'customer' })
      .catch((e: unknown) => e)
    expect(HubError.is(error) && error.type === 'validation' && error.status === 422).toBe(true)
    expect(await payments.findCancellation(shipped.id)).toBeNull()
  })
})
