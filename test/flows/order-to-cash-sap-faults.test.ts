/**
 * Order to cash on SAP when SAP's answers get lost: writes that commit and then drop the
 * connection, connections reset before any answer, and 5xx, on every OData write, PostGoodsIssue
 * and the SOAP billing request. SAP has no idempotency key, so only the port's reads by the hub's
 * references (order, delivery, billing items) keep each effect single: at the end every order
 * still has exactly one SAP order, one delivery and one billing document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ORDER_TO_CASH } from '../../src/flows/order-to-cash/order-to-cash-flow.ts'
import type { RunRecord } from '../../src/store/store-contract.ts'
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

const ORDERS = 40
const PLAN: SapPlan = {
  creditBlocked: [3],
  creditLimit: [],
  warehouseRefuses: [11],
  backordered: [29],
}

const pgUrl = await postgresForTests('order to cash on SAP with lost answers')
let s: SapOrderToCashBench

beforeAll(async () => {
  s = await startSapOrderToCashBench(pgUrl, 65)
}, 90_000)
afterAll(async () => {
  await s?.stop()
})

const runsIn = (state: RunRecord['state']): Promise<RunRecord[]> =>
  s.bench.store.runList({ tenantId: s.bench.tenantId, flowName: ORDER_TO_CASH, state, limit: 1000 })

describe('order to cash on SAP with lost answers', () => {
  it('creates, delivers and bills each order once although a quarter of the writes lose their answer', async () => {
    const held = await creditCustomers(s, PLAN)
    s.sap.setScenario({
      seed: 65,
      faults: { commitThenDrop: 0.15, resetBeforeHeaders: 0.05, http5xx: 0.05 },
    })
    const byN = await placeOrders(s, PLAN, ORDERS, held)
    await until(
      'the orders to finish or wait on a person',
      async () => {
        const open = await s.bench.store.approvalList({
          tenantId: s.bench.tenantId,
          state: 'open',
          limit: 100,
        })
        for (const task of open) {
          await s.bench.engine.decideApproval({
            taskId: task.id,
            decision: 'approved',
            reason: 'seen',
            by: 'desk@example.com',
            audit: { actor: 'desk@example.com', interactionId: null },
          })
        }
        return (await runsIn('completed')).length === ORDERS
      },
      90_000,
    )
    s.sap.setScenario({})
    const faults = s.sap.ledger().faultsInjected
    // Enough lost answers that creates, goods issues and billing requests all met some.
    expect(faults.commitThenDrop).toBeGreaterThanOrEqual(10)
    expect(faults.resetBeforeHeaders + faults.http5xx).toBeGreaterThanOrEqual(5)
    const lostRequests = s.sap
      .requests()
      .filter((r) => r.fault === 'commitThenDrop')
      .map((r) => r.path.split('?')[0]?.split('/').pop()?.replace(/\(.*$/, ''))
    console.info('SAP answers lost by request:', lostRequests.join(', '))
    const outputs = new Map(
      (await runsIn('completed')).map((r) => [r.businessKey, r.output as Record<string, unknown>]),
    )
    expectSystemsAgree(s, PLAN, byN, outputs)
    expect(await runsIn('dead')).toEqual([])
  }, 150_000)
})
