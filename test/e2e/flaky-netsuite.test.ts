/**
 * Done-when 4 of the spine: NetSuite failing 30% of its writes (500, 429 with Retry-After,
 * timeouts that commit, commit-then-drop) while 2,000 orders flow. Every order ends as exactly one
 * sales order, no call comes before its Retry-After, and concurrency never exceeds the governor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresForTests } from '../support/postgres-availability.ts'
import { startHarness, waitFor, type Harness } from '../support/hub-harness.ts'

const ORDERS = 2_000
const GOVERNOR = 5
const url = await postgresForTests('flaky NetSuite on PostgreSQL')

describe.runIf(url)('2,000 orders through a NetSuite failing 30% of writes', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({
      databaseUrl: url,
      netsuiteTimeoutMs: 600,
      sandbox: {
        netsuite: {
          concurrencyLimit: GOVERNOR,
          scenario: {
            seed: 20_261_127,
            faults: { http5xx: 0.075, rateLimit: 0.075, timeout: 0.075, commitThenDrop: 0.075 },
            retryAfterSeconds: { min: 1, max: 2 },
            timeout: { delayMs: 900, commit: true },
          },
        },
      },
      config: {
        engine: {
          leaseMs: 10_000,
          heartbeatMs: 2_000,
          idlePollMs: 50,
          concurrency: 64,
          retry: { baseDelayMs: 100, maxDelayMs: 3_000, maxAttempts: 30 },
        },
      },
    })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('delivers every order exactly once, honours Retry-After and the governor', async () => {
    const { orderIds } = h.sandbox.shopify.generateOrders({
      count: ORDERS,
      ratePerSecond: 200,
      customers: 400,
    })
    const expected = new Set(orderIds.map((id) => `SHOPIFY-O-${id}`))
    const delivered = await waitFor(
      () => {
        const done = h.sandbox.netsuite
          .ledger()
          .effects.filter((e) => e.recordType === 'salesOrder' && expected.has(e.businessKey))
        return done.length === ORDERS
      },
      240_000,
      500,
    )
    const ledger = h.sandbox.netsuite.ledger()
    const orders = ledger.effects.filter(
      (e) => e.recordType === 'salesOrder' && expected.has(e.businessKey),
    )
    expect(delivered, `${orders.length} of ${ORDERS} sales orders delivered`).toBe(true)
    // Exactly one sales order per Shopify order.
    expect(orders.filter((e) => e.creates !== 1)).toEqual([])
    expect(h.sandbox.netsuite.records.list('salesOrder').length).toBe(ORDERS)
    // Every fault kind was really injected.
    expect(ledger.faultsInjected.http5xx).toBeGreaterThan(50)
    expect(ledger.faultsInjected.rateLimit).toBeGreaterThan(50)
    expect(ledger.faultsInjected.timeout).toBeGreaterThan(50)
    expect(ledger.faultsInjected.commitThenDrop).toBeGreaterThan(50)
    // No call about a key before the Retry-After the target gave for it.
    expect(ledger.retryAfterViolations).toEqual([])
    // Never more calls in flight than the governor allows.
    expect(ledger.concurrency.max).toBeLessThanOrEqual(GOVERNOR)
    expect(ledger.concurrency.rejected).toBe(0)
    // The hub agrees: every run completed, none dead, nothing in doubt left. A run whose last
    // write landed but whose answer was lost is still resolving its doubt by a read: wait for it.
    type Stats = { runsByState: Record<string, number>; stepsInDoubt: number }
    let stats: Stats = { runsByState: {}, stepsInDoubt: -1 }
    await waitFor(
      async () => {
        stats = (await (await fetch(`${h.hub.url}/api/v1/stats`)).json()) as Stats
        return stats.runsByState.completed === ORDERS
      },
      60_000,
      250,
    )
    expect(stats.runsByState).toMatchObject({
      completed: ORDERS,
      dead: 0,
      pending: 0,
      retrying: 0,
      running: 0,
    })
    expect(stats.stepsInDoubt).toBe(0)
  }, 300_000)
})
