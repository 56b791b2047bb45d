/**
 * Issue 6, done-when 1 (NetSuite): order to cash for 200 Shopify orders, 10 of them compensated.
 * Orders are placed through Shopify's Admin API and reach the hub as signed webhooks; the 3PL's
 * shipment and backorder events come back as signed Standard Webhooks over HTTP and wake the
 * waiting runs. At the end every simulator is read: each order is fulfilled with the 3PL's
 * tracking number, invoiced once and paid, or cancelled in every system that had it, with one
 * human task per cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteOrderToCashPort } from '../../src/flows/order-to-cash/netsuite-order-to-cash-port.ts'
import {
  createOrderToCashFlow,
  ORDER_TO_CASH,
} from '../../src/flows/order-to-cash/order-to-cash-flow.ts'
import type { ApprovalTask, RunRecord } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  OUT_OF_STOCK_SKU,
  startOrderToCashBench,
  UNSTOCKED_SKU,
  until,
  type OrderToCashBench,
} from './order-to-cash-kit.ts'

const ORDERS = 200
/** Which orders go wrong, and how: two customers on hold, two over their credit limit, three SKUs the warehouse does not carry, three it has none of. */
const PLAN = {
  creditHoldOn: [7, 47],
  creditLimit: [87, 127],
  warehouseRefuses: [20, 60, 100],
  backordered: [33, 133, 173],
} as const
const EXCEPTIONS = new Set<number>(Object.values(PLAN).flat())

const pgUrl = await postgresForTests('order to cash on NetSuite')
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
        policy: { shipmentTimeoutMs: 10 * 60_000, exceptionAssignee: 'order-desk' },
      }),
    ],
  })
}, 90_000)
afterAll(async () => {
  await bench?.stop()
})

interface Placed {
  n: number
  id: string
}

function lineFor(n: number): { sku: string; quantity: number }[] {
  const regular = { sku: `SKU-${(n % 18) + 1}`, quantity: (n % 3) + 1 }
  if ((PLAN.warehouseRefuses as readonly number[]).includes(n)) {
    return [regular, { sku: UNSTOCKED_SKU, quantity: 1 }]
  }
  if ((PLAN.backordered as readonly number[]).includes(n)) {
    return [regular, { sku: OUT_OF_STOCK_SKU, quantity: 2 }]
  }
  return [regular]
}

/** Customers the ERP holds on credit before their order arrives, as finance set them in the UI. */
async function heldCustomer(n: number, hold: 'ON' | 'AUTO'): Promise<string> {
  const body = await bench.shopifyAdmin.rest.call('POST', 'customers.json', {
    body: { customer: { email: `held-${n}@example.com`, first_name: 'Held', last_name: `No${n}` } },
  })
  const id = String((body?.customer as { id: unknown }).id)
  bench.netsuite.records.put('customer', {
    externalId: `SHOPIFY-C-${id}`,
    companyName: `Held Buyer ${n}`,
    email: `held-${n}@example.com`,
    creditHoldOverride: { id: hold },
    ...(hold === 'AUTO' ? { creditLimit: 1 } : {}),
  })
  return id
}

async function placeOrder(n: number, customerId: string | undefined): Promise<Placed> {
  const order = await bench.shopifyAdmin.createOrder({
    line_items: lineFor(n),
    financial_status: n % 4 === 0 ? 'pending' : 'authorized',
    email: `buyer-${n}@example.com`,
    customer:
      customerId === undefined
        ? { email: `buyer-${n}@example.com`, first_name: 'Buyer', last_name: `No${n}` }
        : { id: customerId },
    shipping_address: {
      first_name: 'Buyer',
      last_name: `No${n}`,
      address1: `${n} Main Street`,
      city: 'Springfield',
      province_code: 'IL',
      zip: '62701',
      country_code: 'US',
    },
  })
  return { n, id: String(order.id) }
}

async function runsIn(state: RunRecord['state']): Promise<RunRecord[]> {
  return bench.store.runList({
    tenantId: bench.tenantId,
    flowName: ORDER_TO_CASH,
    state,
    limit: 1000,
  })
}

async function openTasks(): Promise<ApprovalTask[]> {
  return bench.store.approvalList({ tenantId: bench.tenantId, state: 'open', limit: 100 })
}

describe('order to cash on NetSuite', () => {
  it('takes 200 orders to cash, cancelling 10 consistently with one task each', async () => {
    const held = new Map<number, string>()
    for (const n of PLAN.creditHoldOn) held.set(n, await heldCustomer(n, 'ON'))
    for (const n of PLAN.creditLimit) held.set(n, await heldCustomer(n, 'AUTO'))

    const placed: Placed[] = []
    for (let start = 0; start < ORDERS; start += 20) {
      const batch = Array.from({ length: 20 }, (_, i) => start + i)
      placed.push(...(await Promise.all(batch.map((n) => placeOrder(n, held.get(n))))))
    }
    const byN = new Map(placed.map((p) => [p.n, p.id]))

    // 190 runs finish; the 10 exceptions wait on their task, holding no worker.
    await until(
      'the orders to finish or wait on a person',
      async () =>
        (await runsIn('completed')).length === ORDERS - 10 && (await openTasks()).length === 10,
      75_000,
    )
    const tasks = await openTasks()
    const waiting = await runsIn('waiting')
    expect(new Set(tasks.map((t) => t.runId))).toEqual(new Set(waiting.map((r) => r.id)))
    const taskOrders = tasks.map((t) => (t.subject as { orderKey: string }).orderKey).sort()
    const exceptionKeys = [...EXCEPTIONS].map((n) => `shopify:order:${byN.get(n)}`).sort()
    expect(taskOrders).toEqual(exceptionKeys)
    for (const task of tasks) {
      expect(task).toMatchObject({ assignee: 'order-desk', step: 'exception-task' })
      expect(task.title).toMatch(/^Order #\d+ cancelled: /)
    }
    // The desk acknowledges each task; the runs end with what happened on record.
    for (const task of tasks) {
      await bench.engine.decideApproval({
        taskId: task.id,
        decision: 'approved',
        reason: 'customer contacted',
        by: 'desk@example.com',
        audit: { actor: 'desk@example.com', interactionId: null },
      })
    }
    await until(
      'every run to complete',
      async () => (await runsIn('completed')).length === ORDERS,
      20_000,
    )
    const runs = await runsIn('completed')
    const outputOf = new Map(runs.map((r) => [r.businessKey, r.output as Record<string, unknown>]))
    const causeOf = (n: number): string | undefined => {
      const output = outputOf.get(`shopify:order:${byN.get(n)}`)
      return output?.outcome === 'cancelled' ? String(output.cause) : undefined
    }
    for (const n of [...PLAN.creditHoldOn, ...PLAN.creditLimit]) {
      expect(causeOf(n)).toBe('erp_refused')
    }
    for (const n of PLAN.warehouseRefuses) expect(causeOf(n)).toBe('warehouse_refused')
    for (const n of PLAN.backordered) expect(causeOf(n)).toBe('backordered')

    // Every system agrees, read from each simulator.
    const ns = bench.netsuite.records
    const createdFrom = (type: 'invoice' | 'itemFulfillment', soId: string) =>
      ns
        .list(type)
        .filter((r) => (r.fields.createdFrom as { id?: string } | undefined)?.id === soId)
    for (const { n, id } of placed) {
      const order = JSON.parse(bench.shopify.orderJson(id) ?? 'null') as Record<string, unknown>
      const so = ns.get('salesOrder', `eid:SHOPIFY-O-${id}`)
      const fo = bench.threepl.order(`SHOPIFY-O-${id}`)
      const status = (so?.fields.orderStatus as { id?: string } | undefined)?.id
      if (!EXCEPTIONS.has(n)) {
        const fulfillments = (await bench.shopifyFulfillments.listFulfillments(id)) ?? []
        const shipment = fo?.shipment as { tracking_number: string } | null | undefined
        expect(fo?.status, `3PL order of #${n}`).toBe('shipped')
        expect(fulfillments.map((f) => f.tracking_number)).toEqual([shipment?.tracking_number])
        expect(order).toMatchObject({
          fulfillment_status: 'fulfilled',
          financial_status: 'paid',
          cancelled_at: null,
        })
        expect(status).toBe('B')
        expect(createdFrom('itemFulfillment', so?.id ?? '')).toHaveLength(1)
        expect(createdFrom('invoice', so?.id ?? '')).toHaveLength(1)
        continue
      }
      expect(order.cancelled_at, `Shopify order of #${n}`).not.toBeNull()
      expect(order.fulfillment_status).toBeNull()
      expect(order.financial_status).toBe('voided')
      if (
        (PLAN.creditHoldOn as readonly number[]).includes(n) ||
        (PLAN.creditLimit as readonly number[]).includes(n)
      ) {
        // Refused: NetSuite never saved it, and the warehouse was never asked.
        expect(so).toBeUndefined()
        expect(fo).toBeUndefined()
      } else if ((PLAN.warehouseRefuses as readonly number[]).includes(n)) {
        expect(status).toBe('C')
        expect(fo).toBeUndefined()
      } else {
        expect(status).toBe('C')
        expect(fo?.status).toBe('cancelled')
      }
      if (so !== undefined) {
        expect(createdFrom('itemFulfillment', so.id)).toHaveLength(0)
        expect(createdFrom('invoice', so.id)).toHaveLength(0)
      }
    }
    // Nothing duplicated anywhere.
    const completed = ORDERS - EXCEPTIONS.size
    expect(ns.list('salesOrder')).toHaveLength(ORDERS - 4)
    expect(ns.list('itemFulfillment')).toHaveLength(completed)
    expect(ns.list('invoice')).toHaveLength(completed)
    expect(new Set(ns.list('salesOrder').map((s) => s.externalId)).size).toBe(ORDERS - 4)
    expect(bench.threepl.orders()).toHaveLength(ORDERS - 4 - 3)
    expect(bench.shopify.fulfillments()).toHaveLength(completed)
    const all = await bench.store.approvalList({ tenantId: bench.tenantId, limit: 100 })
    expect(all).toHaveLength(10)
    expect(all.every((t) => t.state === 'approved' && t.decidedBy === 'desk@example.com')).toBe(
      true,
    )
    // The warehouse's word reached the hub as signed webhooks over HTTP, each answered 200.
    await bench.threepl.deliveriesSettled(10_000)
    const sent = bench.threepl.deliveries().filter((d) => d.eventType !== 'inventory.adjusted')
    expect(sent.filter((d) => d.eventType === 'shipment.confirmed')).toHaveLength(completed)
    expect(sent.filter((d) => d.eventType === 'fulfillment_order.backordered')).toHaveLength(3)
    expect(sent.every((d) => d.state === 'delivered' && d.lastStatus === 200)).toBe(true)
  }, 120_000)
})
