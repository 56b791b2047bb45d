/** @module reliability/fault-proxy/control-api-router — the HTTP control API, mirroring Toxiproxy's REST routes, status codes and `{error, status}` bodies so its clients work unchanged. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FaultProxyError } from './fault-proxy-error.ts'
import type { ProxyRegistry, ProxySpec } from './proxy-registry.ts'
import type { ToxicSpec } from './toxic-schema.ts'

/** Toxiproxy's API level we mirror; build metadata marks the implementation without changing
 * how semver-aware clients compare it. */
export const TOXIPROXY_API_VERSION = '2.5.0+syncline'

/** Control requests are tiny JSON documents; anything bigger is a mistake or abuse. */
const MAX_BODY_BYTES = 1024 * 1024

interface Reply {
  readonly status: number
  readonly json?: unknown
  readonly text?: string
}
type Handler = (
  registry: ProxyRegistry,
  params: string[],
  body: () => Promise<unknown>,
) => Reply | Promise<Reply>

/** Routes by path pattern, then method, so a known path with the wrong method is a 405. */
const routes: [RegExp, Partial<Record<string, Handler>>][] = [
  [/^\/version$/, { GET: () => ({ status: 200, text: TOXIPROXY_API_VERSION }) }],
  [
    /^\/reset$/,
    {
      POST: async (registry) => {
        await registry.reset()
        return { status: 204 }
      },
    },
  ],
  [
    /^\/populate$/,
    {
      POST: async (registry, _params, body) => {
        const proxies = await registry.populate(await body())
        return { status: 201, json: { proxies: proxies.map((proxy) => proxy.toJSON()) } }
      },
    },
  ],
  [
    /^\/proxies$/,
    {
      GET: (registry) => ({
        status: 200,
        json: Object.fromEntries(registry.list().map((proxy) => [proxy.name, proxy.toJSON()])),
      }),
      POST: async (registry, _params, body) => {
        const proxy = await registry.create((await body()) as ProxySpec)
        return { status: 201, json: proxy.toJSON() }
      },
    },
  ],
  [
    /^\/proxies\/([^/]+)$/,
    {
      GET: (registry, [name = '']) => ({ status: 200, json: registry.get(name).toJSON() }),
      POST: async (registry, [name = ''], body) => {
        const proxy = registry.get(name)
        const patch = await body()
        if (typeof patch !== 'object' || patch === null) {
          throw new FaultProxyError('bad request body: expected a JSON object', 400)
        }
        await proxy.update(patch)
        return { status: 200, json: proxy.toJSON() }
      },
      DELETE: async (registry, [name = '']) => {
        await registry.remove(name)
        return { status: 204 }
      },
    },
  ],
  [
    /^\/proxies\/([^/]+)\/toxics$/,
    {
      GET: (registry, [name = '']) => ({ status: 200, json: registry.get(name).toxics }),
      POST: async (registry, [name = ''], body) => {
        const proxy = registry.get(name)
        return { status: 200, json: proxy.addToxic((await body()) as ToxicSpec) }
      },
    },
  ],
  [
    /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
    {
      GET: (registry, [name = '', toxic = '']) => ({
        status: 200,
        json: registry.get(name).toxic(toxic),
      }),
      POST: async (registry, [name = '', toxic = ''], body) => {
        const proxy = registry.get(name)
        return { status: 200, json: proxy.updateToxic(toxic, (await body()) as object) }
      },
      DELETE: (registry, [name = '', toxic = '']) => {
        registry.get(name).removeToxic(toxic)
        return { status: 204 }
      },
    },
  ],
]

export function controlApiHandler(
  registry: ProxyRegistry,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    route(registry, request)
      .then(({ status, json, text }) => {
        if (json !== undefined) send(response, status, 'application/json', JSON.stringify(json))
        else if (text !== undefined) send(response, status, 'text/plain', text)
        else response.writeHead(status).end()
      })
      .catch((error: unknown) => {
        const status = error instanceof FaultProxyError ? error.status : 500
        const message = error instanceof Error ? error.message : String(error)
        send(response, status, 'application/json', JSON.stringify({ error: message, status }))
      })
  }
}

async function route(registry: ProxyRegistry, request: IncomingMessage): Promise<Reply> {
  const { pathname } = new URL(request.url ?? '/', 'http://fault-proxy')
  for (const [pattern, methods] of routes) {
    const match = pattern.exec(pathname)
    if (!match) continue
    const handler = methods[request.method ?? 'GET']
    if (!handler) throw new FaultProxyError(`method ${request.method} not allowed`, 405)
    const params = match.slice(1).map((part) => decodeURIComponent(part))
    return await handler(registry, params, () => readJson(request))
  }
  throw new FaultProxyError(`no route for ${pathname}`, 404)
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new FaultProxyError('bad request body: too large', 413)
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (error) {
    throw new FaultProxyError(`bad request body: ${(error as Error).message}`, 400)
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  response.end(body)
}
