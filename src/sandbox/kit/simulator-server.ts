/** @module sandbox/kit/simulator-server — the Fastify instance under each simulator: one server, one port, vendor-shaped errors, a clean stop. */

import Fastify from 'fastify'
import type { FastifyError, FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { sendSim } from './sim-response.ts'
import type { SimResponse } from './sim-response.ts'

/** How the vendor answers what no route handles: unparsable bodies, unknown paths, crashes. */
export interface VendorErrors {
  readonly badRequest: (message: string) => SimResponse
  readonly notFound: () => SimResponse
  readonly internal: () => SimResponse
}

export interface SimulatorServerOptions {
  readonly errors: VendorErrors
  /** JSON body parser; Shopify's keeps int64 ids exact. An empty body parses to undefined. */
  readonly parseJson?: (text: string) => unknown
}

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

const isSimPath = (url: string): boolean =>
  url === '/__sim' || url.startsWith('/__sim/') || url.startsWith('/__sim?')

export function createSimulatorServer(options: SimulatorServerOptions): SimulatorServer {
  const app = Fastify({
    logger: false,
    // Held-back (timeout fault) responses would otherwise keep close() waiting for the delay.
    forceCloseConnections: true,
    // NetSuite accepts requests up to 104 MB; a sandbox needs far less, but should not choke on bursts.
    bodyLimit: 16 * 1024 * 1024,
  })
  const parse = options.parseJson ?? ((text: string): unknown => JSON.parse(text))
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body)
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, parse(text))
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      done(
        Object.assign(new Error(`invalid JSON body: ${message}`), { statusCode: 400 }),
        undefined,
      )
    }
  })
  // /__sim is our own API and answers plainly; everything else answers as the vendor would.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500
    if (isSimPath(request.url)) return reply.code(status).send({ error: error.message })
    return sendSim(
      reply,
      status < 500 ? options.errors.badRequest(error.message) : options.errors.internal(),
    )
  })
  app.setNotFoundHandler((request, reply) =>
    isSimPath(request.url)
      ? reply.code(404).send({ error: `no such route: ${request.method} ${request.url}` })
      : sendSim(reply, options.errors.notFound()),
  )

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
