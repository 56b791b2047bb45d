/** @module test/reliability/fault-proxy/toxics.test — each toxic measured on real loopback sockets through the proxy: an echo server behind it, timings taken on the client. */
import { randomBytes } from 'node:crypto'
import { get } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startFaultProxyServer } from '../../../src/reliability/fault-proxy/fault-proxy-server.ts'
import type {
  FaultProxyServer,
  ProxyHandle,
} from '../../../src/reliability/fault-proxy/fault-proxy-server.ts'
import { connectProbe, startEchoServer, startHttpServer } from './fault-proxy-fixtures.ts'
import type { TestServer } from './fault-proxy-fixtures.ts'

let faults: FaultProxyServer
let echo: TestServer
let proxies = 0

beforeAll(async () => {
  faults = await startFaultProxyServer()
  echo = await startEchoServer()
})

afterAll(async () => {
  await faults.stop()
  await echo.close()
})

function proxyToEcho(): Promise<ProxyHandle> {
  proxies += 1
  return faults.createProxy({ name: `echo-${proxies}`, upstream: echo.address })
}

describe('fault proxy toxics', () => {
  it('forwards bytes both ways unchanged and counts connections and bytes', async () => {
    const proxy = await proxyToEcho()
    const probe = await connectProbe(proxy.listen)
    const payload = randomBytes(10_000)
    probe.socket.write(payload)
    expect((await probe.waitForBytes(payload.length)).equals(payload)).toBe(true)
    expect(proxy.connections()).toMatchObject([{ bytesUpstream: 10_000, bytesDownstream: 10_000 }])
    expect(proxy.toJSON()).toMatchObject({
      active_connections: 1,
      total_connections: 1,
      bytes_upstream: 10_000,
      bytes_downstream: 10_000,
    })
    probe.socket.end()
    expect(await probe.closed).toBe('closed')
    await vi.waitFor(() => expect(proxy.connections()).toHaveLength(0))
  })

  it('closes the client connection when the upstream refuses', async () => {
    const closedPort = await startEchoServer()
    await closedPort.close()
    const proxy = await faults.createProxy({ name: 'nowhere', upstream: closedPort.address })
    const probe = await connectProbe(proxy.listen)
    expect(await probe.closed).toBe('closed')
    expect(probe.received().length).toBe(0)
  })

  it('latency delays each direction by its own amount, and stops when removed', async () => {
    const proxy = await proxyToEcho()
    const probe = await connectProbe(proxy.listen)
    const baseline = await probe.roundTrip('ping')
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 100 } })
    proxy.addToxic({ type: 'latency', attributes: { latency: 150, jitter: 20 } })
    const delayed = await probe.roundTrip('ping')
    // 100 up + (150 - 20) down, less 2 ms for timer rounding.
    expect(delayed).toBeGreaterThanOrEqual(228)
    expect(delayed).toBeLessThan(100 + 170 + 500)
    proxy.removeToxic('latency_upstream')
    proxy.removeToxic('latency_downstream')
    expect(await probe.roundTrip('ping')).toBeLessThan(baseline + 100)
    probe.socket.destroy()
  })

  it('latency added while a chunk waits applies to connections already open', async () => {
    const proxy = await proxyToEcho()
    const probe = await connectProbe(proxy.listen)
    await probe.roundTrip('warm')
    proxy.addToxic({ type: 'latency', attributes: { latency: 120 } })
    expect(await probe.roundTrip('ping')).toBeGreaterThanOrEqual(118)
    probe.socket.destroy()
  })

  it('bandwidth caps throughput at rate KB/s (1 KB = 1000 bytes)', async () => {
    const proxy = await proxyToEcho()
    const probe = await connectProbe(proxy.listen)
    proxy.addToxic({ type: 'bandwidth', attributes: { rate: 40 } })
    const payload = randomBytes(20_000)
    const started = performance.now()
    probe.socket.write(payload)
    const received = await probe.waitForBytes(payload.length, 5_000)
    const elapsed = performance.now() - started
    expect(received.equals(payload)).toBe(true)
    // 20 000 bytes at 40 000 bytes/s is 500 ms: never faster, and not far slower.
    expect(elapsed).toBeGreaterThanOrEqual(490)
    expect(elapsed).toBeLessThan(1_500)
    probe.socket.destroy()
  })

  it('limit_data closes the connection once N bytes have passed, across chunks', async () => {
    const proxy = await proxyToEcho()
    proxy.addToxic({ type: 'limit_data', attributes: { bytes: 50 } })
    const probe = await connectProbe(proxy.listen)
    const payload = randomBytes(60)
    probe.socket.write(payload.subarray(0, 30))
    await probe.waitForBytes(30)
    probe.socket.write(payload.subarray(30))
    expect(await probe.closed).toBe('closed')
    expect(probe.received().equals(payload.subarray(0, 50))).toBe(true)
  })

  it('slicer delivers every byte intact, in many small reads', async () => {
    const proxy = await proxyToEcho()
    proxy.addToxic({
      type: 'slicer',
      attributes: { average_size: 64, size_variation: 32, delay: 500 },
    })
    const probe = await connectProbe(proxy.listen)
    const payload = randomBytes(4_000)
    probe.socket.write(payload)
    expect((await probe.waitForBytes(payload.length)).equals(payload)).toBe(true)
    // About 60 slices, each written after a pause; even a busy reader sees far more than one read.
    expect(probe.dataEvents()).toBeGreaterThanOrEqual(10)
    probe.socket.destroy()
  })

  it('toxicity 0 never applies and toxicity 1 always applies', async () => {
    const proxy = await proxyToEcho()
    const exchange = async (): Promise<{ got: string; closed: string | undefined }> => {
      const probe = await connectProbe(proxy.listen)
      probe.socket.write('hello world')
      const closed = await Promise.race([
        probe.closed,
        probe.waitForBytes(11).then(() => undefined),
      ])
      const got = probe.received().toString()
      probe.socket.destroy()
      return { got, closed }
    }
    proxy.addToxic({ name: 'never', type: 'limit_data', toxicity: 0, attributes: { bytes: 3 } })
    const spared = await Promise.all(Array.from({ length: 10 }, exchange))
    expect(spared).toEqual(Array(10).fill({ got: 'hello world', closed: undefined }))

    proxy.removeToxic('never')
    proxy.addToxic({ name: 'always', type: 'limit_data', toxicity: 1, attributes: { bytes: 3 } })
    const cut = await Promise.all(Array.from({ length: 10 }, exchange))
    expect(cut).toEqual(Array(10).fill({ got: 'hel', closed: 'closed' }))
  })

  it('timeout 0 holds the bytes (connection open) until the toxic is removed', async () => {
    const proxy = await proxyToEcho()
    const probe = await connectProbe(proxy.listen)
    proxy.addToxic({ name: 'blackhole', type: 'timeout', attributes: { timeout: 0 } })
    probe.socket.write('held')
    await sleep(300)
    expect(probe.received().length).toBe(0)
    expect(probe.socket.destroyed).toBe(false)
    proxy.removeToxic('blackhole')
    expect((await probe.waitForBytes(4)).toString()).toBe('held')
    probe.socket.destroy()
  })

  it('timeout > 0 closes the connection after that many ms without delivering', async () => {
    const proxy = await proxyToEcho()
    proxy.addToxic({ type: 'timeout', attributes: { timeout: 200 } })
    const started = performance.now()
    const probe = await connectProbe(proxy.listen)
    probe.socket.write('lost')
    expect(await probe.closed).toBe('closed')
    expect(performance.now() - started).toBeGreaterThanOrEqual(180)
    expect(probe.received().length).toBe(0)
  })

  it('reset_peer resets the client (ECONNRESET) on the next bytes, after its timeout', async () => {
    const proxy = await proxyToEcho()
    const now = await connectProbe(proxy.listen)
    const later = await connectProbe(proxy.listen)
    proxy.addToxic({ name: 'rst', type: 'reset_peer', attributes: { timeout: 0 } })
    now.socket.write('boom')
    expect(await now.closed).toBe('ECONNRESET')

    proxy.updateToxic('rst', { attributes: { timeout: 150 } })
    const started = performance.now()
    later.socket.write('boom')
    expect(await later.closed).toBe('ECONNRESET')
    expect(performance.now() - started).toBeGreaterThanOrEqual(145)
    expect(later.received().length).toBe(0)
  })

  it('disable closes open connections and refuses new ones; enable restores the same address', async () => {
    const proxy = await proxyToEcho()
    const probe = await connectProbe(proxy.listen)
    await probe.roundTrip('before')
    const listen = proxy.listen
    await proxy.disable()
    expect(await probe.closed).toBe('closed')
    await expect(connectProbe(listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    // Concurrent switches are serialized: the listener ends up bound once, on the same port.
    await Promise.all([proxy.enable(), proxy.disable(), proxy.enable(), proxy.enable()])
    expect(proxy.enabled).toBe(true)
    expect(proxy.listen).toBe(listen)
    const again = await connectProbe(listen)
    expect(await again.roundTrip('after')).toBeLessThan(1_000)
    again.socket.destroy()
  })

  it('carries HTTP to a server behind it, with latency applied', async () => {
    const http = await startHttpServer()
    try {
      const proxy = await faults.createProxy({ name: 'http', upstream: http.address })
      const port = Number(proxy.listen.split(':')[1])
      const request = (): Promise<{ status?: number; body: string; ms: number }> =>
        new Promise((resolve, reject) => {
          const started = performance.now()
          get({ host: '127.0.0.1', port, path: '/health', agent: false }, (response) => {
            let body = ''
            response.setEncoding('utf8')
            response.on('data', (chunk: string) => (body += chunk))
            response.on('end', () =>
              resolve({ status: response.statusCode, body, ms: performance.now() - started }),
            )
          }).on('error', reject)
        })
      expect(await request()).toMatchObject({ status: 200, body: 'pong /health' })
      proxy.addToxic({ type: 'latency', attributes: { latency: 100 } })
      const slow = await request()
      expect(slow).toMatchObject({ status: 200, body: 'pong /health' })
      expect(slow.ms).toBeGreaterThanOrEqual(98)
    } finally {
      await http.close()
    }
  })
})
