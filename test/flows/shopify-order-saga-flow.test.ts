// The saga flow against the NetSuite simulator over HTTP, on both stores: a good order ends approved; an order shipping to a nameless address is refused at step 5 and its four writes are undone, newest first, once each.
import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { shopifyOrderBusinessKey } from '../../src/connectors/shopify/shopify-mapping.ts'
import {
  createShopifyOrderSagaFlow,
  LAST_ORDER_FIELD,
} from '../../src/flows/order-to-erp/shopify-order-saga-flow.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { describeOnStores, stepNamed } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const pgUrl = await postgresForTests('shopify order saga flow')
const netsuite = createNetSuiteSimulator({ seed: 7 })
beforeAll(() => netsuite.start())
afterAll(() => netsuite.stop())

const shopify = createShopifySimulator({ seed: 99 })
const orderIds = shopify.generateOrders({ count: 2, customers: 2 }).orderIds

/**
 * Order `n`'s webhook body, with a customer of its own (the flow's undo deactivates the customer);
 * `nameless` blanks the shipping address's name.
 */
function orderBody(n: number, nameless: boolean): { id: string; body: string } {
  const id = orderIds[n] ?? ''
  const order = parse(shopify.orderJson(id) ?? '') as Record<string, unknown>
  order.customer = {
    ...(order.customer as Record<string, unknown>),
    id: new LosslessNumber(String(9_100_000_000 + n)),
  }
  const address = order.shipping_address
  if (nameless && typeof address === 'object' && address !== null && !isLosslessNumber(address)) {
    order.shipping_address = {
      ...(address as Record<string, unknown>),
      name: '',
      first_name: '',
      last_name: '',
    }
  }
  return { id, body: stringify(order) ?? '' }
}

describeOnStores('shopify order saga flow', pgUrl, (bench) => {
  it('approves a good order and compensates a refused one', async () => {
    netsuite.reset()
    const b = bench()
    const client = new NetSuiteClient(
      parseNetSuiteConnectionConfig({
        accountId: netsuite.accountId,
        baseUrl: netsuite.baseUrl,
        clientId: netsuite.clientId,
        clientSecret: netsuite.clientSecret,
      }),
    )
    const target = `netsuite:${netsuite.accountId}`
    const engine = b.engine({
      flows: [createShopifyOrderSagaFlow({ netsuite: client, netsuiteTarget: target })],
    })
    const good = orderBody(0, false)
    const bad = orderBody(1, true)
    const runIds: string[] = []
    for (const order of [good, bad]) {
      const result = await engine.ingest({
        sourceSystem: 'shopify',
        sourceMessageId: `saga-${order.id}`,
        connection: 'main',
        topic: 'orders/create',
        payload: order.body,
        headers: {},
        triggeredAt: null,
        businessKey: shopifyOrderBusinessKey(order.id),
      })
      runIds.push(...result.runIds)
    }

    expect(await engine.runOnce()).toBe(2)
    const [goodRun, badRun] = await Promise.all(runIds.map((id) => b.run(id)))
    expect(goodRun).toMatchObject({ state: 'completed' })
    expect(badRun).toMatchObject({
      state: 'compensated',
      lastError: { type: 'validation', code: 'USER_ERROR' },
      output: {
        compensated: {
          failedStep: 'upsert-ship-to',
          undone: ['approve-sales-order', 'link-customer', 'upsert-sales-order', 'upsert-customer'],
        },
      },
    })
    expect(badRun?.lastError?.message).toContain('Company Name')
    const undos = (badRun?.steps ?? []).filter((s) => s.name.startsWith('saga/undo/'))
    expect(undos.map((s) => [s.operation, s.attempts])).toEqual(
      expect.arrayContaining([
        ['customer.deactivate', 1],
        ['salesOrder.cancel', 1],
        ['customer.unlinkLastOrder', 1],
        ['salesOrder.unapprove', 1],
      ]),
    )
    expect(stepNamed(badRun ?? { steps: [] }, 'upsert-ship-to').state).toBe('failed')

    const record = (type: 'customer' | 'salesOrder', eid: string) =>
      netsuite.records.get(type, `eid:${eid}`)?.fields ?? {}
    const goodOrder = record('salesOrder', `SHOPIFY-O-${good.id}`)
    expect(goodOrder.orderStatus).toEqual({ id: 'B' })
    expect(record('customer', `SHOPIFY-ST-${good.id}`).companyName).toBeTruthy()
    const badOrder = record('salesOrder', `SHOPIFY-O-${bad.id}`)
    expect(badOrder.orderStatus).toEqual({ id: 'C' })
    expect(netsuite.records.get('customer', `eid:SHOPIFY-ST-${bad.id}`)).toBeUndefined()

    // Every write happened once: create + one update per customer and order, plus the undos.
    const writes = new Map(
      netsuite.ledger().effects.map((e) => [`${e.recordType}|${e.businessKey}`, e.writes]),
    )
    expect(writes.get(`salesOrder|SHOPIFY-O-${good.id}`)).toBe(2)
    expect(writes.get(`salesOrder|SHOPIFY-O-${bad.id}`)).toBe(4)
    const goodCustomer = record('customer', 'SHOPIFY-C-9100000000')
    const goodOutput = goodRun?.output as { salesOrderId?: string } | null | undefined
    expect(goodCustomer[LAST_ORDER_FIELD]).toEqual({ id: goodOutput?.salesOrderId })
    expect(goodCustomer.isInactive).toBeUndefined()
    expect(record('customer', 'SHOPIFY-C-9100000001')).toMatchObject({
      isInactive: true,
      [LAST_ORDER_FIELD]: null,
    })
    expect(writes.get('customer|SHOPIFY-C-9100000000')).toBe(2)
    expect(writes.get('customer|SHOPIFY-C-9100000001')).toBe(4)
  })
})
