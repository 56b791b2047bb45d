/** @module test/gateway/gateway-webhook.test — POST /webhooks over real HTTP, with in-memory deps. */
import { describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../src/store/store-contract.ts'
import { createFixture, sign, WEBHOOK_KEY } from './gateway-deps-fixture.ts'
import { closeGatewayAfterEach, startGateway as start } from './gateway-test-server.ts'
import { MiB, WEBHOOK, startMemoryProbe, uploadOversized } from './oversized-upload.ts'

closeGatewayAfterEach()

function webhookHeaders(body: string, id = 'msg-1'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'X-Test-Hmac': sign(body),
    'X-Test-Webhook-Id': id,
    'X-Test-Topic': 'orders/create',
    authorization: 'Bearer should-not-be-stored',
  }
}

async function postWebhook(
  url: string,
  body: string,
  headers = webhookHeaders(body),
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${url}${WEBHOOK}`, { method: 'POST', headers, body })
  const json = (await response.json()) as Record<string, unknown>
  return { status: response.status, json, headers: response.headers }
}

describe('POST /webhooks/:system/:connection', () => {
  it('stores a verified message and answers 200 accepted with its run ids', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const body = '{"id":820982911946154508,"total":"10.00"}'

    const { status, json } = await postWebhook(url, body)

    expect(status).toBe(200)
    expect(json).toEqual({ status: 'accepted', runIds: ['100'] })
    const ingest = fixture.calls.ingest[0]
    // The exact bytes, so the int64 id is not rounded through JSON.parse.
    expect(ingest?.rawBody).toBe(body)
    expect(ingest).toMatchObject({
      tenantId: 'tenant-a',
      sourceSystem: 'shopify',
      connection: 'main-store',
      acceptance: { sourceMessageId: 'msg-1', businessKey: 'shopify:order:820982911946154500' },
    })
    expect(ingest?.headers['x-test-webhook-id']).toBe('msg-1')
    expect(ingest?.headers.authorization).toBeUndefined()
    const logs = fixture.logLines.join('')
    expect(logs).toContain('"outcome":"accepted"')
    expect(logs).toContain('"sourceMessageId":"msg-1"')
    expect(logs).not.toContain(sign(body))
    expect(logs).not.toContain('should-not-be-stored')
    expect(logs).not.toContain('820982911946154508,"total"')
  })

  it('answers 503 when the commit is not confirmed within 4 s, and tells the store to drop it', async () => {
    const fixture = createFixture()
    fixture.fail.ingestHangs = true
    const { url } = await start(fixture)
    const started = Date.now()
    const body = '{"id":1,"total":"10.00"}'

    const { status, json, headers } = await postWebhook(url, body)

    expect(status).toBe(503)
    expect(headers.get('retry-after')).toMatch(/^\d+$/)
    expect(json).toMatchObject({ error: 'store_unavailable' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_900)
    // A message still queued for its commit is then dropped rather than committed unanswered.
    const signal = fixture.calls.ingestSignals[0]
    expect(signal?.aborted).toBe(true)
    expect(signal?.reason).toBeInstanceOf(StoreUnavailableError)
  })

  it('acknowledges a duplicate again with 200 duplicate', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const body = '{"id":1}'
    await postWebhook(url, body)
    const { status, json } = await postWebhook(url, body)
    expect(status).toBe(200)
    expect(json).toEqual({ status: 'duplicate', runIds: ['100'] })
  })

  it('answers 401 for a forged signature and stores nothing', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const body = '{"id":1}'
    const { status, json } = await postWebhook(url, body, {
      ...webhookHeaders(body),
      'X-Test-Hmac': sign('{"id":2}'),
    })
    expect(status).toBe(401)
    expect(json.error).toBe('invalid_signature')
    expect(json.message).toMatch(/signature/)
    expect(fixture.calls.ingest).toHaveLength(0)
    expect(fixture.logLines.join('')).not.toContain(WEBHOOK_KEY)
  })

  it('answers 400 with the receiver message for a malformed message', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const body = '{"id":'
    const { status, json } = await postWebhook(url, body)
    expect(status).toBe(400)
    expect(json).toEqual({ error: 'invalid_message', message: 'the body is not valid JSON' })

    const missing = webhookHeaders('{}')
    delete missing['X-Test-Webhook-Id']
    const second = await postWebhook(url, '{}', missing)
    expect(second.status).toBe(400)
    expect(second.json.message).toMatch(/X-Test-Webhook-Id/)
    expect(fixture.calls.ingest).toHaveLength(0)
  })

  it('rejects a 10 MiB body with Content-Length against a 5 MiB limit with 413, unread', async () => {
    const fixture = createFixture({ bodyLimitBytes: 5 * MiB })
    const { url, sockets } = await start(fixture, { rejectLingerMs: 200 })
    const response = await uploadOversized(url, 10 * MiB, 'content-length')
    expect(response.status).toBe(413)
    expect(response.headers.connection).toBe('close')
    expect(JSON.parse(response.body)).toEqual({
      error: 'payload_too_large',
      message: 'the request body is larger than the limit of 5242880 bytes',
    })
    expect(fixture.calls.accept).toBe(0)
    // Rejected on the header: the server read hardly any of the upload before closing.
    expect(sockets.reduce((sum, s) => sum + s.bytesRead, 0)).toBeLessThan(1 * MiB)
  })

  it('aborts a chunked 10 MiB body at the 5 MiB limit with 413', async () => {
    const fixture = createFixture({ bodyLimitBytes: 5 * MiB })
    const { url, sockets } = await start(fixture, { rejectLingerMs: 200 })
    const response = await uploadOversized(url, 10 * MiB, 'chunked')
    expect(response.status).toBe(413)
    expect(JSON.parse(response.body)).toMatchObject({ error: 'payload_too_large' })
    expect(fixture.calls.accept).toBe(0)
    // The server stopped reading at the limit instead of draining the rest of the upload.
    expect(sockets.reduce((sum, s) => sum + s.bytesRead, 0)).toBeLessThan(6 * MiB)
  })

  it('does not grow the server process by the size of an oversized body', async () => {
    const probe = await startMemoryProbe(5 * MiB)
    try {
      const withLength = await probe.measure(async () => {
        expect((await uploadOversized(probe.url, 10 * MiB, 'content-length')).status).toBe(413)
      })
      expect(withLength.growth).toBeLessThan(1 * MiB)

      const streamed = await probe.measure(async () => {
        expect((await uploadOversized(probe.url, 10 * MiB, 'chunked')).status).toBe(413)
      })
      // At most the 5 MiB limit is ever held, never the 10 MiB sent.
      expect(streamed.growth).toBeLessThan(7 * MiB)
      expect(streamed.accepted).toBe(0)
    } finally {
      probe.stop()
    }
  })

  it('answers 415 for a body that is not JSON, before reading it', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const response = await fetch(`${url}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    })
    expect(response.status).toBe(415)
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' })
    const empty = await fetch(`${url}${WEBHOOK}`, { method: 'POST' })
    expect(empty.status).toBe(415)
    expect(fixture.calls.accept).toBe(0)
  })

  it('answers 503 with Retry-After, never 2xx, when the store is unavailable', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    fixture.fail.ingest = new StoreUnavailableError('connection refused')
    const first = await postWebhook(url, '{"id":1}')
    expect(first.status).toBe(503)
    expect(first.headers.get('retry-after')).toBe('5')
    expect(first.json.error).toBe('store_unavailable')

    fixture.fail.ingest = new TypeError('a bug')
    const second = await postWebhook(url, '{"id":1}')
    expect(second.status).toBe(503)
    expect(second.headers.get('retry-after')).toBe('5')
    expect(second.json.error).toBe('not_stored')
  })

  it('answers 503, not 2xx, when a receiver fails unexpectedly', async () => {
    const fixture = createFixture()
    fixture.deps.webhookReceiver = () => ({
      sourceSystem: 'shopify',
      tenantId: 'tenant-a',
      accept: () => {
        throw new RangeError('connector bug')
      },
    })
    const { url } = await start(fixture)
    const { status, headers, json } = await postWebhook(url, '{"id":1}')
    expect(status).toBe(503)
    expect(headers.get('retry-after')).toBe('5')
    expect(json.error).toBe('not_stored')
    expect(fixture.calls.ingest).toHaveLength(0)
  })

  it('answers 404 for an unknown connection, naming the expected form', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const response = await fetch(`${url}/webhooks/shopify/other-store`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(response.status).toBe(404)
    const json = (await response.json()) as { error: string; message: string }
    expect(json.error).toBe('unknown_connection')
    expect(json.message).toContain('/webhooks/<system>/<connection>')
    expect(fixture.calls.accept).toBe(0)
  })
})
