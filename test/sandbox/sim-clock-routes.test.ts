/** @module test/sandbox/sim-clock-routes.test — the NetSuite and Shopify simulators' clocks, moved over `/__sim/clock`: token lifetimes and timestamps follow them, reset puts them back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { netsuiteClient } from './sandbox-test-kit.ts'

const HOUR = 3_600_000
const moveClock = (scenarioUrl: string, body: unknown) =>
  fetch(`${scenarioUrl}/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('NetSuite /__sim/clock', () => {
  const sim = createNetSuiteSimulator({ seed: 41, tokenTtlSeconds: 3600 })
  beforeAll(() => sim.start())
  afterAll(() => sim.stop())

  it('expires an OAuth 2.0 token when an hour passes, and reset puts the clock back', async () => {
    const ns = await netsuiteClient(sim)
    const read = () => ns.call('GET', '/services/rest/system/v1/governanceLimits')
    expect((await read()).status).toBe(200)

    const moved = await moveClock(sim.scenarioUrl, { advanceMs: HOUR + 1_000 })
    expect(moved.status).toBe(200)
    const view = (await moved.json()) as { offsetMs: number; epochMs: number; now: string }
    expect(view.offsetMs).toBe(HOUR + 1_000)
    expect(Date.parse(view.now)).toBe(view.epochMs)
    expect((await read()).status).toBe(401)

    sim.reset()
    expect(sim.clock().offsetMs).toBe(0)
    expect(await (await fetch(`${sim.scenarioUrl}/clock`)).json()).toMatchObject({ offsetMs: 0 })
  })

  it('says what to send for a bad move and refuses to go back in time', async () => {
    const bad = await moveClock(sim.scenarioUrl, { advanceMs: -5 })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toContain('advanceMs')
    const past = await moveClock(sim.scenarioUrl, { to: '2001-01-01T00:00:00Z' })
    expect(past.status).toBe(400)
    expect(sim.clock().offsetMs).toBe(0)
    const routes = await (await fetch(sim.scenarioUrl)).json()
    expect(JSON.stringify(routes)).toContain('/__sim/clock')
  })
})

describe('Shopify /__sim/clock', () => {
  const sim = createShopifySimulator({ seed: 42 })
  beforeAll(() => sim.start())
  afterAll(() => sim.stop())

  it('stamps orders made after a jump with the shop’s new time', async () => {
    const target = Date.now() + 48 * HOUR
    const moved = await moveClock(sim.scenarioUrl, { to: new Date(target).toISOString() })
    expect(moved.status).toBe(200)
    const [id] = sim.generateOrders({ count: 1 }).orderIds
    const order = JSON.parse(sim.orderJson(id ?? '') ?? '{}') as { created_at: string }
    expect(Date.parse(order.created_at)).toBeGreaterThanOrEqual(target - 1_000)
    expect(sim.advanceClock(HOUR).offsetMs).toBeGreaterThan(48 * HOUR)
    sim.reset()
    expect(sim.clock().offsetMs).toBe(0)
  })
})
