/** @module test/reliability/fault-proxy/control-api.test — the Toxiproxy-compatible HTTP API: routes, status codes, `{error, status}` bodies and the loopback-only rule. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxyServer } from '../../../src/reliability/fault-proxy/fault-proxy-server.ts'
import type { FaultProxyServer } from '../../../src/reliability/fault-proxy/fault-proxy-server.ts'
import { parseLoopbackAddress } from '../../../src/reliability/fault-proxy/loopback-policy.ts'
import type { ProxyJson } from '../../../src/reliability/fault-proxy/proxy-listener.ts'
import { connectProbe, startEchoServer } from './fault-proxy-fixtures.ts'
import type { TestServer } from './fault-proxy-fixtures.ts'

let faults: FaultProxyServer
let echo: TestServer

beforeAll(async () => {
  faults = await startFaultProxyServer()
  echo = await startEchoServer()
})

afterAll(async () => {
  await faults.stop()
  await echo.close()
})

/** The fields these tests read from a single-object answer (proxy, toxic or error). */
interface ApiBody {
  readonly error?: string
  readonly status?: number
  readonly listen?: string
  readonly upstream?: string
  readonly attributes?: Record<string, number>
  readonly proxies?: readonly ProxyJson[]
}

async function call<T = ApiBody>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T; text: string }> {
  const response = await fetch(`${faults.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.includes('json') === true
  return { status: response.status, json: (isJson ? JSON.parse(text) : {}) as T, text }
}

describe('fault proxy control API', () => {
  it('GET /version answers in plain text, as Toxiproxy does', async () => {
    const { status, text } = await call('GET', '/version')
    expect(status).toBe(200)
    expect(text).toMatch(/^2\.\d+\.\d+/)
  })

  it('creates a proxy (201), lists it with counters, and refuses a duplicate name (409)', async () => {
    const created = await call('POST', '/proxies', { name: 'api-echo', upstream: echo.address })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      name: 'api-echo',
      upstream: echo.address,
      enabled: true,
      toxics: [],
    })
    expect(created.json.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/)

    const probe = await connectProbe(created.json.listen ?? '')
    await probe.roundTrip('12345')
    const { status, json } = await call<Record<string, ProxyJson>>('GET', '/proxies')
    expect(status).toBe(200)
    expect(json['api-echo']).toMatchObject({
      active_connections: 1,
      total_connections: 1,
      bytes_upstream: 5,
      bytes_downstream: 5,
    })
    probe.socket.destroy()

    const again = await call('POST', '/proxies', { name: 'api-echo', upstream: echo.address })
    expect(again).toMatchObject({
      status: 409,
      json: { error: 'proxy already exists', status: 409 },
    })
  })

  it('refuses (400) any listen or upstream address that is not loopback', async () => {
    const offLoopback = [
      '10.0.0.5:5432',
      '0.0.0.0:5432',
      '192.168.1.10:80',
      '169.254.169.254:80',
      'example.com:443',
      'localhost.:80',
      '[::]:80',
      '[::2]:80',
    ]
    for (const upstream of offLoopback) {
      const { status, json } = await call('POST', '/proxies', { name: 'bad', upstream })
      expect({ upstream, status, error: json.error }).toMatchObject({
        status: 400,
        error: expect.stringContaining('not a loopback address'),
      })
    }
    const listen = await call('POST', '/proxies', {
      name: 'bad',
      listen: '0.0.0.0:0',
      upstream: echo.address,
    })
    expect(listen).toMatchObject({ status: 400, json: { status: 400 } })
    expect(await call('POST', '/proxies', { name: 'bad' })).toMatchObject({
      status: 400,
      json: { error: 'missing required field: upstream' },
    })
    expect((await call<Record<string, ProxyJson>>('GET', '/proxies')).json).not.toHaveProperty(
      'bad',
    )

    await call('POST', '/proxies', { name: 'moving', upstream: echo.address })
    const moved = await call('POST', '/proxies/moving', { upstream: '8.8.8.8:53' })
    expect(moved.status).toBe(400)
    expect((await call('GET', '/proxies/moving')).json.upstream).toBe(echo.address)
  })

  it('parses loopback addresses in every spelling and rejects bad ports', () => {
    expect(parseLoopbackAddress('[::1]:5432', 'upstream')).toEqual({ host: '::1', port: 5432 })
    expect(parseLoopbackAddress('127.1.2.3:1', 'upstream')).toEqual({ host: '127.1.2.3', port: 1 })
    expect(parseLoopbackAddress('LOCALHOST:0', 'listen', true)).toEqual({
      host: 'LOCALHOST',
      port: 0,
    })
    expect(() => parseLoopbackAddress('127.0.0.1:0', 'upstream')).toThrow(/valid host:port/)
    expect(() => parseLoopbackAddress('127.0.0.1:70000', 'upstream')).toThrow(/valid host:port/)
    expect(() => parseLoopbackAddress('::1:80', 'upstream')).toThrow(/valid host:port/)
  })

  it('answers 404 for unknown proxies, toxics and routes, 405 for a wrong method', async () => {
    const notFound = { status: 404, json: { error: 'proxy not found', status: 404 } }
    expect(await call('GET', '/proxies/nope')).toMatchObject(notFound)
    expect(await call('DELETE', '/proxies/nope')).toMatchObject(notFound)
    expect(await call('POST', '/proxies/nope', { enabled: false })).toMatchObject(notFound)
    expect(await call('GET', '/proxies/nope/toxics')).toMatchObject(notFound)
    expect(await call('POST', '/proxies/nope/toxics', { type: 'latency' })).toMatchObject(notFound)

    await call('POST', '/proxies', { name: 'lookup', upstream: echo.address })
    expect(await call('GET', '/proxies/lookup/toxics/nope')).toMatchObject({
      status: 404,
      json: { error: 'toxic not found', status: 404 },
    })
    expect(await call('DELETE', '/proxies/lookup/toxics/nope')).toMatchObject({ status: 404 })
    expect((await call('GET', '/nowhere')).status).toBe(404)
    expect((await call('PUT', '/proxies')).status).toBe(405)
  })

  it('creates, reads, updates and deletes toxics with Toxiproxy defaults and validation', async () => {
    await call('POST', '/proxies', { name: 'toxic-crud', upstream: echo.address })
    const base = '/proxies/toxic-crud/toxics'
    const created = await call('POST', base, { type: 'latency', attributes: { latency: 50 } })
    expect(created).toMatchObject({
      status: 200,
      json: {
        name: 'latency_downstream',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 50, jitter: 0 },
      },
    })
    expect((await call('POST', base, { type: 'latency' })).status).toBe(409)

    const invalid = [
      { type: 'latency', name: 'a', attributes: { latnecy: 5 } },
      { type: 'latency', name: 'b', attributes: { latency: -1 } },
      { type: 'latency', name: 'c', attributes: { latency: 1.5 } },
      { type: 'latency', name: 'd', attributes: { latency: '5' } },
      { type: 'slicer', name: 'e', attributes: { average_size: 0 } },
      { type: 'latency', name: 'f', toxicity: 2 },
      { type: 'latency', name: 'g', stream: 'sideways' },
      { type: 'slow_close', name: 'h' },
      '{"type": "latency",',
    ]
    for (const body of invalid) {
      const { status, json } = await call('POST', base, body)
      expect({ body, status, jsonStatus: json.status }).toEqual({
        body,
        status: 400,
        jsonStatus: 400,
      })
    }

    const updated = await call('POST', `${base}/latency_downstream`, {
      attributes: { jitter: 10 },
      toxicity: 0.5,
    })
    expect(updated.json).toMatchObject({ toxicity: 0.5, attributes: { latency: 50, jitter: 10 } })
    await call('POST', base, { type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } })
    const listed = await call<{ name: string }[]>('GET', base)
    expect(listed.json.map((t) => t.name)).toEqual(['latency_downstream', 'bandwidth_upstream'])
    expect((await call('GET', `${base}/bandwidth_upstream`)).json.attributes).toEqual({ rate: 100 })
    expect((await call('DELETE', `${base}/latency_downstream`)).status).toBe(204)
    expect((await call('GET', `${base}/latency_downstream`)).status).toBe(404)
  })

  it('enabled:false closes open connections and refuses new ones; POST /reset restores all', async () => {
    const { json: proxy } = await call('POST', '/proxies', {
      name: 'switch',
      upstream: echo.address,
    })
    const listen = proxy.listen ?? ''
    const probe = await connectProbe(listen)
    await probe.roundTrip('hello')
    await call('POST', '/proxies/switch/toxics', { type: 'timeout', attributes: { timeout: 0 } })

    const disabled = await call('POST', '/proxies/switch', { enabled: false })
    expect(disabled).toMatchObject({ status: 200, json: { enabled: false, listen } })
    expect(await probe.closed).toBe('closed')
    await expect(connectProbe(listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' })

    expect((await call('POST', '/reset')).status).toBe(204)
    const after = await call('GET', '/proxies/switch')
    expect(after.json).toMatchObject({ enabled: true, toxics: [], listen })
    const again = await connectProbe(listen)
    expect(await again.roundTrip('back')).toBeLessThan(1_000)
    again.socket.destroy()
  })

  it('an update to a taken listen port is refused (409) and leaves the proxy where it was', async () => {
    const { json: a } = await call('POST', '/proxies', { name: 'stay', upstream: echo.address })
    const { json: b } = await call('POST', '/proxies', { name: 'taken', upstream: echo.address })
    const moved = await call('POST', '/proxies/stay', { listen: b.listen })
    expect(moved).toMatchObject({ status: 409, json: { status: 409 } })
    expect((await call('GET', '/proxies/stay')).json).toMatchObject({
      listen: a.listen,
      enabled: true,
    })
    const probe = await connectProbe(a.listen ?? '')
    expect(await probe.roundTrip('still here')).toBeLessThan(1_000)
    probe.socket.destroy()
  })

  it('DELETE removes a proxy (204) and closes its listener', async () => {
    const { json: proxy } = await call('POST', '/proxies', { name: 'gone', upstream: echo.address })
    expect((await call('DELETE', '/proxies/gone')).status).toBe(204)
    expect((await call('GET', '/proxies/gone')).status).toBe(404)
    await expect(connectProbe(proxy.listen ?? '')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    })
  })

  it('POST /populate creates proxies and keeps those already configured the same way', async () => {
    const first = await call('POST', '/populate', [
      { name: 'pop-a', upstream: echo.address },
      { name: 'pop-b', upstream: echo.address },
    ])
    expect(first.status).toBe(201)
    const second = await call('POST', '/populate', [{ name: 'pop-a', upstream: echo.address }])
    expect(second.json.proxies?.[0]?.listen).toBe(first.json.proxies?.[0]?.listen)
    const bad = await call('POST', '/populate', [
      { name: 'pop-c', upstream: echo.address },
      { name: 'pop-d', upstream: '10.1.1.1:80' },
    ])
    expect(bad.status).toBe(400)
    expect((await call<Record<string, ProxyJson>>('GET', '/proxies')).json).not.toHaveProperty(
      'pop-c',
    )
  })
})
