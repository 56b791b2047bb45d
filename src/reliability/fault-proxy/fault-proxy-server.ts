/** @module reliability/fault-proxy/fault-proxy-server — starts the fault proxy: a Toxiproxy-compatible control API on loopback plus a programmatic handle for tests. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { controlApiHandler } from './control-api-router.ts'
import { FaultProxyError } from './fault-proxy-error.ts'
import { formatAddress, isLoopbackHost } from './loopback-policy.ts'
import type { FaultProxy } from './proxy-listener.ts'
import { ProxyRegistry } from './proxy-registry.ts'
import type { ProxySpec } from './proxy-registry.ts'

export type { FaultProxy as ProxyHandle } from './proxy-listener.ts'
export type { ProxySpec } from './proxy-registry.ts'
export type { Toxic, ToxicSpec } from './toxic-schema.ts'
export { FaultProxyError } from './fault-proxy-error.ts'

export interface FaultProxyServerOptions {
  /** Control API port; 0 (the default) picks a free one. Toxiproxy's usual port is 8474. */
  readonly port?: number
  /** Control API interface; must be loopback. Default 127.0.0.1. */
  readonly host?: string
}

export interface FaultProxyServer {
  /** Base URL of the control API, e.g. http://127.0.0.1:8474 — hand it to a Toxiproxy client. */
  readonly url: string
  createProxy(spec: ProxySpec): Promise<FaultProxy>
  /** The named proxy; throws FaultProxyError (status 404) when there is none. */
  proxy(name: string): FaultProxy
  proxies(): FaultProxy[]
  populate(specs: readonly ProxySpec[]): Promise<FaultProxy[]>
  /** Enables every proxy and removes every toxic, as POST /reset does. */
  reset(): Promise<void>
  /** Closes the control API, every listener and every proxied connection. */
  stop(): Promise<void>
}

export async function startFaultProxyServer(
  options: FaultProxyServerOptions = {},
): Promise<FaultProxyServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host)) {
    throw new FaultProxyError(`control API host ${host} is not a loopback address`, 400)
  }
  const registry = new ProxyRegistry()
  const server = createServer(controlApiHandler(registry))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${formatAddress({ host, port })}`,
    createProxy: (spec) => registry.create(spec),
    proxy: (name) => registry.get(name),
    proxies: () => registry.list(),
    populate: (specs) => registry.populate(specs),
    reset: () => registry.reset(),
    async stop() {
      await registry.stopAll()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive clients would otherwise hold close() open until they time out.
      server.closeAllConnections()
      await closed
    },
  }
}
