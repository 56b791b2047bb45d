/** @module sandbox/kit/simulator-server — the Fastify instance under each simulator: one server, one port, a clean stop. */

import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'

export interface SimulatorServer {
  readonly app: FastifyInstance
  /** Aborted when stop() begins, so held-back responses and retry timers end promptly. */
  readonly closing: AbortSignal
  /** Listens once; a stopped simulator is not restarted (create a new one instead). */
  start(host: string, port: number): Promise<string>
  stop(): Promise<void>
  /** `http://host:port`, available once started. */
  readonly baseUrl: string
}

export function createSimulatorServer(): SimulatorServer {
  const app = Fastify({
    logger: false,
    // Held-back (timeout fault) responses would otherwise keep close() waiting for the delay.
    forceCloseConnections: true,
    // NetSuite accepts requests up to 104 MB; a sandbox needs far less, but should not choke on bursts.
    bodyLimit: 16 * 1024 * 1024,
  })
  const stopping = new AbortController()
  let baseUrl: string | null = null
  let state: 'new' | 'started' | 'stopped' = 'new'
  return {
    app,
    closing: stopping.signal,
    async start(host, port) {
      if (state !== 'new') throw new Error(`simulator already ${state}`)
      state = 'started'
      await app.listen({ host, port })
      const address = app.server.address() as AddressInfo
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
      baseUrl = `http://${shownHost}:${address.port}`
      return baseUrl
    },
    async stop() {
      if (state === 'stopped') return
      state = 'stopped'
      stopping.abort(new Error('simulator stopping'))
      await app.close()
    },
    get baseUrl() {
      if (baseUrl === null) throw new Error('simulator not started')
      return baseUrl
    },
  }
}
