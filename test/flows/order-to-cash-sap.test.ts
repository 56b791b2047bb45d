/**
 * Issue 6, done-when 1 (SAP): order to cash for 200 Shopify orders on SAP S/4HANA, 10 of them
 * compensated (credit blocks, warehouse refusals, backorders). Orders reach the hub as signed
 * Shopify webhooks; the 3PL's events come back as signed Standard Webhooks. At the end every
 * simulator is read: each order has one delivery with goods issued and one billing document in
 * SAP and is fulfilled and paid in Shopify, or has every item rejected in SAP and is cancelled
 * everywhere else, with one human task per cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ORDER_TO_CASH } from '../../src/flows/order-to-cash/order-to-cash-flow.ts'
import type { ApprovalTask, RunRecord } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { until } from './order-to-cash-kit.ts'
import {
  creditCustomers,
  expectSystemsAgree,
  placeOrders,
  startSapOrderToCashBench,
  type SapOrderToCashBench,
  type SapPlan,
} from './order-to-cash-sap-kit.ts'

const ORDERS = 200
/** Two customers blocked in credit management, two over their credit limit, three unstocked SKUs, three backorders. */
const PLAN: SapPlan = {
  creditBlocked: [7, 47],
  creditLimit: [87, 127],
  warehouseRefuses: [20, 60, 100],
  backordered: [33, 133, 173],
}

const pgUrl = await postgresForTests('order to cash on SAP')
let s: SapOrderToCashBench

beforeAll(async () => {
  s = await startSapOrderToCashBench(pgUrl, 64)
}, 90_000)
afterAll(async () => {
  await s?.stop()
})

const runsIn = (state: RunRecord['state']): Promise<RunRecord[]> =>
  s.bench.store.runList({ tenantId: s.bench.tenantId, flowName: ORDER_TO_CASH, state, limit: 1000 })
const openTasks = (): Promise<ApprovalTask[]> =>
  s.bench.store.approvalList({ tenantId: s.bench.tenantId, state: 'open', limit: 100 })

describe('order to cash on SAP S/4HANA', () => {
  it('takes 200 orders to cash, cancelling 10 consistently with one task each', async () => {
    const byN = await placeOrders(s, PLAN, ORDERS, await creditCustomers(s, PLAN))

    // 190 runs finish; the 10 exceptions wait on their task, holding no worker.
    await until(
      'the orders to finish or wait on a person',
      async () =>
        (await runsIn('completed')).length === ORDERS - 10 && (await openTasks()).length === 10,
      90_000,
    )
    const tasks = await openTasks()
    const taskOrders = tasks.map((t) => (t.subject as { orderKey: string }).orderKey).sort()
    const exceptions = Object.values(PLAN).flat() as number[]
    expect(taskOrders).toEqual(exceptions.map((n) => `shopify:order:${byN.get(n)}`).sort())
    for (const task of tasks) {
      expect(task.title).toMatch(/^Order #\d+ cancelled: /)
      await s.bench.engine.decideApproval({
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
    const outputs = new Map(
      (await runsIn('completed')).map((r) => [r.businessKey, r.output as Record<string, unknown>]),
    )
    expectSystemsAgree(s, PLAN, byN, outputs)
    // Each billing request was needed: SAP never answered one with "already billed".
    expect(s.sap.billingMessages().filter((m) => m.state === 'processed')).toHaveLength(ORDERS - 10)
    expect(s.sap.billingMessages().filter((m) => m.state === 'error')).toEqual([])
    const all = await s.bench.store.approvalList({ tenantId: s.bench.tenantId, limit: 100 })
    expect(all).toHaveLength(10)
    expect(all.every((t) => t.state === 'approved')).toBe(true)
  }, 150_000)
})
