/** @module test/connectors/netsuite-token-provider — caching, single-flight refresh and invalidation against a real HTTP token endpoint. */
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import { NetSuiteTokenProvider } from '../../src/connectors/netsuite/netsuite-token-provider.ts'
import { sendJson, startLocalHttpServer } from './support/local-http-server.ts'
import type { LocalHttpServer } from './support/local-http-server.ts'

const CLIENT_ID = 'hub-client'
const CLIENT_SECRET = 'very-secret-client-secret'
let server: LocalHttpServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A token endpoint that answers after `delayMs`, numbering its tokens. */
async function tokenServer(
  options: { delayMs?: number; status?: () => number; expiresIn?: number } = {},
) {
  let issued = 0
  server = await startLocalHttpServer(async (req, res) => {
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0))
    const status = options.status?.() ?? 200
    if (status !== 200) return sendJson(res, status, { error: 'invalid_client' })
    issued++
    sendJson(res, 200, {
      access_token: `token-${issued}`,
      token_type: 'Bearer',
      expires_in: options.expiresIn ?? 3600,
    })
  })
  return server
}

function provider(url: string, clock = manualClock()) {
  return new NetSuiteTokenProvider({
    tokenUrl: `${url}/services/rest/auth/oauth2/v1/token`,
    clientId: CLIENT_ID,
    clientSecret: new Secret(CLIENT_SECRET),
    clock,
  })
}

describe('NetSuiteTokenProvider', () => {
  it('sends client credentials with HTTP Basic and a form body', async () => {
    const srv = await tokenServer()
    const token = await provider(srv.url).getToken()
    expect(token.value.reveal()).toBe('token-1')
    const [request] = srv.requests
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request?.body).toBe('grant_type=client_credentials')
    const basic = Buffer.from(CLIENT_ID + ':' + CLIENT_SECRET).toString('base64')
    expect(request?.headers.authorization).toBe(`Basic ${basic}`)
  })

  it('shares ONE token request between N concurrent callers', async () => {
    const srv = await tokenServer({ delayMs: 50 })
    const tokens = provider(srv.url)
    const results = await Promise.all(Array.from({ length: 25 }, () => tokens.getToken()))
    expect(srv.requests).toHaveLength(1)
    expect(tokens.requestCount).toBe(1)
    expect(new Set(results.map((t) => t.value.reveal()))).toEqual(new Set(['token-1']))
  })

  it('caches until shortly before expiry, then refreshes once', async () => {
    const srv = await tokenServer({ expiresIn: 3600 })
    const clock = manualClock()
    const tokens = provider(srv.url, clock)
    const first = await tokens.getToken()
    clock.advance(3600_000 - 61_000)
    expect(await tokens.getToken()).toBe(first)
    clock.advance(2_000) // now inside the 60 s refresh margin
    const refreshed = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()])
    expect(refreshed.map((t) => t.value.reveal())).toEqual(['token-2', 'token-2', 'token-2'])
    expect(srv.requests).toHaveLength(2)
  })

  it('keeps a short-lived token usable for half its lifetime', async () => {
    const srv = await tokenServer({ expiresIn: 10 })
    const clock = manualClock()
    const tokens = provider(srv.url, clock)
    const first = await tokens.getToken()
    clock.advance(4_999)
    expect(await tokens.getToken()).toBe(first)
    clock.advance(1)
    expect((await tokens.getToken()).value.reveal()).toBe('token-2')
  })

  it('invalidate(token) forces exactly one refresh however many callers saw the 401', async () => {
    const srv = await tokenServer({ delayMs: 20 })
    const tokens = provider(srv.url)
    const stale = await tokens.getToken()
    const fresh = await Promise.all(
      Array.from({ length: 10 }, async () => {
        tokens.invalidate(stale)
        return tokens.getToken()
      }),
    )
    expect(new Set(fresh.map((t) => t.value.reveal()))).toEqual(new Set(['token-2']))
    // A late caller still holding the stale token does not throw away the fresh one.
    tokens.invalidate(stale)
    expect((await tokens.getToken()).value.reveal()).toBe('token-2')
    expect(srv.requests).toHaveLength(2)
  })

  it('reports rejected credentials as auth without leaking the secret, and retries on the next call', async () => {
    let status = 401
    const srv = await tokenServer({ status: () => status })
    const tokens = provider(srv.url)
    const error = await tokens.getToken().catch((e: unknown) => e)
    expect(HubError.is(error) && error.type).toBe('auth')
    expect(
      JSON.stringify({ m: (error as Error).message, c: String((error as Error).cause) }),
    ).not.toContain(CLIENT_SECRET)
    status = 200
    expect((await tokens.getToken()).value.reveal()).toBe('token-1')
    expect(srv.requests).toHaveLength(2)
  })

  it('classifies a 5xx from the token endpoint as retryable', async () => {
    const srv = await tokenServer({ status: () => 502 })
    const error = await provider(srv.url)
      .getToken()
      .catch((e: unknown) => e)
    expect(HubError.is(error) && error.type).toBe('retryable')
  })

  it('rejects a token response without access_token', async () => {
    server = await startLocalHttpServer((_req, res) =>
      sendJson(res, 200, { token_type: 'Bearer', expires_in: 60 }),
    )
    const error = await provider(server.url)
      .getToken()
      .catch((e: unknown) => e)
    expect(HubError.is(error) && error.type).toBe('retryable')
    expect((error as Error).message).toMatch(/access_token/)
  })

  it("lets one caller's abort stop only its own wait", async () => {
    const srv = await tokenServer({ delayMs: 100 })
    const tokens = provider(srv.url)
    const controller = new AbortController()
    const impatient = tokens.getToken(controller.signal)
    const patient = tokens.getToken()
    controller.abort(new Error('lease lost'))
    await expect(impatient).rejects.toThrow('lease lost')
    expect((await patient).value.reveal()).toBe('token-1')
    expect(srv.requests).toHaveLength(1)
  })
})
