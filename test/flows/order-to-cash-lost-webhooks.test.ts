/**
 * Order to cash when the warehouse's webhooks misbehave, on the embedded store: some shipment
 * deliveries never verify and are not retried (lost), others arrive twice. A lost shipment is
 * found by reading the 3PL order when the wait runs out; a duplicate wakes nothing twice. Every
 * order still ends fulfilled, invoiced once and paid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteOrderToCashPort } from '../../src/flows/order-to-cash/netsuite-order-to-cash-port.ts'
import {
  createOrderToCashFlow,
  ORDER_TO_CASH,
} from '../../src/flows/order-to-cash/order-to-cash-flow.ts'
import { startOrderToCashBench, until, type OrderToCashBench } from './order-to-cash-kit.ts'

const ORDERS = 20
let bench: OrderToCashBench

beforeAll(async () => {
  bench = await startOrderToCashBench({
    pgUrl: undefined,
    threepl: {
      // The first deliveries (a shipment comes first) fail verification and are never retried.
      webhookMaxRetries: 0,
      webhookFaults: {
        sequence: ['badSignature', 'duplicate', 'badSignature', 'duplicate', 'badSignature'],
        duplicateDelayMs: 20,
      },
    },
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
        policy: { shipmentTimeoutMs: 2_000 },
      }),
    ],
  })
}, 90_000)
afterAll(async () => {
  await bench?.stop()
})

describe('order to cash with lost and duplicated warehouse webhooks', () => {
  it('recovers lost shipments by reading the 3PL and ignores duplicates', async () => {
    const ids: string[] = []
    for (let n = 0; n < ORDERS; n++) {
      const order = await bench.shopifyAdmin.createOrder({
        line_items: [{ sku: `SKU-${(n % 5) + 1}`, quantity: 1 }],
        financial_status: 'authorized',
        customer: { email: `lost-${n}@example.com`, first_name: 'Lost', last_name: `No${n}` },
        shipping_address: {
          name: `Lost No${n}`,
          address1: '5 Dock Road',
          city: 'Portland',
          zip: '97201',
          country_code: 'US',
        },
      })
      ids.push(String(order.id))
    }
    const completed = () =>
      bench.store.runList({
        tenantId: bench.tenantId,
        flowName: ORDER_TO_CASH,
        state: 'completed',
        limit: 100,
      })
    await until('every order to be paid', async () => (await completed()).length === ORDERS, 60_000)

    const deliveries = bench.threepl.deliveries()
    const lost = deliveries.filter(
      (d) => d.eventType === 'shipment.confirmed' && d.state !== 'delivered',
    )
    expect(lost.length).toBeGreaterThan(0)
    const runs = await Promise.all(
      (await completed()).map((r) => bench.store.runGet({ tenantId: bench.tenantId, runId: r.id })),
    )
    const recovered = runs.filter((r) => r?.steps.some((s) => s.name === 'read-fulfillment-0'))
    // Each order whose shipment webhook was lost was read back once the wait ran out.
    expect(recovered.length).toBeGreaterThanOrEqual(lost.length)
    expect(deliveries.some((d) => d.history.filter((h) => h.kind === 'duplicate').length > 0)).toBe(
      true,
    )

    const ns = bench.netsuite.records
    expect(ns.list('itemFulfillment')).toHaveLength(ORDERS)
    expect(ns.list('invoice')).toHaveLength(ORDERS)
    expect(bench.shopify.fulfillments()).toHaveLength(ORDERS)
    for (const id of ids) {
      const order = JSON.parse(bench.shopify.orderJson(id) ?? 'null') as Record<string, unknown>
      const fo = bench.threepl.order(`SHOPIFY-O-${id}`)
      const tracking = (fo?.shipment as { tracking_number?: string } | null)?.tracking_number
      expect(order).toMatchObject({ financial_status: 'paid', fulfillment_status: 'fulfilled' })
      const fulfillments = (await bench.shopifyFulfillments.listFulfillments(id)) ?? []
      expect(fulfillments.map((f) => f.tracking_number)).toEqual([tracking])
    }
  }, 90_000)
})
