/** @module test/sandbox/sap-faults.test — scripted faults as SAP and its edge produce them: 429/503 with Retry-After, 500, commit-then-reset with query-before-retry, timeouts, garbage, and seeds. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { basicOf, errorOf, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

let sim: SapSimulator
let sap: SapClient

beforeAll(async () => {
  sim = createSapSimulator({ seed: 21 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sap = await sapClient(sim)
})

const create = (po: string) => sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody(po))
const ordersFor = async (po: string) =>
  (
    await sap.read<{ results: { SalesOrder: string }[] }>(
      `${SO_PATH}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '${po}'`,
    )
  ).results
const effectOf = (po: string) => sim.ledger().effects.find((e) => e.businessKey === po)
const postScenario = (body: unknown) =>
  fetch(`${sim.scenarioUrl}/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('SAP fault injection', () => {
  it('throttles with 429 + Retry-After and records a caller that comes back early', async () => {
    expect(
      (await postScenario({ faults: { rateLimit: 1 }, retryAfterSeconds: { min: 4, max: 4 } }))
        .status,
    ).toBe(200)
    const limited = await create('RA-1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('4')
    expect((await errorOf(limited)).message.value).toContain('Retry after 4 seconds')
    expect(await ordersFor('RA-1')).toEqual([])
    await create('RA-1')
    const [violation] = sim.ledger().retryAfterViolations
    expect(violation).toMatchObject({
      recordType: 'A_SalesOrder',
      businessKey: 'RA-1',
      method: 'POST',
    })
    expect(violation?.earlyByMs).toBeGreaterThan(3000)
  })

  it('answers 503 from the Web Dispatcher as HTML with Retry-After, and 500 as an OData error', async () => {
    sim.setScenario({
      faults: { http5xx: 1 },
      statuses: [503],
      retryAfterSeconds: { min: 30, max: 60 },
    })
    const outage = await create('OUT-1')
    expect(outage.status).toBe(503)
    expect(outage.headers.get('content-type')).toContain('text/html')
    expect(outage.headers.get('retry-after')).toBe('30')
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [500] })
    const crash = await create('OUT-1')
    expect(crash.status).toBe(500)
    expect((await errorOf(crash)).code).toBe('/IWBEP/CM_MGW_RT/000')
    expect(await ordersFor('OUT-1')).toEqual([])
  })

  it('can take reads down too (an outage), when the scenario faults GET', async () => {
    sim.setScenario({ faults: { http5xx: 1 }, statuses: [503], faultMethods: ['GET', 'POST'] })
    expect((await sap.call('GET', `${SO_PATH}/A_SalesOrder`)).status).toBe(503)
    sim.setScenario({ faults: { http5xx: 1 } })
    expect((await sap.call('GET', `${SO_PATH}/A_SalesOrder`)).status).toBe(200)
  })

  it('commits then resets the connection: a blind retry duplicates, a query-before-retry finds the order', async () => {
    sim.setScenario({ sequence: ['commitThenDrop'] })
    await expect(create('DROP-1')).rejects.toThrow()
    expect(sim.requests().find((r) => r.method === 'POST')).toMatchObject({
      fault: 'commitThenDrop',
      outcome: 'dropped',
      businessKey: 'DROP-1',
    })
    // What a careful connector does: look the order up by the customer reference first.
    expect((await ordersFor('DROP-1')).map((o) => o.SalesOrder)).toEqual(['1'])
    expect(effectOf('DROP-1')).toMatchObject({ creates: 1 })
    // What a careless one does: SAP has no idempotency key, so the retry is a second order.
    expect((await create('DROP-1')).status).toBe(201)
    expect(effectOf('DROP-1')).toMatchObject({ creates: 2 })
  })

  it('resets before any header without applying anything', async () => {
    sim.setScenario({ faults: { resetBeforeHeaders: 1 } })
    await expect(create('RST-1')).rejects.toThrow()
    expect(await ordersFor('RST-1')).toEqual([])
    expect(effectOf('RST-1')).toBeUndefined()
  })

  it('times out after committing, or answers a late 504 without committing', async () => {
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 2000, commit: true } })
    await expect(
      fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder`, {
        method: 'POST',
        headers: {
          authorization: basicOf(sim),
          cookie: sap.cookies,
          'x-csrf-token': sap.token,
          'content-type': 'application/json',
        },
        body: JSON.stringify(orderBody('SLOW-1')),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow()
    expect(await ordersFor('SLOW-1')).toHaveLength(1)
    sim.setScenario({ faults: { timeout: 1 }, timeout: { delayMs: 200, commit: false } })
    const late = await create('SLOW-2')
    expect(late.status).toBe(504)
    expect(await ordersFor('SLOW-2')).toEqual([])
  })

  it('sends garbage with a 200 after committing', async () => {
    sim.setScenario({ faults: { malformed: 1 } })
    const response = await create('MAL-1')
    expect(response.status).toBe(200)
    await expect(response.json()).rejects.toThrow()
    expect(await ordersFor('MAL-1')).toHaveLength(1)
  })

  it('refuses what SAP cannot do: a request-limit fault, a concurrency cap, an idempotency key', async () => {
    for (const body of [
      { faults: { requestLimit: 1 } },
      { concurrencyLimit: 3 },
      { idempotency: 'honour' },
    ]) {
      expect((await postScenario(body)).status).toBe(400)
    }
  })

  it('replays the same fault sequence from the same seed', async () => {
    const run = async (): Promise<string[]> => {
      sim.reset()
      sap = await sapClient(sim)
      sim.setScenario({ seed: 77, faults: { http5xx: 0.3, rateLimit: 0.2 } })
      for (let i = 0; i < 20; i++) await create(`DET-${i}`)
      return sim
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => `${r.fault}:${r.status}`)
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(new Set(first).size).toBeGreaterThan(2)
    expect(sim.scenario()).toMatchObject({ seed: 77, decided: 20 })
  })
})

describe('SAP schema drift', () => {
  it('adds a mandatory extension field: $metadata shows it, creates without it fail, with it succeed', async () => {
    const added = await fetch(`${sim.scenarioUrl}/schema/fields`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        entitySet: 'A_SalesOrder',
        name: 'YY1_SalesChannel_SDH',
        maxLength: 10,
        mandatory: true,
      }),
    })
    expect(added.status).toBe(201)
    const metadata = await (await sap.call('GET', `${SO_PATH}/$metadata`)).text()
    expect(metadata).toContain(
      '<Property Name="YY1_SalesChannel_SDH" Type="Edm.String" MaxLength="10"',
    )
    const refused = await create('DRIFT-1')
    expect(refused.status).toBe(400)
    expect(await errorOf(refused)).toMatchObject({ code: '00/055' })
    const ok = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('DRIFT-1', undefined, { YY1_SalesChannel_SDH: 'WEB' }),
    )
    expect(ok.status).toBe(201)
    const [order] = (
      await sap.read<{ results: Record<string, unknown>[] }>(
        `${SO_PATH}/A_SalesOrder?$filter=YY1_SalesChannel_SDH eq 'WEB'&$select=SalesOrder,YY1_SalesChannel_SDH`,
      )
    ).results
    expect(order).toMatchObject({ SalesOrder: '1', YY1_SalesChannel_SDH: 'WEB' })
    sim.reset()
    expect(sim.extensions()).toEqual([])
  })
})
