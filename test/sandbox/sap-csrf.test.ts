/** @module test/sandbox/sap-csrf.test — logon and the CSRF token protocol: Basic auth, session cookies, tokens bound to sessions, expiry, rotation and non-sticky refusals. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { basicOf, cookiesOf, fetchCsrf, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'

let sim: SapSimulator

beforeAll(async () => {
  sim = createSapSimulator({ seed: 3, sessionTimeoutSeconds: 60 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

const post = (headers: Record<string, string>, po = 'CSRF-1') =>
  fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder`, {
    method: 'POST',
    headers: {
      authorization: basicOf(sim),
      'content-type': 'application/json',
      accept: 'application/json',
      ...headers,
    },
    body: JSON.stringify(orderBody(po)),
  })

const expectRequired = async (response: Response): Promise<void> => {
  expect(response.status).toBe(403)
  expect(response.headers.get('x-csrf-token')).toBe('Required')
  expect(await response.text()).toBe('CSRF token validation failed')
}

describe('SAP logon', () => {
  it('answers 401 with a Basic challenge without credentials, with wrong ones, or for another client', async () => {
    const none = await fetch(`${sim.baseUrl}${SO_PATH}/`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe(
      'Basic realm="SAP NetWeaver Application Server [S4H/100]"',
    )
    expect(none.headers.getSetCookie()).toEqual([])
    const wrong = await fetch(`${sim.baseUrl}${SO_PATH}/`, {
      headers: { authorization: `Basic ${Buffer.from(`${sim.username}:nope`).toString('base64')}` },
    })
    expect(wrong.status).toBe(401)
    const otherClient = await fetch(`${sim.baseUrl}${SO_PATH}/?sap-client=200`, {
      headers: { authorization: basicOf(sim) },
    })
    expect(otherClient.status).toBe(401)
  })

  it('opens a session on Basic logon and accepts the session cookie alone afterwards', async () => {
    const first = await fetch(`${sim.baseUrl}${SO_PATH}/?sap-client=100`, {
      headers: { authorization: basicOf(sim) },
    })
    expect(first.status).toBe(200)
    const names = first.headers.getSetCookie().map((c) => c.split('=', 1)[0])
    expect(names).toEqual(['SAP_SESSIONID_S4H_100', 'sap-usercontext'])
    const second = await fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder?$format=json`, {
      headers: { cookie: cookiesOf(first) },
    })
    expect(second.status).toBe(200)
    expect(second.headers.getSetCookie()).toEqual([])
  })
})

describe('SAP CSRF protection', () => {
  it('hands out a token on GET or HEAD with X-CSRF-Token: Fetch, the same one within a session', async () => {
    const fetched = await fetchCsrf(sim)
    const token = fetched.headers.get('x-csrf-token') ?? ''
    expect(token).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    const again = await fetchCsrf(sim, `${SO_PATH}/`, cookiesOf(fetched))
    expect(again.headers.get('x-csrf-token')).toBe(token)
    const head = await fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder/`, {
      method: 'HEAD',
      headers: { authorization: basicOf(sim), 'x-csrf-token': 'Fetch' },
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('x-csrf-token')).toMatch(/==$/)
    expect(head.headers.get('x-csrf-token')).not.toBe(token)
    expect(sim.sessions()).toMatchObject({ opened: 2, tokensIssued: 2 })
  })

  it('refuses a modifying request without a token, or with Fetch, with 403 Required and no effect', async () => {
    await expectRequired(await post({}))
    await expectRequired(await post({ 'x-csrf-token': 'Fetch' }))
    expect(sim.entities('A_SalesOrder')).toEqual([])
    expect(sim.ledger().totals.writes).toBe(0)
    expect(sim.requests().map((r) => r.status)).toEqual([403, 403])
  })

  it('binds the token to its session: the token without the cookies, or with another session, fails', async () => {
    const a = await fetchCsrf(sim)
    const b = await fetchCsrf(sim)
    const tokenA = a.headers.get('x-csrf-token') ?? ''
    await expectRequired(await post({ 'x-csrf-token': tokenA }))
    await expectRequired(await post({ 'x-csrf-token': tokenA, cookie: cookiesOf(b) }))
    const good = await post({ 'x-csrf-token': tokenA, cookie: cookiesOf(a) })
    expect(good.status).toBe(201)
    expect(sim.sessions().csrfRejected).toBe(2)
  })

  it('lets the token die with its session: expiry by idle time or by the scenario, then a re-fetch works', async () => {
    const sap = await sapClient(sim)
    expect((await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('EXP-1'))).status).toBe(201)
    sim.advanceClock(61_000)
    const timedOut = await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('EXP-2'))
    await expectRequired(timedOut)
    // Basic auth was sent along, so SAP opened a new session and says so with new cookies.
    expect(timedOut.headers.getSetCookie()[0]).toMatch(/^SAP_SESSIONID_S4H_100=/)
    await sap.refetch()
    expect((await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('EXP-2'))).status).toBe(201)
    const expired = await fetch(`${sim.scenarioUrl}/sessions/expire`, { method: 'POST' })
    expect(((await expired.json()) as { expired: number }).expired).toBeGreaterThan(0)
    await expectRequired(await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('EXP-3')))
    expect(sim.ledger().effects.map((e) => [e.businessKey, e.creates])).toEqual([
      ['EXP-1', 1],
      ['EXP-2', 1],
    ])
  })

  it('rotates tokens and refuses the next N requests like a non-sticky load balancer', async () => {
    const sap = await sapClient(sim)
    const old = sap.token
    expect((await fetch(`${sim.scenarioUrl}/csrf/rotate`, { method: 'POST' })).status).toBe(200)
    await expectRequired(await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('ROT-1')))
    await sap.refetch()
    expect(sap.token).not.toBe(old)
    const reject = await fetch(`${sim.scenarioUrl}/csrf/reject`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1 }),
    })
    expect(reject.status).toBe(200)
    await expectRequired(await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('ROT-1')))
    expect((await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('ROT-1'))).status).toBe(201)
    expect(sim.ledger().effects.find((e) => e.businessKey === 'ROT-1')?.creates).toBe(1)
  })

  it('needs no token for reads', async () => {
    const read = await fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder?$format=json`, {
      headers: { authorization: basicOf(sim) },
    })
    expect(read.status).toBe(200)
    expect(((await read.json()) as { d: { results: unknown[] } }).d.results).toEqual([])
  })
})
