/** @module test/cli/canned-hub-server — a tiny HTTP server answering like the hub's API.
 *
 * The CLI is tested as a user runs it (a child process talking HTTP); this stands in for the hub
 * with fixed JSON and records what the CLI asked for.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
}

export type CannedRoute = (request: RecordedRequest) => { status?: number; body: unknown }

export interface CannedHub {
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text === '' ? undefined : JSON.parse(text)
}

export async function startCannedHub(routes: Record<string, CannedRoute>): Promise<CannedHub> {
  const requests: RecordedRequest[] = []
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: await readBody(request),
    }
    requests.push(recorded)
    const route = routes[`${recorded.method} ${recorded.path}`]
    const { status = 200, body } = route?.(recorded) ?? {
      status: 404,
      body: { error: 'not_found', message: `no route ${recorded.method} ${recorded.path}` },
    }
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  }
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  }
}

/** A starter for canned hubs that closes the one a test started after that test. */
export function cannedHubPerTest(): (routes: Record<string, CannedRoute>) => Promise<CannedHub> {
  let hub: CannedHub | undefined
  afterEach(async () => {
    await hub?.close()
    hub = undefined
  })
  return async (routes) => {
    hub = await startCannedHub(routes)
    return hub
  }
}
