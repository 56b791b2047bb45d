/** @module test/gateway/gateway-refusals.test — requests refused before a route reads them: media type, content coding, over-long paths, slow headers. */
import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createFixture, sign } from './gateway-deps-fixture.ts'
import { closeGatewayAfterEach, startGateway as start } from './gateway-test-server.ts'
import { WEBHOOK } from './oversized-upload.ts'

closeGatewayAfterEach()

const REPLAY = '/api/v1/dlq/replay'

async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers, body })
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  }
}

describe('refused before the body is read', () => {
  it('answers 415 to text/plain on the management API', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const answer = await post(`${url}${REPLAY}`, '{"all":true}', { 'content-type': 'text/plain' })
    expect(answer.status).toBe(415)
    expect(answer.json).toMatchObject({ error: 'unsupported_media_type' })
    expect(fixture.calls.replay).toHaveLength(0)
  })

  it.each(['gzip', 'br', 'deflate', 'GZIP', 'identity, gzip'])(
    'answers 415 to Content-Encoding: %s on webhooks and the API, and closes the connection',
    async (coding) => {
      const fixture = createFixture()
      const { url } = await start(fixture)
      const body = gzipSync('{"all":true}')
      const hook = await post(`${url}${WEBHOOK}`, body, {
        'content-type': 'application/json',
        'content-encoding': coding,
        'X-Test-Hmac': sign(body),
      })
      const api = await post(`${url}${REPLAY}`, body, {
        'content-type': 'application/json',
        'content-encoding': coding,
      })
      for (const answer of [hook, api]) {
        expect(answer.status).toBe(415)
        expect(answer.json).toEqual({
          error: 'unsupported_content_encoding',
          message: 'send the body uncompressed (Content-Encoding: identity)',
        })
        expect(answer.headers.get('connection')).toBe('close')
      }
      expect(fixture.calls.accept).toBe(0)
      expect(fixture.calls.replay).toHaveLength(0)
    },
  )

  it('accepts Content-Encoding: identity, and a coding on a request without a body', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const replay = await post(`${url}${REPLAY}`, '{"all":true}', {
      'content-type': 'application/json',
      'content-encoding': 'Identity',
    })
    expect(replay.status).toBe(200)
    const health = await fetch(`${url}/healthz`, { headers: { 'content-encoding': 'gzip' } })
    expect(health.status).toBe(200)
  })
})

describe('refused by the router', () => {
  it('answers 414 to an over-long path id with the gateway body, not echoing the URL', async () => {
    const { url } = await start(createFixture())
    const id = `${'9'.repeat(150)}' OR 1=1--`
    const response = await fetch(`${url}/api/v1/runs/${encodeURIComponent(id)}`)
    expect(response.status).toBe(414)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({
      error: 'uri_too_long',
      message: 'a path parameter is longer than 100 characters',
    })
    expect(text).not.toContain('999999')
    expect(response.headers.get('x-request-id')).toBeTruthy()
  })
})

describe('slow clients', () => {
  it('closes a connection that trickles its headers soon after headersTimeout', async () => {
    const { url, app } = await start(createFixture(), {
      headersTimeout: 300,
      requestTimeout: 1_000,
      connectionsCheckingInterval: 100,
    })
    const server = app.server as typeof app.server & { connectionsCheckingInterval: number }
    expect(server.connectionsCheckingInterval).toBe(100)
    const { port } = new URL(url)
    const socket = connect(Number(port), '127.0.0.1')
    socket.on('error', () => undefined)
    socket.on('data', () => undefined)
    const started = Date.now()
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n')
    const trickle = setInterval(() => socket.write('X'), 50)
    const closedAfter = await new Promise<number>((resolve) => {
      socket.once('close', () => resolve(Date.now() - started))
    })
    clearInterval(trickle)
    // Node's default check interval (30 s) would leave it open far longer.
    expect(closedAfter).toBeGreaterThanOrEqual(250)
    expect(closedAfter).toBeLessThan(1_500)
  })
})
