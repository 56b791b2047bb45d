/** @module test/sandbox/threepl-faults.test — the 3PL's throttling and scripted faults over real sockets: 429 with Retry-After, commit-then-drop resolved by a read by business key, timeouts, 5xx, garbage, the concurrency cap, determinism, reset. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { apiClient, orderBody, simPost, startThreePl } from './threepl-test-kit.ts'
import type { ApiClient } from './threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
let sim: ThreePlSimulator
let api: ApiClient

beforeAll(async () => {
  sim = await startThreePl({ seed: 7 }, cleanups)
})
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
beforeEach(() => {
  sim.reset()
  api = apiClient(sim)
})

const create = (reference: string, headers: Record<string, string> = {}) =>
  api.call('POST', '/v1/fulfillment_orders', orderBody(reference), headers)
const effectOf = (reference: string) =>
  sim
    .ledger()
    .effects.find((e) => e.recordType === 'fulfillment_order' && e.businessKey === reference)
const readByReference = async (reference: string) =>
  (
    (await (
      await api.call('GET', `/v1/fulfillment_orders?external_reference=${reference}`)
    ).json()) as {
      data: { id: string }[]
    }
  ).data

describe('3PL rate limit', () => {
  it('answers 429 with Retry-After once the bucket is empty, and counts a caller that comes back early', async () => {
    const frozen = Date.now()
    const limited = await startThreePl(
      { rateLimit: { burst: 3, perSecond: 0.5 }, now: () => frozen },
      cleanups,
    )
    const client = apiClient(limited)
    const first = await client.call('GET', '/v1/inventory?sku=SKU-1')
    expect(first.headers.get('x-ratelimit-limit')).toBe('3')
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2')
    await client.call('GET', '/v1/inventory?sku=SKU-1')
    await client.call('GET', '/v1/inventory?sku=SKU-1')
    const refused = await client.call('GET', '/v1/inventory?sku=SKU-1')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('2')
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(await refused.json()).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limited' },
    })
    // Back before the two seconds are up: refused again, and recorded as a violation.
    expect((await client.call('GET', '/v1/inventory')).status).toBe(429)
    expect(limited.ledger().retryAfterViolations).toEqual([
      expect.objectContaining({ recordType: 'account', businessKey: 'syncline-sandbox-3pl' }),
    ])
    await simPost(limited, '/clock', { advanceMs: 2000 })
    expect((await client.call('GET', '/v1/inventory')).status).toBe(200)
    expect(limited.ledger().retryAfterViolations).toHaveLength(1)
  })

  it('a scripted 429 carries Retry-After and applies nothing', async () => {
    sim.setScenario({ faults: { rateLimit: 1 }, retryAfterSeconds: { min: 4, max: 4 } })
    const refused = await create('RL-1')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('4')
    expect(sim.order('RL-1')).toBeUndefined()
    await create('RL-1')
    expect(sim.ledger().retryAfterViolations).toEqual([
      expect.objectContaining({
        recordType: 'fulfillment_order',
        businessKey: 'RL-1',
        method: 'POST',
      }),
    ])
  })
})

describe('3PL unknown outcomes', () => {
  it('commit-then-drop: the socket dies, the order exists, a read by reference finds it, a retry makes no second', async () => {
    sim.setScenario({ sequence: ['commitThenDrop'], idempotency: 'naive' })
    await expect(create('U-1')).rejects.toThrow()
    const [found] = await readByReference('U-1')
    expect(found?.id).toMatch(/^fo_/)
    const retry = await create('U-1')
    expect(retry.status).toBe(409)
    expect(await retry.json()).toMatchObject({ error: { existing_id: found?.id } })
    expect(effectOf('U-1')).toMatchObject({ creates: 1, writes: 1 })
    expect(sim.requests().find((r) => r.method === 'POST')).toMatchObject({
      fault: 'commitThenDrop',
      outcome: 'dropped',
      businessKey: 'U-1',
    })
  })

  it('commit-then-drop with an Idempotency-Key: the retry gets the original 201 replayed', async () => {
    sim.setScenario({ sequence: ['commitThenDrop'] })
    const key = { 'idempotency-key': 'k-U-2' }
    await expect(create('U-2', key)).rejects.toThrow()
    const replay = await create('U-2', key)
    expect(replay.status).toBe(201)
    expect(((await replay.json()) as { external_reference: string }).external_reference).toBe('U-2')
    expect(effectOf('U-2')).toMatchObject({ creates: 1, replays: 1 })
  })

  it('timeout with commit: the caller gives up, the order exists anyway', async () => {
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 2000, commit: true } })
    const started = Date.now()
    await expect(
      fetch(`${sim.baseUrl}/v1/fulfillment_orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(orderBody('U-3')),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1500)
    expect(await readByReference('U-3')).toHaveLength(1)
  })

  it('reset before headers: a socket error and no order', async () => {
    sim.setScenario({ faults: { resetBeforeHeaders: 1 } })
    await expect(create('U-4')).rejects.toThrow()
    expect(await readByReference('U-4')).toEqual([])
    expect(effectOf('U-4')).toBeUndefined()
  })

  it('5xx: a JSON 500 from the API or an HTML 503 from the edge, without effect', async () => {
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [503] })
    const edge = await create('U-5')
    expect(edge.status).toBe(503)
    expect(edge.headers.get('content-type')).toContain('text/html')
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [500] })
    const app = await create('U-5')
    expect(app.status).toBe(500)
    expect(await app.json()).toMatchObject({ error: { type: 'api_error' } })
    expect(sim.order('U-5')).toBeUndefined()
  })

  it('malformed 200: garbage instead of JSON, the order created', async () => {
    sim.setScenario({ faults: { malformed: 1 } })
    const response = await create('U-6')
    expect(response.status).toBe(200)
    await expect(response.json()).rejects.toThrow()
    expect(sim.order('U-6')).toMatchObject({ status: expect.any(String) })
  })

  it('leaves reads alone by default, so tests can observe state during a fault storm', async () => {
    sim.setScenario({ faults: { http5xx: 1 } })
    expect((await api.call('GET', '/v1/inventory?sku=SKU-1')).status).toBe(200)
  })
})

describe('3PL concurrency cap and scenarios', () => {
  it('answers 429 concurrency_limit_exceeded beyond the cap the scenario sets', async () => {
    sim.setScenario({ concurrencyLimit: 2, latencyMs: { min: 300, max: 300 } })
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api.call('GET', '/v1/inventory?sku=SKU-1')),
    )
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429])
    const refused = responses.find((r) => r.status === 429)
    expect(await refused?.json()).toMatchObject({ error: { code: 'concurrency_limit_exceeded' } })
    expect(sim.ledger().concurrency).toMatchObject({ limit: 2, rejected: 3 })
  })

  it('refuses a fault this vendor never produces', async () => {
    const response = await simPost(sim, '/scenario', { faults: { requestLimit: 1 } })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: expect.stringContaining('requestLimit') })
  })

  it('replays the same fault sequence after a reset with the same seed', async () => {
    const run = async (): Promise<string[]> => {
      sim.reset()
      api = apiClient(sim)
      sim.setScenario({ seed: 99, faults: { http5xx: 0.3, rateLimit: 0.2, malformed: 0.1 } })
      for (let i = 0; i < 20; i++) await create(`DET-${i}`)
      return sim
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => `${r.fault}:${r.status}`)
    }
    const first = await run()
    expect(new Set(first).size).toBeGreaterThan(2)
    expect(await run()).toEqual(first)
    expect(sim.scenario()).toMatchObject({ seed: 99, decided: 20 })
  })

  it('reset brings orders, stock, ledger, log and scenario back to the start', async () => {
    await create('R-1')
    sim.adjustInventory({ sku: 'SKU-1', warehouse: 'WH-EAST', reason: 'damage', quantity: 10 })
    sim.setScenario({ faults: { http5xx: 0.5 } })
    const response = await simPost(sim, '/reset')
    expect(response.status).toBe(200)
    expect(sim.orders()).toEqual([])
    expect(sim.inventory().find((r) => r.sku === 'SKU-1')).toMatchObject({
      on_hand: 125,
      allocated: 0,
    })
    expect(sim.ledger().totals.writes).toBe(0)
    expect(sim.requests()).toEqual([])
    expect(sim.scenario().faults.http5xx).toBe(0)
    expect(sim.events()).toEqual([])
  })

  it('describes its routes on GET /__sim', async () => {
    const described = (await (await fetch(sim.scenarioUrl)).json()) as {
      simulator: string
      vendorRoutes: { path: string }[]
      simRoutes: { path: string }[]
    }
    expect(described.simulator).toBe('threepl')
    expect(described.vendorRoutes.map((r) => r.path)).toContain('/v1/fulfillment_orders')
    expect(described.simRoutes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/__sim/clock', '/__sim/webhooks/deliveries?state=&type=&endpoint=']),
    )
  })
})
