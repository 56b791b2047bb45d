/**
 * Order to cash with `backorder: wait`: a backordered order is not cancelled; the run keeps waiting
 * on the order's key, and ships, bills and settles once the warehouse receives the stock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteOrderToCashPort } from '../../src/flows/order-to-cash/netsuite-order-to-cash-port.ts'
import {
  createOrderToCashFlow,
  ORDER_TO_CASH,
} from '../../src/flows/order-to-cash/order-to-cash-flow.ts'
import { parseOrderToCashPolicy } from '../../src/flows/order-to-cash/order-to-cash-policy.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  OUT_OF_STOCK_SKU,
  startOrderToCashBench,
  until,
  type OrderToCashBench,
} from './order-to-cash-kit.ts'

const pgUrl = await postgresForTests('order to cash, backorder: wait')
let bench: OrderToCashBench

beforeAll(async () => {
  bench = await startOrderToCashBench({
    pgUrl,
    flows: (b) => [
      createOrderToCashFlow({
        erp: createNetSuiteOrderToCashPort({
          client: b.netsuiteClient,
          target: b.targets.netsuite,
        }),
        threepl: { client: b.threeplClient, target: b.targets.threepl },
        shopify: {
          fulfillments: b.shopifyFulfillments,
          payments: b.shopifyPayments,
          target: b.targets.shopify,
        },
        policy: { backorder: 'wait', maxBackorders: 2 },
      }),
    ],
  })
}, 90_000)
afterAll(async () => {
  await bench?.stop()
})

describe('order to cash, backorder: wait', () => {
  it('waits through a backorder and completes when the stock arrives', async () => {
    const order = await bench.shopifyAdmin.createOrder({
      line_items: [{ sku: OUT_OF_STOCK_SKU, quantity: 3 }],
      financial_status: 'pending',
      customer: { email: 'patient@example.com', first_name: 'Pat', last_name: 'Ient' },
      shipping_address: {
        name: 'Pat Ient',
        address1: '9 Quay',
        city: 'Boston',
        zip: '02110',
        country_code: 'US',
      },
    })
    const id = String(order.id)
    const runs = (state: 'waiting' | 'completed') =>
      bench.store.runList({ tenantId: bench.tenantId, flowName: ORDER_TO_CASH, state, limit: 10 })
    await until(
      'the backorder event',
      () => bench.threepl.order(`SHOPIFY-O-${id}`)?.status === 'backordered',
      20_000,
    )
    await until(
      'the run to wait again after the backorder',
      async () => {
        const [run] = await runs('waiting')
        if (run === undefined) return false
        const detail = await bench.store.runGet({ tenantId: bench.tenantId, runId: run.id })
        return detail?.steps.some((s) => s.name === 'await-shipment-1') ?? false
      },
      20_000,
    )
    // Nothing was cancelled anywhere meanwhile.
    expect(JSON.parse(bench.shopify.orderJson(id) ?? '{}')).toMatchObject({ cancelled_at: null })
    expect(await bench.store.approvalList({ tenantId: bench.tenantId, limit: 10 })).toEqual([])

    const received = bench.threepl.adjustInventory({
      sku: OUT_OF_STOCK_SKU,
      warehouse: 'WH-EAST',
      reason: 'receipt',
      quantity: 10,
    })
    expect(received.ok).toBe(true)
    await until('the order to be paid', async () => (await runs('completed')).length === 1, 20_000)
    const [run] = await runs('completed')
    expect(run?.output).toMatchObject({
      outcome: 'completed',
      payment: { financialStatus: 'paid' },
    })
    expect(JSON.parse(bench.shopify.orderJson(id) ?? '{}')).toMatchObject({
      financial_status: 'paid',
      fulfillment_status: 'fulfilled',
    })
    expect(bench.netsuite.records.list('invoice')).toHaveLength(1)
  }, 60_000)

  it('refuses a policy that names no assignee or a backorder handling it does not know', () => {
    expect(() => parseOrderToCashPolicy({ exceptionAssignee: ' ' })).toThrow(/exceptionAssignee/)
    expect(() => parseOrderToCashPolicy({ backorder: 'ignore' })).toThrow(/cancel, wait/)
    expect(parseOrderToCashPolicy()).toMatchObject({ backorder: 'cancel', maxBackorders: 3 })
  })
})
