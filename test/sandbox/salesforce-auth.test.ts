/** @module test/sandbox/salesforce-auth.test — the Salesforce simulator's login server over real HTTP: OAuth grants and their errors, sessions that time out on the org clock, revocation, SOAP login and logout. */

import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { basicAuth } from './sandbox-test-kit.ts'
import { DATA, passwordToken, sfErrorOf, simCall, tokenRequest, V } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 3 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => {
  sim.reset()
  sim.expireTokens()
})

const query = (token: string) =>
  fetch(`${sim.baseUrl}${DATA}/query?q=${encodeURIComponent('SELECT Id FROM Account')}`, {
    headers: { authorization: `Bearer ${token}` },
  })

const soap = (body: string) =>
  fetch(`${sim.baseUrl}/services/Soap/u/${V}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', soapaction: '""' },
    body,
  })

const loginEnvelope = (username: string, password: string) =>
  '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body>' +
  `<login xmlns="urn:partner.soap.sforce.com"><username>${username}</username><password>${password}</password></login>` +
  '</se:Body></se:Envelope>'

describe('OAuth token endpoint', () => {
  it('answers the password grant as Salesforce does, with a verifiable signature', async () => {
    const before = sim.clock.now()
    const response = await tokenRequest(sim, {
      grant_type: 'password',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      username: sim.username,
      password: sim.password + sim.securityToken,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(response.headers.get('cache-control')).toContain('no-store')
    const body = (await response.json()) as Record<string, string>
    expect(Object.keys(body).sort()).toEqual(
      [
        'access_token',
        'id',
        'instance_url',
        'issued_at',
        'scope',
        'signature',
        'token_type',
      ].sort(),
    )
    expect(body).toMatchObject({ instance_url: sim.baseUrl, token_type: 'Bearer' })
    expect(body.id).toMatch(new RegExp(`^${sim.baseUrl}/id/${sim.orgId}/005[A-Za-z0-9]{15}$`))
    expect(Number(body.issued_at)).toBeGreaterThanOrEqual(before)
    const expected = createHmac('sha256', sim.clientSecret)
      .update(`${body.id}${body.issued_at}`)
      .digest('base64')
    expect(body.signature).toBe(expected)
    expect((await query(body.access_token ?? '')).status).toBe(200)
  })

  it('answers client_credentials with the client in the form or in HTTP Basic', async () => {
    const inForm = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    })
    expect(inForm.status).toBe(200)
    const basic = await fetch(`${sim.baseUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(sim.clientId, sim.clientSecret),
      },
      body: 'grant_type=client_credentials',
    })
    expect(basic.status).toBe(200)
    const { access_token: token } = (await basic.json()) as { access_token: string }
    expect((await query(token)).status).toBe(200)
  })

  it.each([
    [
      'an unknown client id',
      { grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' },
      { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    ],
    [
      'a wrong client secret',
      { grant_type: 'client_credentials', client_id: 'CLIENT', client_secret: 'wrong' },
      { error: 'invalid_client', error_description: 'invalid client credentials' },
    ],
    [
      'a password without the security token',
      {
        grant_type: 'password',
        client_id: 'CLIENT',
        client_secret: 'SECRET',
        username: 'USER',
        password: 'PASSWORD',
      },
      { error: 'invalid_grant', error_description: 'authentication failure' },
    ],
    [
      'an unsupported grant',
      { grant_type: 'authorization_code', code: 'abc' },
      { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
    ],
  ])('refuses %s with 400 and an OAuth error body', async (_name, form, expected) => {
    const filled = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [
        k,
        v
          .replace('CLIENT', sim.clientId)
          .replace('SECRET', sim.clientSecret)
          .replace('USER', sim.username)
          .replace('PASSWORD', sim.password),
      ]),
    )
    const response = await tokenRequest(sim, filled)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(expected)
  })
})

describe('sessions', () => {
  it('answers a missing or unknown token with 401 INVALID_SESSION_ID', async () => {
    const response = await query('00Dbogus!token')
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Token')
    expect(await response.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ])
    expect((await fetch(`${sim.baseUrl}${DATA}/limits`)).status).toBe(401)
  })

  it('times a session out after 2 hours without use, on the org clock', async () => {
    const token = await passwordToken(sim)
    sim.clock.advance(119 * 60 * 1000)
    expect((await query(token)).status).toBe(200)
    // Use extends the session: another 119 minutes later it is still alive.
    sim.clock.advance(119 * 60 * 1000)
    expect((await query(token)).status).toBe(200)
    sim.clock.advance(120 * 60 * 1000)
    const expired = await query(token)
    expect(expired.status).toBe(401)
    expect((await sfErrorOf(expired)).errorCode).toBe('INVALID_SESSION_ID')
  })

  it('expires every session through /__sim/tokens/expire', async () => {
    const token = await passwordToken(sim)
    const response = await simCall(sim, 'POST', '/tokens/expire')
    expect(await response.json()).toEqual({ expired: 1 })
    expect((await query(token)).status).toBe(401)
  })

  it('revokes one token through /__sim/tokens/revoke, leaving the others', async () => {
    const [one, other] = [await passwordToken(sim), await passwordToken(sim)]
    const response = await simCall(sim, 'POST', '/tokens/revoke', { token: one })
    expect(await response.json()).toEqual({ revoked: true })
    expect((await query(one)).status).toBe(401)
    expect((await query(other)).status).toBe(200)
  })

  it('revokes a token through /services/oauth2/revoke', async () => {
    const token = await passwordToken(sim)
    const revoke = await fetch(`${sim.baseUrl}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    })
    expect(revoke.status).toBe(200)
    expect((await query(token)).status).toBe(401)
  })
})

describe('SOAP login', () => {
  it('answers login() with the partner envelope: sessionId, serverUrl, userId, userInfo', async () => {
    const response = await soap(loginEnvelope(sim.username, sim.password + sim.securityToken))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/xml')
    const xml = await response.text()
    expect(xml).toContain('<loginResponse><result>')
    expect(xml).toContain(`<serverUrl>${sim.baseUrl}/services/Soap/u/${V}/${sim.orgId}</serverUrl>`)
    expect(xml).toContain(`<organizationId>${sim.orgId}</organizationId>`)
    expect(xml).toContain('<passwordExpired>false</passwordExpired>')
    expect(xml).toMatch(/<userId>005[A-Za-z0-9]{15}<\/userId><userInfo>/)
    expect(xml).toContain(`<userName>${sim.username}</userName>`)
    const sessionId = /<sessionId>([^<]+)<\/sessionId>/.exec(xml)?.[1] ?? ''
    expect((await query(sessionId)).status).toBe(200)

    const logout = await soap(
      '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header>' +
        `<SessionHeader xmlns="urn:partner.soap.sforce.com"><sessionId>${sessionId}</sessionId></SessionHeader>` +
        '</se:Header><se:Body><logout xmlns="urn:partner.soap.sforce.com"/></se:Body></se:Envelope>',
    )
    expect(logout.status).toBe(200)
    expect(await logout.text()).toContain('<logoutResponse/>')
    expect((await query(sessionId)).status).toBe(401)
  })

  it('answers a bad password with a 500 LoginFault', async () => {
    const response = await soap(loginEnvelope(sim.username, 'wrong'))
    expect(response.status).toBe(500)
    const xml = await response.text()
    expect(xml).toContain('<faultcode>sf:INVALID_LOGIN</faultcode>')
    expect(xml).toContain(
      '<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>',
    )
    expect(xml).toContain('sf:LoginFault')
  })

  it('unescapes XML in credentials and refuses operations it does not serve', async () => {
    const special = createSalesforceSimulator({ password: 'p<&>', securityToken: 'T' })
    await special.start()
    try {
      const response = await fetch(`${special.baseUrl}/services/Soap/u/${V}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: loginEnvelope(special.username, 'p&lt;&amp;&gt;T'),
      })
      expect(response.status).toBe(200)
    } finally {
      await special.stop()
    }
    const other = await soap(
      '<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><query xmlns="urn:partner.soap.sforce.com"/></se:Body></se:Envelope>',
    )
    expect(other.status).toBe(500)
    expect(await other.text()).toContain(
      'No operation available for request {urn:partner.soap.sforce.com}query',
    )
  })
})
