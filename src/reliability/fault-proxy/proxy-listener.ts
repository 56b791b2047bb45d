/** @module reliability/fault-proxy/proxy-listener — one named proxy: a loopback listener, its upstream, its toxics and the connections it carries. */
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { FaultProxyError } from './fault-proxy-error.ts'
import { formatAddress, parseLoopbackAddress } from './loopback-policy.ts'
import type { HostPort } from './loopback-policy.ts'
import { ProxyConnection } from './proxy-connection.ts'
import type { ConnectionInfo } from './proxy-connection.ts'
import { parseToxic, patchToxic } from './toxic-schema.ts'
import type { Toxic, ToxicSpec } from './toxic-schema.ts'

/** Toxiproxy's proxy object, plus counters Toxiproxy lacks (clients ignore unknown fields). */
export interface ProxyJson {
  readonly name: string
  readonly listen: string
  readonly upstream: string
  readonly enabled: boolean
  readonly toxics: readonly Toxic[]
  readonly active_connections: number
  readonly total_connections: number
  readonly bytes_upstream: number
  readonly bytes_downstream: number
}

export interface ProxyUpdate {
  readonly listen?: unknown
  readonly upstream?: unknown
  readonly enabled?: unknown
}

export class FaultProxy {
  readonly name: string
  #listen: HostPort
  #upstream: HostPort
  #server: Server | undefined
  #toxics: readonly Toxic[] = []
  readonly #connections = new Set<ProxyConnection>()
  readonly #totals = { connections: 0, upstream: 0, downstream: 0 }
  #pending: Promise<void> = Promise.resolve()

  constructor(name: string, listen: HostPort, upstream: HostPort) {
    this.name = name
    this.#listen = listen
    this.#upstream = upstream
  }

  get enabled(): boolean {
    return this.#server !== undefined
  }
  /** The bound address; a requested port 0 reads back as the port the OS chose. */
  get listen(): string {
    return formatAddress(this.#listen)
  }
  get upstream(): string {
    return formatAddress(this.#upstream)
  }
  get toxics(): readonly Toxic[] {
    return this.#toxics
  }

  connections(): ConnectionInfo[] {
    return [...this.#connections].map((connection) => connection.info)
  }

  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.#toxics,
      active_connections: this.#connections.size,
      total_connections: this.#totals.connections,
      bytes_upstream: this.#totals.upstream,
      bytes_downstream: this.#totals.downstream,
    }
  }

  enable(): Promise<void> {
    return this.#serial(() => this.#enable())
  }

  /** Closes the listener (new connections are refused) and drops every open connection. */
  disable(): Promise<void> {
    return this.#serial(() => this.#disable())
  }

  /** Toxiproxy's POST /proxies/{name}: a new address restarts the listener. */
  update(patch: ProxyUpdate): Promise<void> {
    return this.#serial(() => this.#update(patch))
  }

  /** Listener changes run one at a time, so concurrent API calls cannot bind twice or race a close. */
  #serial(work: () => Promise<void>): Promise<void> {
    const result = this.#pending.then(work)
    this.#pending = result.catch(() => undefined)
    return result
  }

  async #enable(): Promise<void> {
    if (this.#server) return
    const server = createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const taken = error.code === 'EADDRINUSE'
        const message = `listen ${this.listen}: ${taken ? 'address already in use' : error.message}`
        reject(new FaultProxyError(message, taken ? 409 : 400))
      })
      server.listen(this.#listen.port, this.#listen.host, resolve)
    })
    // Keep the port the OS chose, so disable/enable comes back on the same address.
    const address = server.address()
    if (address !== null && typeof address === 'object') {
      this.#listen = { host: this.#listen.host, port: address.port }
    }
    this.#server = server
  }

  async #disable(): Promise<void> {
    const server = this.#server
    if (!server) return
    this.#server = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const connection of this.#connections) connection.destroy()
    await closed
  }

  async #update(patch: ProxyUpdate): Promise<void> {
    const listen =
      patch.listen === undefined ? this.#listen : parseLoopbackAddress(patch.listen, 'listen', true)
    const upstream =
      patch.upstream === undefined
        ? this.#upstream
        : parseLoopbackAddress(patch.upstream, 'upstream')
    const enabled = patch.enabled ?? this.enabled
    if (typeof enabled !== 'boolean') throw new FaultProxyError('enabled must be a boolean', 400)
    const moved = formatAddress(listen) !== this.listen || formatAddress(upstream) !== this.upstream
    const before = { listen: this.#listen, upstream: this.#upstream, enabled: this.enabled }
    if (moved || !enabled) await this.#disable()
    this.#listen = listen
    this.#upstream = upstream
    if (!enabled) return
    try {
      await this.#enable()
    } catch (error) {
      // A refused update (new port taken) leaves the proxy as it was, not moved and switched off.
      this.#listen = before.listen
      this.#upstream = before.upstream
      if (before.enabled) await this.#enable()
      throw error
    }
  }

  addToxic(spec: ToxicSpec): Toxic {
    const toxic = parseToxic(spec)
    if (this.#toxics.some((t) => t.name === toxic.name)) {
      throw new FaultProxyError('toxic already exists', 409)
    }
    this.#setToxics([...this.#toxics, toxic])
    return toxic
  }

  /** Changes attributes and/or toxicity; toxicity is re-rolled on every connection. */
  updateToxic(name: string, patch: { toxicity?: number; attributes?: object }): Toxic {
    const next = patchToxic(this.toxic(name), patch)
    this.#setToxics(this.#toxics.map((t) => (t.name === name ? next : t)))
    return next
  }

  removeToxic(name: string): void {
    this.toxic(name)
    this.#setToxics(this.#toxics.filter((t) => t.name !== name))
  }

  resetToxics(): void {
    this.#setToxics([])
  }

  toxic(name: string): Toxic {
    const toxic = this.#toxics.find((t) => t.name === name)
    if (!toxic) throw new FaultProxyError('toxic not found', 404)
    return toxic
  }

  #setToxics(toxics: readonly Toxic[]): void {
    this.#toxics = toxics
    for (const connection of this.#connections) connection.setToxics(toxics)
  }

  #accept(client: Socket): void {
    this.#totals.connections += 1
    const connection = new ProxyConnection({
      id: this.#totals.connections,
      client,
      upstream: this.#upstream,
      toxics: this.#toxics,
      onBytes: (stream, bytes) => (this.#totals[stream] += bytes),
      onClose: () => this.#connections.delete(connection),
    })
    this.#connections.add(connection)
  }
}
