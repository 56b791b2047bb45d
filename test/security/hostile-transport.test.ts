/** Campaign test 11, transport: wrong media types, compressed bodies and slow clients are refused cleanly, and the hub never crashes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../support/hub-harness.ts'
import { gzipBomb } from './hostile-payload-cases.ts'
import { rssSampler, slowHeaderWindow, type SlowHeaderClient } from './hostile-http.ts'
import { expectHubSurvived, isHealthy, prototypeSnapshot } from './hub-survival.ts'
import {
  freshOrderId,
  postRaw,
  postSigned,
  webhookTarget,
  type WebhookTarget,
} from './webhook-client.ts'

const MiB = 1024 * 1024
const API_JSON = { 'content-type': 'application/json' }
const prototypeBefore = prototypeSnapshot()

describe('hostile transport against the webhook endpoint and the management API', () => {
  let h: Harness
  let target: WebhookTarget
  const apiPost = (body: Buffer | string, headers: Record<string, string> = API_JSON) =>
    postRaw(target, body, headers, '/api/v1/dlq/replay')
  const slow: SlowHeaderClient[] = []
  const healthy = () => isHealthy(h)

  beforeAll(async () => {
    h = await startHarness()
    target = webhookTarget(h)
  })
  afterAll(async () => {
    for (const client of slow) client.stop()
    await h?.stop()
  })

  it('answers 415 to a wrong Content-Type', async () => {
    const body = `{"id":${freshOrderId()}}`
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'application/json-patch+json',
    ]) {
      const hook = await postSigned(target, body, { 'content-type': type })
      expect(hook.status, type).toBe(415)
    }
    for (const type of ['application/x-www-form-urlencoded', 'application/xml']) {
      expect((await apiPost('{"all":true}', { 'content-type': type })).status, type).toBe(415)
    }
  })

  // Was a defect: Fastify's default text/plain parser stayed registered for the management API, so
  // POST /api/v1/dlq/replay with Content-Type: text/plain was parsed as a string and answered 400.
  // src/gateway/gateway-app.ts now removes it.
  it('answers 415 to text/plain on the management API', async () => {
    const answer = await apiPost('{"all":true}', { 'content-type': 'text/plain' })
    expect(answer.status).toBe(415)
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'unsupported_media_type' })
  })

  it('never decompresses a Content-Encoding: gzip bomb (1 MiB → 1 GiB)', async () => {
    const body = gzipBomb()
    const rss = rssSampler()
    const hook = await postSigned(target, body, { 'content-encoding': 'gzip' })
    const api = await apiPost(body, { ...API_JSON, 'content-encoding': 'gzip' })
    const growth = rss.stop()
    for (const answer of [hook, api]) {
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.status).toBeLessThan(500)
      expect(answer.ms).toBeLessThan(2_000)
    }
    expect(growth, `RSS growth ${(growth / MiB).toFixed(1)} MiB`).toBeLessThan(32 * MiB)
    expect(await healthy()).toBe(true)
  })

  // Was a defect: the gateway ignored Content-Encoding, so a gzip body was treated as identity bytes
  // (400 "not valid UTF-8") and `Content-Encoding: br` over plain JSON was accepted with 200. An
  // onRequest hook (src/gateway/content-encoding.ts) now answers 415 before the body is read.
  it('answers 415 (or 413) to a Content-Encoding it does not decode', async () => {
    const hook = await postSigned(target, gzipBomb(), { 'content-encoding': 'gzip' })
    expect([413, 415]).toContain(hook.status)
    const plain = `{"id":${freshOrderId()}}`
    const br = await postSigned(target, plain, { 'content-encoding': 'br' })
    expect(br.status).toBe(415)
    expect(JSON.parse(br.text)).toEqual({
      error: 'unsupported_content_encoding',
      message: 'send the body uncompressed (Content-Encoding: identity)',
    })
    const api = await apiPost(gzipBomb(), { ...API_JSON, 'content-encoding': 'gzip' })
    expect([413, 415]).toContain(api.status)
    const identity = await postSigned(target, plain, { 'content-encoding': 'identity' })
    expect(identity.status).toBe(200)
  })

  it('keeps answering normal requests while clients trickle headers 1 byte/s', async () => {
    const statuses = await slowHeaderWindow(h.hub.url, '/webhooks/shopify/demo', slow, async () => [
      (await fetch(`${h.hub.url}/healthz`)).status,
      (await postSigned(target, `{"id":${freshOrderId()},"id":1}`)).status,
    ])
    expect(statuses.length).toBeGreaterThan(10)
    expect(new Set(statuses)).toEqual(new Set([200, 400]))
  }, 30_000)

  // Was a defect: Node enforces headersTimeout (10 s) only every connectionsCheckingInterval
  // (default 30 s), so a client trickling headers was closed 10–40 s after it connected.
  // src/gateway/gateway-app.ts now passes `http: { connectionsCheckingInterval: 1_000 }`.
  // The bound: headersTimeout (10 s) + one check interval (1 s) + the client noticing the close at
  // its next 1-byte write (up to 1 s) + scheduling on a loaded 2-core machine (1 s).
  it('closes slow-header connections within headersTimeout (10 s, +3 s slack)', () => {
    try {
      expect(slow).toHaveLength(2)
      for (const client of slow) {
        expect(client.closedAfterMs).toBeDefined()
        expect(client.closedAfterMs).toBeLessThan(13_000)
      }
    } finally {
      for (const client of slow) client.stop()
    }
  })

  it('never crashed: still serving, no RangeError or uncaught error in the log, prototype intact', async () => {
    await expectHubSurvived(h, prototypeBefore)
  })
})
