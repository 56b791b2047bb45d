/** @module reliability/fault-proxy/proxy-registry — the named proxies of one fault-proxy server, with Toxiproxy's create, populate, delete and reset semantics. */
import { FaultProxyError } from './fault-proxy-error.ts'
import { formatAddress, parseLoopbackAddress } from './loopback-policy.ts'
import type { HostPort } from './loopback-policy.ts'
import { FaultProxy } from './proxy-listener.ts'

export interface ProxySpec {
  readonly name: string
  /** Loopback `host:port`; default `127.0.0.1:0`, i.e. any free port (read it back from `listen`). */
  readonly listen?: string
  readonly upstream: string
  readonly enabled?: boolean
}

interface ParsedSpec {
  readonly name: string
  readonly listen: HostPort
  readonly upstream: HostPort
  readonly enabled: boolean
}

function parseSpec(body: unknown): ParsedSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FaultProxyError('bad request body: expected a JSON object', 400)
  }
  const spec = body as Record<string, unknown>
  if (typeof spec.name !== 'string' || spec.name === '') {
    throw new FaultProxyError('missing required field: name', 400)
  }
  if (spec.upstream === undefined || spec.upstream === '') {
    throw new FaultProxyError('missing required field: upstream', 400)
  }
  const enabled = spec.enabled ?? true
  if (typeof enabled !== 'boolean') throw new FaultProxyError('enabled must be a boolean', 400)
  return {
    name: spec.name,
    // Toxiproxy's empty listen binds every interface; ours stays on loopback.
    listen: parseLoopbackAddress(spec.listen ?? '127.0.0.1:0', 'listen', true),
    upstream: parseLoopbackAddress(spec.upstream, 'upstream'),
    enabled,
  }
}

export class ProxyRegistry {
  readonly #proxies = new Map<string, FaultProxy>()

  list(): FaultProxy[] {
    return [...this.#proxies.values()]
  }

  get(name: string): FaultProxy {
    const proxy = this.#proxies.get(name)
    if (!proxy) throw new FaultProxyError('proxy not found', 404)
    return proxy
  }

  /** Validates as the API does, since callers may pass parsed JSON cast to ProxySpec. */
  async create(body: ProxySpec): Promise<FaultProxy> {
    const spec = parseSpec(body)
    if (this.#proxies.has(spec.name)) throw new FaultProxyError('proxy already exists', 409)
    const proxy = new FaultProxy(spec.name, spec.listen, spec.upstream)
    // Claim the name before binding, so two concurrent creates cannot both pass the check above.
    this.#proxies.set(spec.name, proxy)
    try {
      if (spec.enabled) await proxy.enable()
    } catch (error) {
      this.#proxies.delete(spec.name)
      throw error
    }
    return proxy
  }

  /** Toxiproxy's POST /populate: creates the listed proxies, keeps those already configured the
   * same way, and recreates those whose addresses differ. Everything is validated first, so a bad
   * entry changes nothing. */
  async populate(body: unknown): Promise<FaultProxy[]> {
    if (!Array.isArray(body)) throw new FaultProxyError('bad request body: expected an array', 400)
    const specs = body.map(parseSpec)
    const result: FaultProxy[] = []
    for (const spec of specs) {
      const existing = this.#proxies.get(spec.name)
      const sameListen = spec.listen.port === 0 || formatAddress(spec.listen) === existing?.listen
      if (existing && sameListen && formatAddress(spec.upstream) === existing.upstream) {
        if (spec.enabled) await existing.enable()
        result.push(existing)
        continue
      }
      if (existing) await this.remove(spec.name)
      result.push(
        await this.create({
          ...spec,
          listen: formatAddress(spec.listen),
          upstream: formatAddress(spec.upstream),
        }),
      )
    }
    return result
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name)
    this.#proxies.delete(name)
    await proxy.disable()
  }

  /** Toxiproxy's POST /reset: every proxy enabled, every toxic gone; open connections stay. */
  async reset(): Promise<void> {
    for (const proxy of this.#proxies.values()) {
      proxy.resetToxics()
      await proxy.enable()
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#proxies.keys()].map((name) => this.remove(name)))
  }
}
