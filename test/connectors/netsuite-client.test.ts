/** @module test/connectors/netsuite-client — NetSuiteClient against a local node:http NetSuite stand-in: ids, 401 refresh, timeouts, classification. */
import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { HubError, toErrorRecord } from '../../src/errors/hub-error.ts'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { sendJson, startLocalHttpServer } from './support/local-http-server.ts'
import type { LocalHttpServer, RecordedRequest } from './support/local-http-server.ts'

const CLIENT_SECRET = 'ns-client-secret-value'
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'
const RECORD = '/services/rest/record/v1'
let server: LocalHttpServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

type RecordHandler = (
  req: RecordedRequest,
  res: ServerResponse,
  token: string,
) => void | Promise<void>

/** Issues `token-N` on the token path; hands every other request (with its bearer token) to `handle`. */
async function netsuite(
  handle: RecordHandler,
  options: { requestTimeoutMs?: number; concurrencyLimit?: number } = {},
) {
  let issued = 0
  server = await startLocalHttpServer(async (req, res) => {
    if (req.url === TOKEN_PATH) {
      issued++
      return sendJson(res, 200, {
        access_token: `token-${issued}`,
        token_type: 'Bearer',
        expires_in: 3600,
      })
    }
    await handle(req, res, (req.headers.authorization ?? '').replace(/^Bearer /, ''))
  })
  const config = parseNetSuiteConnectionConfig({
    accountId: '1234567',
    baseUrl: server.url,
    clientId: 'hub',
    clientSecret: CLIENT_SECRET,
    ...options,
  })
  return { client: new NetSuiteClient(config), srv: server, tokenRequests: () => issued }
}

const noContent = (res: ServerResponse, location?: string): void => {
  res.writeHead(204, location === undefined ? {} : { location })
  res.end()
}
const nsError = (res: ServerResponse, status: number, code: string, path?: string): void =>
  sendJson(res, status, {
    type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html',
    title: status === 404 ? 'Not Found' : 'Bad Request',
    status,
    'o:errorDetails': [
      { detail: `Problem ${code}`, 'o:errorCode': code, ...(path ? { 'o:errorPath': path } : {}) },
    ],
  })

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!HubError.is(error)) throw new Error(`expected a HubError, got ${String(error)}`)
  // Neither the token nor the client secret may appear anywhere in what gets stored.
  const stored = JSON.stringify(toErrorRecord(error))
  expect(stored).not.toContain(CLIENT_SECRET)
  expect(stored).not.toMatch(/token-\d/)
  return error
}

describe('NetSuiteClient', () => {
  it('upserts by external id and parses the internal id from Location', async () => {
    const { client, srv } = await netsuite((req, res) =>
      noContent(res, `http://ns.example${RECORD}/customer/647`),
    )
    const body = { externalId: 'SHOPIFY-C-1', companyName: 'Acme' }
    await expect(
      client.upsertByExternalId('customer', 'SHOPIFY-C-1', body, { idempotencyKey: 'k-1' }),
    ).resolves.toEqual({ id: '647' })
    const put = srv.requests.find((r) => r.method === 'PUT')
    expect(put?.url).toBe(`${RECORD}/customer/eid:SHOPIFY-C-1`)
    expect(put?.headers.authorization).toBe('Bearer token-1')
    expect(put?.headers['x-netsuite-idempotency-key']).toBe('k-1')
    expect(JSON.parse(put?.body ?? '')).toEqual(body)
  })

  it('encodes external ids into the path', async () => {
    const { client, srv } = await netsuite((_req, res) => noContent(res, `${RECORD}/customer/9`))
    await client.upsertByExternalId('customer', 'A/B ?#', {})
    expect(srv.requests.at(-1)?.url).toBe(`${RECORD}/customer/eid:A%2FB%20%3F%23`)
  })

  it.each([
    ['no Location', undefined],
    ['a Location without an id', `${RECORD}/customer/eid:SHOPIFY-C-1`],
    ['an async job Location', '/services/rest/async/v1/job/123456'],
    ['another record type', `${RECORD}/salesOrder/647`],
  ])('a 2xx write with %s is unknown_outcome', async (_name, location) => {
    const { client } = await netsuite((_req, res) => noContent(res, location))
    const error = await failure(client.upsertByExternalId('customer', 'SHOPIFY-C-1', {}))
    expect(error.type).toBe('unknown_outcome')
  })

  it('creates with POST and reads the id from Location', async () => {
    const { client, srv } = await netsuite((_req, res) => noContent(res, `${RECORD}/salesOrder/3`))
    await expect(client.create('salesOrder', { memo: 'x' })).resolves.toEqual({ id: '3' })
    expect(srv.requests.at(-1)).toMatchObject({ method: 'POST', url: `${RECORD}/salesOrder` })
  })

  it('gets by external id, and answers null for NONEXISTENT_ID', async () => {
    const { client } = await netsuite((req, res) => {
      if (req.url.endsWith('eid:SHOPIFY-C-1')) {
        return sendJson(res, 200, { id: '647', externalId: 'SHOPIFY-C-1', companyName: 'Acme' })
      }
      if (req.url.endsWith('eid:MISSING')) return nsError(res, 404, 'NONEXISTENT_ID')
      return sendJson(res, 404, '<html>not here</html>')
    })
    await expect(client.getByExternalId('customer', 'SHOPIFY-C-1')).resolves.toEqual({
      id: '647',
      record: { id: '647', externalId: 'SHOPIFY-C-1', companyName: 'Acme' },
    })
    await expect(client.getByExternalId('customer', 'MISSING')).resolves.toBeNull()
    // A 404 that is not NetSuite's "no such record" (wrong base URL, proxy page) must not read as absent.
    expect((await failure(client.getByExternalId('customer', 'OTHER'))).type).toBe('validation')
  })

  it('classifies business errors with code and path', async () => {
    const { client } = await netsuite((_req, res) =>
      nsError(res, 400, 'INVALID_VALUE', 'item.items[0].item'),
    )
    const error = await failure(client.upsertByExternalId('salesOrder', 'SHOPIFY-O-1', {}))
    expect(error).toMatchObject({
      type: 'validation',
      code: 'INVALID_VALUE',
      path: 'item.items[0].item',
      status: 400,
    })
  })

  it('on a 401 refreshes the token once and retries once', async () => {
    const { client, tokenRequests } = await netsuite((_req, res, token) =>
      token === 'token-1'
        ? sendJson(res, 401, { title: 'Unauthorized' })
        : noContent(res, `${RECORD}/customer/5`),
    )
    await expect(client.upsertByExternalId('customer', 'C', {})).resolves.toEqual({ id: '5' })
    expect(tokenRequests()).toBe(2)
  })

  it('a second 401 is auth, after exactly one refresh', async () => {
    const { client, srv, tokenRequests } = await netsuite((_req, res) =>
      sendJson(res, 401, { title: 'Unauthorized' }),
    )
    const error = await failure(client.upsertByExternalId('customer', 'C', {}))
    expect(error).toMatchObject({ type: 'auth', status: 401 })
    expect(tokenRequests()).toBe(2)
    expect(srv.requests.filter((r) => r.method === 'PUT')).toHaveLength(2)
  })

  it('concurrent requests that all hit a 401 share one refresh', async () => {
    let expired = false
    const { client, tokenRequests } = await netsuite(async (_req, res, token) => {
      await new Promise((r) => setTimeout(r, 10))
      if (expired && token === 'token-1') return sendJson(res, 401, { title: 'Unauthorized' })
      noContent(res, `${RECORD}/customer/5`)
    })
    await client.upsertByExternalId('customer', 'warm', {}) // caches token-1
    expired = true // as if NetSuite revoked it early
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.upsertByExternalId('customer', `C${i}`, {})),
    )
    expect(results).toEqual(Array.from({ length: 8 }, () => ({ id: '5' })))
    expect(tokenRequests()).toBe(2)
  })

  it('a write that times out is unknown_outcome; a read that times out is retryable', async () => {
    // Long enough that the (instant) token request never times out on a loaded machine.
    const { client } = await netsuite(() => new Promise(() => {}), { requestTimeoutMs: 600 })
    const write = await failure(client.upsertByExternalId('customer', 'C', {}))
    expect(write.type).toBe('unknown_outcome')
    expect(write.message).toMatch(/timed out after 600 ms/)
    expect((await failure(client.getByExternalId('customer', 'C'))).type).toBe('retryable')
  })

  it("honours the caller's signal (a lost lease)", async () => {
    const { client } = await netsuite(() => new Promise(() => {}))
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('lease lost')), 50)
    const error = await failure(
      client.upsertByExternalId('customer', 'C', {}, { signal: controller.signal }),
    )
    expect(error.type).toBe('unknown_outcome')
    expect(error.message).toMatch(/aborted by the caller/)
  })

  it('a write whose signal was aborted before sending is retryable (nothing left the process)', async () => {
    const { client, srv } = await netsuite((_req, res) => noContent(res, `${RECORD}/customer/1`))
    await client.getGovernanceLimits().catch(() => undefined) // caches a token
    const before = srv.requests.length
    const error = await failure(
      client.upsertByExternalId(
        'customer',
        'C',
        {},
        { signal: AbortSignal.abort(new Error('lease lost')) },
      ),
    )
    expect(error.type).toBe('retryable')
    expect(srv.requests).toHaveLength(before)
  })

  it('a connection closed mid-request on a write is unknown_outcome', async () => {
    const { client } = await netsuite((_req, res) => {
      res.socket?.destroy()
    })
    expect((await failure(client.upsertByExternalId('customer', 'C', {}))).type).toBe(
      'unknown_outcome',
    )
  })

  it('a refused connection is retryable', async () => {
    const config = parseNetSuiteConnectionConfig({
      accountId: '1',
      baseUrl: 'http://127.0.0.1:1',
      clientId: 'x',
      clientSecret: CLIENT_SECRET,
    })
    const error = await failure(new NetSuiteClient(config).upsertByExternalId('customer', 'C', {}))
    expect(error.type).toBe('retryable')
  })

  it('throttles on 429 with Retry-After', async () => {
    const { client } = await netsuite((_req, res) => {
      res.writeHead(429, { 'retry-after': '2' })
      res.end()
    })
    expect(await failure(client.upsertByExternalId('customer', 'C', {}))).toMatchObject({
      type: 'throttled',
      retryAfterMs: 2000,
    })
  })

  it('reads governance limits and caps them with concurrencyLimit', async () => {
    const { client } = await netsuite(
      (_req, res) =>
        sendJson(res, 200, { accountConcurrencyLimit: 15, accountUnallocatedConcurrencyLimit: 10 }),
      { concurrencyLimit: 4 },
    )
    await expect(client.getGovernanceLimits()).resolves.toEqual({
      accountConcurrencyLimit: 15,
      accountUnallocatedConcurrencyLimit: 10,
      effectiveConcurrencyLimit: 4,
    })
  })

  it('rejects record types that would escape the path', async () => {
    const { client } = await netsuite((_req, res) => noContent(res))
    expect((await failure(client.create('../system', {}))).type).toBe('validation')
  })
})
