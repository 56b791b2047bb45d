/** @module test/reliability/fault-proxy/postgres-through-proxy.test — the proxy in front of the real PostgreSQL: a query through it, a blackhole that holds a query until lifted, and reset_peer surfacing as ECONNRESET in `pg`. */
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxyServer } from '../../../src/reliability/fault-proxy/fault-proxy-server.ts'
import type { FaultProxyServer } from '../../../src/reliability/fault-proxy/fault-proxy-server.ts'
import { isLoopbackHost } from '../../../src/reliability/fault-proxy/loopback-policy.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'

const SUITE = 'fault proxy in front of PostgreSQL'
const available = await postgresForTests(SUITE)
const target = available === undefined ? undefined : new URL(available)
// The proxy only forwards to loopback; a remote DATABASE_URL cannot be put behind it.
const pgUrl = target && isLoopbackHost(target.hostname.replace(/^\[|\]$/g, '')) ? target : undefined
if (target && !pgUrl) console.warn(`\n*** ${SUITE} SKIPPED: DATABASE_URL is not on loopback ***\n`)

describe.skipIf(pgUrl === undefined)(SUITE, () => {
  let faults: FaultProxyServer

  beforeAll(async () => {
    faults = await startFaultProxyServer()
  })

  afterAll(async () => {
    await faults.stop()
  })

  it('queries through the proxy; timeout holds a query until removed; reset_peer gives ECONNRESET', async () => {
    const direct = pgUrl as URL
    const proxy = await faults.createProxy({
      name: 'postgres',
      upstream: `${direct.hostname}:${direct.port || '5432'}`,
    })
    const viaProxy = new URL(direct)
    viaProxy.host = proxy.listen
    const client = new pg.Client({
      connectionString: viaProxy.toString(),
      connectionTimeoutMillis: 3_000,
    })
    // The reset below is also reported as a client 'error' event; unhandled, it would crash.
    client.on('error', () => undefined)
    await client.connect()
    try {
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }])

      proxy.addToxic({ name: 'blackhole', type: 'timeout', attributes: { timeout: 0 } })
      let settled = false
      const held = client.query('select 2 as two').finally(() => (settled = true))
      await sleep(400)
      expect(settled).toBe(false)
      proxy.removeToxic('blackhole')
      expect((await held).rows).toEqual([{ two: 2 }])

      proxy.addToxic({ name: 'rst', type: 'reset_peer', attributes: { timeout: 0 } })
      await expect(client.query('select 3')).rejects.toMatchObject({ code: 'ECONNRESET' })
      expect(proxy.toJSON().bytes_downstream).toBeGreaterThan(0)
    } finally {
      await client.end().catch(() => undefined)
    }
  })
})
