/** @module test/sandbox/netsuite-faults.test — every scripted fault kind, the concurrency cap, Retry-After violations and seed determinism, over real sockets. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  FaultScript,
  NO_FAULTS,
  parseScenario,
  FAULT_KINDS,
} from '../../src/sandbox/kit/fault-script.ts'
import type { Scenario } from '../../src/sandbox/kit/fault-script.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { netsuiteClient, nsErrorCode } from './sandbox-test-kit.ts'
import type { NetSuiteClient, NetSuiteErrorBody } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
let sim: NetSuiteSimulator
let ns: NetSuiteClient

beforeAll(async () => {
  sim = createNetSuiteSimulator({ seed: 7 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  ns = await netsuiteClient(sim)
})

const upsert = (eid: string, init: Record<string, string> = {}) =>
  ns.call('PUT', `${R}/customer/eid:${eid}`, { companyName: `Co ${eid}` }, init)
const effectOf = (eid: string) => sim.ledger().effects.find((e) => e.businessKey === eid)
const postScenario = (body: unknown) =>
  fetch(`${sim.scenarioUrl}/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('NetSuite fault injection', () => {
  it('commit-then-drop: the client sees a socket error, yet the record exists', async () => {
    expect((await postScenario({ faults: { commitThenDrop: 1 } })).status).toBe(200)
    await expect(upsert('DROP-1')).rejects.toThrow()
    expect(sim.records.get('customer', 'eid:DROP-1')).toBeDefined()
    expect((await ns.call('GET', `${R}/customer/eid:DROP-1`)).status).toBe(200)
    expect(effectOf('DROP-1')).toMatchObject({ creates: 1, writes: 1 })
    const logged = sim.requests().find((r) => r.method === 'PUT')
    expect(logged).toMatchObject({
      fault: 'commitThenDrop',
      outcome: 'dropped',
      status: null,
      businessKey: 'DROP-1',
    })
    expect(sim.ledger().faultsInjected.commitThenDrop).toBe(1)
  })

  it('reset-before-headers: a socket error and no effect', async () => {
    sim.setScenario({ faults: { resetBeforeHeaders: 1 } })
    await expect(upsert('RST-1')).rejects.toThrow()
    expect(sim.records.get('customer', 'eid:RST-1')).toBeUndefined()
    expect(effectOf('RST-1')).toBeUndefined()
  })

  it('timeout with commit: the client gives up, the record exists anyway', async () => {
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 2000, commit: true } })
    const started = Date.now()
    await expect(
      fetch(`${sim.baseUrl}${R}/customer/eid:SLOW-2`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ns.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ companyName: 'Slow' }),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1500)
    expect(sim.records.get('customer', 'eid:SLOW-2')).toBeDefined()
    expect(effectOf('SLOW-2')).toMatchObject({ creates: 1 })
  })

  it('timeout without commit: a late 504 and no effect', async () => {
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 200, commit: false } })
    const response = await upsert('SLOW-3')
    expect(response.status).toBe(504)
    expect(sim.records.get('customer', 'eid:SLOW-3')).toBeUndefined()
  })

  it('http5xx: the configured status, from the app or the edge, without effect', async () => {
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [503] })
    const edge = await upsert('E-1')
    expect(edge.status).toBe(503)
    expect(edge.headers.get('content-type')).toContain('text/html')
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [500] })
    const app = await upsert('E-1')
    expect(app.status).toBe(500)
    expect(await nsErrorCode(app)).toBe('UNEXPECTED_ERROR')
    expect(sim.records.get('customer', 'eid:E-1')).toBeUndefined()
  })

  it('429 carries Retry-After, and calling early is recorded as a violation', async () => {
    sim.setScenario({ faults: { rateLimit: 1 }, retryAfterSeconds: { min: 3, max: 3 } })
    const limited = await upsert('RA-1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3')
    expect(((await limited.json()) as NetSuiteErrorBody).status).toBe(429)
    expect(sim.ledger().retryAfterViolations).toEqual([])
    await upsert('RA-1')
    await upsert('RA-OTHER')
    const violations = sim.ledger().retryAfterViolations
    expect(violations).toHaveLength(1)
    expect(violations[0]).toMatchObject({
      recordType: 'customer',
      businessKey: 'RA-1',
      method: 'PUT',
    })
    expect(violations[0]?.earlyByMs).toBeGreaterThan(2000)
    expect(sim.requests().filter((r) => r.retryAfterViolation)).toHaveLength(1)
  })

  it('NetSuite-style 400 SSS_REQUEST_LIMIT_EXCEEDED', async () => {
    sim.setScenario({ faults: { requestLimit: 1 } })
    const response = await upsert('RL-1')
    expect(response.status).toBe(400)
    expect(await nsErrorCode(response)).toBe('SSS_REQUEST_LIMIT_EXCEEDED')
  })

  it('malformed 200: garbage instead of JSON, effect applied', async () => {
    sim.setScenario({ faults: { malformed: 1 } })
    const response = await upsert('MAL-1')
    expect(response.status).toBe(200)
    await expect(response.json()).rejects.toThrow()
    expect(sim.records.get('customer', 'eid:MAL-1')).toBeDefined()
  })

  it('leaves reads alone by default, so tests can observe state during a fault storm', async () => {
    sim.setScenario({ faults: { http5xx: 1 } })
    expect((await ns.call('GET', `${R}/inventoryItem/eid:SKU-1`)).status).toBe(200)
  })

  it('refuses a scenario it cannot honour, over HTTP', async () => {
    const response = await postScenario({ faults: { http5xx: 0.7, timeout: 0.7 } })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toContain('above 1')
  })
})

describe('NetSuite concurrency limit', () => {
  it('answers 429 CONCURRENCY_LIMIT_EXCEEDED without Retry-After beyond the cap, and measures the peak', async () => {
    sim.setScenario({ concurrencyLimit: 2, latencyMs: { min: 300, max: 300 } })
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => ns.call('GET', `${R}/inventoryItem/eid:SKU-1`)),
    )
    const statuses = responses.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 200, 429, 429, 429])
    const refused = responses.find((r) => r.status === 429)
    expect(refused?.headers.get('retry-after')).toBeNull()
    expect(await nsErrorCode(refused)).toBe('CONCURRENCY_LIMIT_EXCEEDED')
    const { concurrency } = sim.ledger()
    expect(concurrency).toMatchObject({ limit: 2, rejected: 3, current: 0 })
    // Refused requests count while in flight too: at least the two admitted plus one refused overlapped.
    expect(concurrency.max).toBeGreaterThanOrEqual(3)
  })
})

describe('NetSuite concurrency measurement', () => {
  it("does not count a request whose caller timed out against the caller's next request", async () => {
    sim.setScenario({ latencyMs: { min: 200, max: 200 } })
    // Each call times out on the client, which then sends the next one at once.
    for (let i = 0; i < 30; i++) {
      await fetch(`${sim.baseUrl}${R}/inventoryItem/eid:SKU-2`, {
        headers: { authorization: `Bearer ${ns.token}` },
        signal: AbortSignal.timeout(20),
      }).catch(() => undefined)
    }
    expect(sim.ledger().concurrency).toMatchObject({ max: 1, rejected: 0 })
  })
})

describe('NetSuite idempotency modes', () => {
  it('naive: a retried create after a dropped answer meets DUP_RCRD', async () => {
    sim.setScenario({ sequence: ['commitThenDrop'] })
    const body = { externalId: 'IK-1', companyName: 'Once' }
    await expect(ns.call('POST', `${R}/customer`, body)).rejects.toThrow()
    const retry = await ns.call('POST', `${R}/customer`, body)
    expect(retry.status).toBe(400)
    expect(await nsErrorCode(retry)).toBe('DUP_RCRD')
  })

  it('honour: the same idempotency key replays the stored answer and applies nothing', async () => {
    sim.setScenario({ sequence: ['commitThenDrop'], idempotency: 'honour' })
    const key = { 'x-netsuite-idempotency-key': 'k-1' }
    const body = { externalId: 'IK-2', companyName: 'Once' }
    await expect(ns.call('POST', `${R}/customer`, body, key)).rejects.toThrow()
    const replay = await ns.call('POST', `${R}/customer`, body, key)
    expect(replay.status).toBe(204)
    expect(replay.headers.get('location')).toContain(
      `/customer/${sim.records.get('customer', 'eid:IK-2')?.id}`,
    )
    expect(effectOf('IK-2')).toMatchObject({ creates: 1, writes: 1, replays: 1 })
    const mismatch = await ns.call('POST', `${R}/customer`, { ...body, companyName: 'Other' }, key)
    expect(mismatch.status).toBe(400)
    expect(await nsErrorCode(mismatch)).toBe('IDEMPOTENCY_ERROR')
  })

  it('honour: a refusal is not kept, so the same key succeeds once the data is fixed', async () => {
    sim.setScenario({ idempotency: 'honour' })
    const key = { 'x-netsuite-idempotency-key': 'k-2' }
    const order = { entity: { externalId: 'C-FIX' }, item: { items: [] } }
    const refused = await ns.call('PUT', `${R}/salesOrder/eid:SO-FIX`, order, key)
    expect(refused.status).toBe(400)
    sim.records.put('customer', { externalId: 'C-FIX', companyName: 'Fixed' })
    const line = { item: { externalId: 'SKU-1' }, quantity: 1 }
    const body = { ...order, item: { items: [line] } }
    // A different body under the same key would be a mismatch if the refusal had been kept.
    const applied = await ns.call('PUT', `${R}/salesOrder/eid:SO-FIX`, body, key)
    expect(applied.status).toBe(204)
    expect(effectOf('SO-FIX')).toMatchObject({ creates: 1, writes: 1, replays: 0 })
  })
})

describe('seeded fault scripts', () => {
  const base: Scenario = {
    seed: 1,
    faults: NO_FAULTS,
    sequence: [],
    statuses: [500, 502, 503],
    retryAfterSeconds: { min: 1, max: 5 },
    latencyMs: { min: 0, max: 0 },
    timeout: { delayMs: 1000, commit: true },
    malformedCommits: true,
    concurrencyLimit: 5,
    idempotency: 'naive',
    faultMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  }
  const caps = { faults: FAULT_KINDS, concurrencyLimit: true, idempotency: true }
  const sequenceFor = (seed: number): string[] => {
    const parsed = parseScenario(
      { seed, faults: { http5xx: 0.2, rateLimit: 0.1, commitThenDrop: 0.1, malformed: 0.05 } },
      base,
      caps,
    )
    if (!parsed.ok) throw new Error(parsed.error)
    const script = new FaultScript(parsed.scenario)
    return Array.from({ length: 200 }, () => JSON.stringify(script.decide()))
  }

  it('gives the same decisions for the same seed and different ones for another seed', () => {
    expect(sequenceFor(1234)).toEqual(sequenceFor(1234))
    expect(sequenceFor(1234)).not.toEqual(sequenceFor(4321))
    expect(new Set(sequenceFor(1234).map((d) => JSON.parse(d).kind)).size).toBeGreaterThan(3)
  })

  it('replays the same fault sequence over HTTP after a reset with the same seed', async () => {
    const run = async (): Promise<string[]> => {
      sim.reset()
      ns = await netsuiteClient(sim)
      sim.setScenario({ seed: 99, faults: { http5xx: 0.3, rateLimit: 0.2, requestLimit: 0.1 } })
      for (let i = 0; i < 25; i++) await upsert(`DET-${i}`)
      return sim
        .requests()
        .filter((r) => r.method === 'PUT')
        .map((r) => `${r.fault}:${r.status}`)
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(sim.scenario()).toMatchObject({ seed: 99, decided: 25 })
    expect(sim.ledger().seed).toBe(99)
  })
})
