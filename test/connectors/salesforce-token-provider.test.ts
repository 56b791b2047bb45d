/** @module test/connectors/salesforce-token-provider.test — Salesforce OAuth 2.0 tokens against the simulator: single-flight refresh, both grants, instance_url, refusals as auth. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import { SalesforceTokenProvider } from '../../src/connectors/salesforce/salesforce-token-provider.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { rejection } from './conformance/conformance-subject.ts'
import { salesforceConfigFor, tokenRequestsAt } from './conformance/salesforce-subject.ts'

const sim = createSalesforceSimulator({ seed: 3 })

beforeAll(async () => {
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => {
  sim.reset()
})

describe('SalesforceTokenProvider × Salesforce simulator', () => {
  it('after the sessions expire, 8 concurrent calls cause exactly one token request at the org, and all succeed', async () => {
    const client = new SalesforceClient(salesforceConfigFor(sim))
    await client.getLimits()
    expect(tokenRequestsAt(sim)).toBe(1)
    sim.expireTokens()
    const results = await Promise.all(Array.from({ length: 8 }, () => client.getLimits()))
    expect(results.every((r) => r.max === 100_000)).toBe(true)
    expect(tokenRequestsAt(sim)).toBe(2)
    expect(client.tokens.requestCount).toBe(2)
    // Each call was answered 401 once with the stale session, then retried once.
    const limits = sim.requests().filter((r) => r.path.endsWith('/limits'))
    expect(limits.filter((r) => r.status === 401)).toHaveLength(8)
    expect(limits.filter((r) => r.status === 200)).toHaveLength(9)
  })

  it('concurrent first callers share one token request too', async () => {
    const client = new SalesforceClient(salesforceConfigFor(sim))
    await Promise.all(Array.from({ length: 6 }, () => client.getLimits()))
    expect(tokenRequestsAt(sim)).toBe(1)
  })

  it('a second 401 after the refresh is auth, not an endless refresh loop', async () => {
    const tokens = SalesforceTokenProvider.fromConfig(salesforceConfigFor(sim))
    const client = new SalesforceClient(salesforceConfigFor(sim), { tokenProvider: tokens })
    await client.getLimits()
    // Every session the org issues is dead on arrival: revoke each one the moment it is used.
    const original = tokens.getToken.bind(tokens)
    tokens.getToken = async (signal) => {
      const token = await original(signal)
      sim.expireTokens()
      return token
    }
    const error = await rejection(client.getLimits())
    expect(error).toMatchObject({ type: 'auth', status: 401, code: 'INVALID_SESSION_ID' })
    expect(tokenRequestsAt(sim)).toBe(2)
  })

  it('the password flow logs in with password + security token, and REST calls go to instance_url', async () => {
    const config = salesforceConfigFor(sim, {
      grantType: 'password',
      username: sim.username,
      password: sim.password,
      securityToken: sim.securityToken,
    })
    const tokens = SalesforceTokenProvider.fromConfig(config)
    const token = await tokens.getToken()
    expect(token.instanceUrl).toBe(sim.baseUrl)
    expect(token.value.reveal()).toMatch(/^00D\w{12}!/)
    expect(String(token.value)).toBe('[REDACTED]')
    expect(await new SalesforceClient(config, { tokenProvider: tokens }).getLimits()).toEqual({
      max: 100_000,
      remaining: 99_999,
    })
  })

  it('a wrong password is invalid_grant → auth; a wrong secret invalid_client → auth; neither leaks the secret', async () => {
    const badPassword = SalesforceTokenProvider.fromConfig(
      salesforceConfigFor(sim, { grantType: 'password', username: sim.username, password: 'nope' }),
    )
    const grant = await rejection(badPassword.getToken())
    expect(grant).toMatchObject({ type: 'auth', status: 400, code: 'invalid_grant' })
    const badSecret = SalesforceTokenProvider.fromConfig(
      salesforceConfigFor(sim, { clientSecret: 'wrong-secret-value' }),
    )
    const client = await rejection(badSecret.getToken())
    expect(client).toMatchObject({ type: 'auth', status: 400, code: 'invalid_client' })
    expect(`${client.message} ${String(client.cause)}`).not.toContain('wrong-secret-value')
  })

  it('a token endpoint that cannot be reached is retryable, and the next call tries again', async () => {
    const tokens = new SalesforceTokenProvider({
      tokenUrl: 'http://127.0.0.1:9/services/oauth2/token',
      clientId: 'x',
      clientSecret: salesforceConfigFor(sim).clientSecret,
      grant: { type: 'client_credentials' },
      requestTimeoutMs: 2_000,
    })
    const first = await rejection(tokens.getToken())
    expect(first.type).toBe('retryable')
    await rejection(tokens.getToken())
    expect(tokens.requestCount).toBe(2)
  })

  it('a caller that aborts stops waiting without cancelling the shared request', async () => {
    const client = new SalesforceClient(salesforceConfigFor(sim))
    const controller = new AbortController()
    const waiting = client.getLimits(controller.signal)
    const other = client.getLimits()
    controller.abort(new Error('lease lost'))
    const aborted = await waiting.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(HubError.is(aborted) && aborted.type).toBe('retryable')
    expect((await other).max).toBe(100_000)
    expect(tokenRequestsAt(sim)).toBe(1)
  })
})
