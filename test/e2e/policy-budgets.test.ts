/**
 * @module test/e2e/policy-budgets.test — the order-lifecycle policy's ERP budget at run time: real
 * orders through the hub never have more calls in flight at the NetSuite simulator than the
 * domain's budget, below the account's own limit, as the simulator measures them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, waitFor, type Harness } from '../support/hub-harness.ts'

describe('governor budgets', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({
      // Slow enough answers that a backlog of orders overlaps at the ERP.
      sandbox: { netsuite: { scenario: { latencyMs: { min: 30, max: 60 } } } },
      config: { policies: { orderLifecycle: { budgets: { erp: { concurrency: 2 } } } } },
    })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it("caps the order domain's calls to NetSuite at its budget, under the account's limit", async () => {
    const target = `netsuite:${h.sandbox.netsuite.accountId}`
    // The account allows 5 at once (read from NetSuite at start); the domain may use 2 of them,
    // with no rate cap of its own although other domains' ERP budgets have one.
    expect(h.hub.engine.gates.governor(target).limit).toBe(5)
    expect(h.hub.engine.gates.budgets.limits(target, 'orderLifecycle')).toEqual({ concurrency: 2 })
    expect(h.hub.engine.gates.budgets.limits(target, 'customerMaster')).toEqual({
      concurrency: 4,
      rate: { perSecond: 5, burst: 1 },
    })

    const { orderIds } = h.sandbox.shopify.generateOrders({ count: 20 })
    const salesOrders = (): number =>
      h.sandbox.netsuite
        .ledger()
        .effects.filter(
          (e) =>
            e.recordType === 'salesOrder' &&
            orderIds.some((id) => e.businessKey === `SHOPIFY-O-${id}`),
        ).length
    expect(await waitFor(() => salesOrders() === 20, 30_000)).toBe(true)
    const { concurrency } = h.sandbox.netsuite.ledger()
    expect(concurrency.limit).toBe(5)
    expect(concurrency.rejected).toBe(0)
    // Reached, never exceeded: the budget, not the account, is what held the calls back.
    expect(concurrency.max).toBe(2)
  })
})
