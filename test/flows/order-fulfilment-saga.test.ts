/**
 * The order fulfilment saga on the embedded store, the Shopify, NetSuite and 3PL simulators over
 * HTTP: one order commits, and one is refused at each of its four steps by the vendor's own rule
 * (credit hold, unknown SKU, closed period, voided payment). Each saga is checked in every
 * system: committed once, or undone newest first with each undo applied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteInvoiceCreditPort } from '../../src/flows/order-to-cash/netsuite-invoice-credit-port.ts'
import { createNetSuiteOrderToCashPort } from '../../src/flows/order-to-cash/netsuite-order-to-cash-port.ts'
import {
  createOrderFulfilmentSagaFlow,
  ORDER_FULFILMENT_SAGA,
} from '../../src/flows/order-to-cash/order-fulfilment-saga-flow.ts'
import {
  heldCustomer,
  openInvoicingPeriod,
  placeSagaOrder,
  sagaProblems,
  seedAccountingPeriods,
  type FailAt,
} from './order-fulfilment-saga-kit.ts'
import { startOrderToCashBench, until, type OrderToCashBench } from './order-to-cash-kit.ts'

let bench: OrderToCashBench

beforeAll(async () => {
  bench = await startOrderToCashBench({
    pgUrl: undefined,
    // The warehouse takes hours to pick: every request is still cancellable when a saga unwinds.
    threepl: {
      progression: { allocateAfterMs: 0, pickAfterMs: 3_600_000, shipAfterMs: 3_600_000 },
    },
    flows: (b) => {
      const erp = createNetSuiteOrderToCashPort({
        client: b.netsuiteClient,
        target: b.targets.netsuite,
      })
      return [
        createOrderFulfilmentSagaFlow({
          erp,
          billing: createNetSuiteInvoiceCreditPort({
            client: b.netsuiteClient,
            target: b.targets.netsuite,
          }),
          threepl: { client: b.threeplClient, target: b.targets.threepl },
          shopify: {
            fulfillments: b.shopifyFulfillments,
            payments: b.shopifyPayments,
            target: b.targets.shopify,
          },
        }),
      ]
    },
  })
  seedAccountingPeriods(bench)
}, 60_000)
afterAll(async () => {
  await bench?.stop()
})

type RunWithSteps = Parameters<typeof sagaProblems>[3]

async function sagaRun(orderId: string): Promise<RunWithSteps> {
  let found: RunWithSteps | undefined
  await until(
    `the saga of order ${orderId} to end`,
    async () => {
      const [run] = await bench.store.runList({
        tenantId: bench.tenantId,
        flowName: ORDER_FULFILMENT_SAGA,
        businessKey: `shopify:order:${orderId}`,
        limit: 1,
      })
      if (run === undefined || !['completed', 'compensated', 'dead'].includes(run.state)) {
        return false
      }
      found = await bench.store.runGet({ tenantId: bench.tenantId, runId: run.id })
      return true
    },
    30_000,
  )
  if (found === undefined) throw new Error(`no run for order ${orderId}`)
  return found
}

describe('order fulfilment saga on NetSuite', () => {
  it('commits an order once, and undoes one refused at each step in reverse order', async () => {
    // Placed while the shop is in the period finance has closed: its invoice is refused.
    const orders = new Map<FailAt, string>()
    orders.set(3, await placeSagaOrder(bench.shopifyAdmin, 3, 3))
    openInvoicingPeriod(bench)
    orders.set(0, await placeSagaOrder(bench.shopifyAdmin, 0, 0))
    const held = await heldCustomer(bench.shopifyAdmin, bench, 1)
    orders.set(1, await placeSagaOrder(bench.shopifyAdmin, 1, 1, held))
    orders.set(2, await placeSagaOrder(bench.shopifyAdmin, 2, 2))
    orders.set(4, await placeSagaOrder(bench.shopifyAdmin, 4, 4))

    for (const [failAt, orderId] of orders) {
      const run = await sagaRun(orderId)
      expect(sagaProblems(bench, orderId, failAt, run), `fail at ${failAt}`).toEqual([])
      // The check tells outcomes apart: read as the next failure point, the saga is wrong.
      const other = ((failAt + 1) % 5) as FailAt
      expect(sagaProblems(bench, orderId, other, run).length, `as ${other}`).toBeGreaterThan(2)
      if (failAt === 0) {
        expect(run.output).toMatchObject({ outcome: 'committed', payment: { created: true } })
        continue
      }
      // Why the saga unwound is on record: the vendor's own words.
      const why = {
        1: /refused the sales order \(CREDIT_HOLD\): .*credit hold/,
        2: /warehouse refused the fulfillment request/,
        3: /accounting period Closed period is closed or locked/,
        4: /cannot be settled: its financial status is voided/,
      }[failAt]
      expect(run.lastError?.message, `fail at ${failAt}`).toMatch(why)
    }
  }, 60_000)
})
