/** @module test/sandbox/salesforce-faults.test — the Salesforce simulator's scripted faults, its daily API allocation and its long-running concurrency cap, over real sockets. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { DATA, pulledEvents, salesforceClient, sfErrorOf, simCall } from './salesforce-test-kit.ts'
import type { SalesforceClient } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator
let sf: SalesforceClient

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 17 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sf = await salesforceClient(sim)
})

const upsert = (key: string) =>
  sf.call('PATCH', `${DATA}/sobjects/Account/External_Id__c/${key}`, { Name: `Co ${key}` })
const effectOf = (key: string) => sim.ledger().effects.find((e) => e.businessKey === key)
const stored = (key: string) => sim.records.byExternalId('Account', 'External_Id__c', key)

describe('Salesforce fault injection', () => {
  it('commit-then-drop: a socket error, yet the row exists and its change event was published', async () => {
    sim.setScenario({ faults: { commitThenDrop: 1 } })
    await expect(upsert('DROP-1')).rejects.toThrow()
    expect(stored('DROP-1')).toHaveLength(1)
    expect(effectOf('DROP-1')).toMatchObject({ creates: 1, writes: 1 })
    expect(await pulledEvents(sim)).toHaveLength(1)
    expect(sim.requests().find((r) => r.method === 'PATCH')).toMatchObject({
      fault: 'commitThenDrop',
      outcome: 'dropped',
      businessKey: 'DROP-1',
    })
    // Read-before-retry finds it, and the retried upsert is an update, not a duplicate.
    sim.setScenario({})
    expect((await upsert('DROP-1')).status).toBe(200)
    expect(effectOf('DROP-1')).toMatchObject({ creates: 1, updates: 1 })
  })

  it('reset-before-headers: a socket error and no effect', async () => {
    sim.setScenario({ faults: { resetBeforeHeaders: 1 } })
    await expect(upsert('RST-1')).rejects.toThrow()
    expect(stored('RST-1')).toEqual([])
    expect(await pulledEvents(sim)).toEqual([])
  })

  it('timeout with commit: the caller gives up, the row exists; without commit: a late 504', async () => {
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 2000, commit: true } })
    await expect(
      fetch(`${sim.baseUrl}${DATA}/sobjects/Account/External_Id__c/SLOW-1`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${sf.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ Name: 'Slow' }),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow()
    expect(stored('SLOW-1')).toHaveLength(1)
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 100, commit: false } })
    const late = await upsert('SLOW-2')
    expect(late.status).toBe(504)
    expect(late.headers.get('content-type')).toContain('text/html')
    expect(stored('SLOW-2')).toEqual([])
  })

  it('5xx: UNKNOWN_EXCEPTION (500), SERVER_UNAVAILABLE (503), an HTML 502; no effect', async () => {
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [500] })
    const app = await upsert('E-1')
    expect(app.status).toBe(500)
    expect((await sfErrorOf(app)).errorCode).toBe('UNKNOWN_EXCEPTION')
    expect(app.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/)
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [503] })
    const down = await upsert('E-1')
    expect(down.status).toBe(503)
    expect((await sfErrorOf(down)).errorCode).toBe('SERVER_UNAVAILABLE')
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [502] })
    const edge = await upsert('E-1')
    expect(edge.status).toBe(502)
    expect(edge.headers.get('content-type')).toContain('text/html')
    expect(stored('E-1')).toEqual([])
  })

  it('request limit: 403 REQUEST_LIMIT_EXCEEDED', async () => {
    sim.setScenario({ faults: { requestLimit: 1 } })
    const response = await upsert('RL-1')
    expect(response.status).toBe(403)
    expect(await sfErrorOf(response)).toEqual({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    })
  })

  it('malformed: a truncated JSON body after the effect was applied', async () => {
    sim.setScenario({ faults: { malformed: 1 } })
    const response = await upsert('MAL-1')
    await expect(response.json()).rejects.toThrow()
    expect(stored('MAL-1')).toHaveLength(1)
  })

  it('refuses a 429 scenario (Salesforce throttles with 403) and leaves reads alone by default', async () => {
    const refused = await simCall(sim, 'POST', '/scenario', { faults: { rateLimit: 0.5 } })
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { error: string }).error).toContain(
      'cannot produce: rateLimit',
    )
    sim.setScenario({ faults: { http5xx: 1 } })
    expect((await sf.call('GET', `${DATA}/limits`)).status).toBe(200)
  })

  it('replays the same fault sequence for the same seed', async () => {
    const run = async (): Promise<string[]> => {
      sim.reset()
      sim.setScenario({ seed: 99, faults: { http5xx: 0.3, requestLimit: 0.2 } })
      for (let i = 0; i < 20; i++) await upsert(`DET-${i}`)
      return sim
        .requests()
        .filter((r) => r.method === 'PATCH')
        .map((r) => `${r.fault}:${r.status}`)
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(new Set(first).size).toBeGreaterThan(1)
  })
})

describe('daily API allocation', () => {
  it('reports usage in Sforce-Limit-Info and refuses calls past the allocation with 403', async () => {
    const set = await simCall(sim, 'POST', '/limits', { dailyApiRequests: 5, used: 3 })
    expect(await set.json()).toMatchObject({
      dailyApiRequests: 5,
      used: 3,
      header: 'api-usage=3/5',
    })
    const fourth = await sf.call('GET', `${DATA}/limits`)
    expect(fourth.headers.get('sforce-limit-info')).toBe('api-usage=4/5')
    expect(await fourth.json()).toEqual({ DailyApiRequests: { Max: 5, Remaining: 1 } })
    expect((await upsert('L-1')).status).toBe(201)
    const refused = await upsert('L-2')
    expect(refused.status).toBe(403)
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=5/5')
    expect(await sfErrorOf(refused)).toEqual({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    })
    expect(stored('L-2')).toEqual([])
    // The window rolls: a day later the calls have aged out (and the session too).
    sim.clock.advance(24 * 3_600_000 + 60_000)
    sf = await salesforceClient(sim)
    expect((await upsert('L-2')).status).toBe(201)
  })
})

describe('concurrent long-running requests', () => {
  it('refuses with 403 once the cap of requests running past the threshold is reached', async () => {
    const slow = createSalesforceSimulator({ seed: 1, longRunningMs: 100, concurrencyLimit: 2 })
    await slow.start()
    try {
      slow.setScenario({ latencyMs: { min: 1200, max: 1200 } })
      const client = await salesforceClient(slow)
      const call = () => client.call('GET', `${DATA}/limits`)
      const running = [call(), call()]
      await new Promise((resolve) => setTimeout(resolve, 500))
      const refused = await call()
      expect(refused.status).toBe(403)
      expect(await sfErrorOf(refused)).toEqual({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.',
      })
      expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200])
      expect(slow.ledger().concurrency).toMatchObject({ limit: 2, rejected: 1 })
      // Short requests never count: with the slow ones done, calls pass again.
      slow.setScenario({})
      expect((await call()).status).toBe(200)
    } finally {
      await slow.stop()
    }
  })
})
