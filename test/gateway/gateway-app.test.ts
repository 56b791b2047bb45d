/** @module test/gateway/gateway-app.test — the operator API and probes over real HTTP. */
import { describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../src/store/store-contract.ts'
import { createFixture } from './gateway-deps-fixture.ts'
import {
  closeGatewayAfterEach,
  getJson,
  postJson,
  startGateway as start,
} from './gateway-test-server.ts'

closeGatewayAfterEach()

describe('operator API', () => {
  it('lists runs with validated filters and defaults', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const { status, json } = await getJson(`${url}/api/v1/runs?state=dead&flow=order-to-netsuite`)
    expect(status).toBe(200)
    expect(json.runs.map((r) => r.id)).toEqual(['7'])
    expect(fixture.calls.runList[0]).toEqual({
      limit: 50,
      state: 'dead',
      flowName: 'order-to-netsuite',
    })

    await getJson(`${url}/api/v1/runs?limit=500&before=90&businessKey=k`)
    expect(fixture.calls.runList[1]).toEqual({ limit: 500, beforeId: '90', businessKey: 'k' })
  })

  it.each([
    [
      'state=sleeping',
      /'state' must be one of pending, running, retrying, waiting, completed, dead/,
    ],
    ['limit=0', /'limit' must be an integer from 1 to 500/],
    ['limit=501', /'limit' must be an integer from 1 to 500/],
    ['limit=abc', /'limit' must be an integer from 1 to 500/],
    ['before=abc', /'before' must be a numeric id/],
    // The store's ids are bigint: 0 is no id, and 2^63 cannot even be compared with one.
    ['before=0', /'before' must be a numeric id from 1 to 9223372036854775807/],
    ['before=9223372036854775808', /'before' must be a numeric id from 1 to 9223372036854775807/],
    // PostgreSQL refuses U+0000 in text; no control character belongs in a key.
    ['businessKey=a%00b', /'businessKey' must not contain control characters/],
    ['flow=a%0Ab', /'flow' must not contain control characters/],
    ['business_key=x', /unknown query parameter 'business_key'; allowed: businessKey, flow/],
    ['state=dead&state=completed', /'state'/],
  ])('answers 400 for runs?%s', async (query, message) => {
    const { url } = await start(createFixture())
    const { status, json } = await getJson(`${url}/api/v1/runs?${query}`)
    expect(status).toBe(400)
    expect(json.error).toBe('invalid_request')
    expect(json.message).toMatch(message)
  })

  it('shows one run, 404 for a missing one and 400 for a non-numeric id', async () => {
    const { url } = await start(createFixture())
    const found = await getJson(`${url}/api/v1/runs/7`)
    expect(found.status).toBe(200)
    expect(found.json).toMatchObject({ id: '7', steps: [] })
    const missing = await getJson(`${url}/api/v1/runs/8`)
    expect(missing).toMatchObject({
      status: 404,
      json: { error: 'not_found', message: 'run 8 not found' },
    })
    const bad = await getJson(`${url}/api/v1/runs/7abc`)
    expect(bad.status).toBe(400)
    expect(bad.json.message).toMatch(/'id' must be a numeric id/)
  })

  it('lists dead letters and validates includeReplayed', async () => {
    const { url } = await start(createFixture())
    const list = await getJson(`${url}/api/v1/dlq?limit=10&includeReplayed=true`)
    expect(list).toMatchObject({ status: 200, json: { deadLetters: [] } })
    const bad = await getJson(`${url}/api/v1/dlq?includeReplayed=yes`)
    expect(bad.status).toBe(400)
    expect(bad.json.message).toMatch(/'includeReplayed' must be true or false/)
  })

  it('replays by ids or all, and requires exactly one of them', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const byIds = await postJson(`${url}/api/v1/dlq/replay`, { runIds: ['7', '8', '7'] })
    expect(byIds).toEqual({ status: 200, json: { replayed: ['7', '8'] } })
    const all = await postJson(`${url}/api/v1/dlq/replay`, { all: true })
    expect(all.status).toBe(200)
    expect(fixture.calls.replay).toEqual([{ runIds: ['7', '8'] }, {}])

    for (const body of [
      {},
      { all: true, runIds: ['1'] },
      { all: false },
      { runIds: ['x'] },
      { runIds: [] },
      { ids: ['1'] },
    ]) {
      const response = await postJson(`${url}/api/v1/dlq/replay`, body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.json.error).toBe('invalid_request')
    }
    const notJson = await postJson(`${url}/api/v1/dlq/replay`, '{"all":')
    expect(notJson).toMatchObject({ status: 400, json: { error: 'invalid_json' } })
    expect(fixture.calls.replay).toHaveLength(2)
  })

  it('finds cross-references', async () => {
    const fixture = createFixture()
    fixture.crossReferences.push({
      tenantId: 'tenant-a',
      entityType: 'order',
      businessKey: 'shopify:order:1',
      sourceSystem: 'shopify',
      sourceId: '1',
      targetSystem: 'netsuite',
      targetId: 'SO-1',
      runId: '7',
      updatedAt: 1,
    })
    const { url } = await start(fixture)
    const found = await getJson(`${url}/api/v1/cross-references?businessKey=shopify:order:1`)
    expect(found.json.crossReferences).toHaveLength(1)
    const bad = await getJson(`${url}/api/v1/cross-references?limit=-1`)
    expect(bad.status).toBe(400)
  })

  it('serves stats, 503 with Retry-After when the store is down', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const stats = await getJson(`${url}/api/v1/stats`)
    expect(stats.json).toMatchObject({ deadLetters: 1, summary: { p95PropagationMs: 840 } })
    fixture.fail.stats = new StoreUnavailableError('down')
    const down = await getJson(`${url}/api/v1/stats`)
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBe('5')
    expect(down.json.error).toBe('store_unavailable')
  })

  it('lists the sandbox simulators', async () => {
    const { url } = await start(createFixture())
    const { json } = await getJson(`${url}/api/v1/sandbox`)
    expect(json.simulators[0]).toEqual({
      name: 'shopify',
      baseUrl: 'http://127.0.0.1:9001',
      scenarioUrl: 'http://127.0.0.1:9001/_scenario',
    })
  })

  it('answers unknown routes with 404 JSON', async () => {
    const { url } = await start(createFixture())
    const { status, json } = await getJson(`${url}/api/v1/nothing?x=1`)
    expect(status).toBe(404)
    expect(json.error).toBe('not_found')
    expect(json.message).toContain('GET /api/v1/nothing')
  })
})

describe('probes, metrics and server settings', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    expect(await getJson(`${url}/healthz`)).toMatchObject({ status: 200, json: { status: 'ok' } })
    expect((await getJson(`${url}/readyz`)).status).toBe(200)
    fixture.fail.ready = new Error('migrations not applied')
    const notReady = await getJson(`${url}/readyz`)
    expect(notReady).toMatchObject({
      status: 503,
      json: { error: 'not_ready', message: 'migrations not applied' },
    })
    // Liveness does not depend on the store.
    expect((await getJson(`${url}/healthz`)).status).toBe(200)

    const metrics = await fetch(`${url}/metrics`)
    expect(metrics.headers.get('content-type')).toContain('text/plain')
    expect(await metrics.text()).toContain('syncline_fixture_total 3')
  })

  it('answers /readyz 503 when ready() hangs past the timeout', async () => {
    const fixture = createFixture()
    fixture.deps.ready = () => new Promise(() => {})
    const { url } = await start(fixture, { readyTimeoutMs: 50 })
    const { status, json } = await getJson(`${url}/readyz`)
    expect(status).toBe(503)
    expect(json.message).toMatch(/longer than 50 ms/)
  })

  it('tags each request with an id, echoed in the response and carried by its log lines', async () => {
    const fixture = createFixture()
    const { url } = await start(fixture)
    const response = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-42' } })
    expect(response.headers.get('x-request-id')).toBe('trace-42')
    const generated = await fetch(`${url}/healthz`, {
      headers: { 'x-request-id': 'not a plain id' },
    })
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const lines = fixture.logLines.map((l) => JSON.parse(l) as { reqId?: string; msg: string })
    expect(lines.some((l) => l.reqId === 'trace-42' && l.msg === 'request completed')).toBe(true)
  })

  it('applies the slow-client timeouts to the Node server', async () => {
    const { app } = await start(createFixture(), {
      connectionTimeout: 11_000,
      requestTimeout: 12_000,
      headersTimeout: 13_000,
      keepAliveTimeout: 4_000,
    })
    expect(app.server.timeout).toBe(11_000)
    expect(app.server.requestTimeout).toBe(12_000)
    // Never above the request timeout, or Node would reject the combination.
    expect(app.server.headersTimeout).toBe(12_000)
    expect(app.server.keepAliveTimeout).toBe(4_000)
  })
})
