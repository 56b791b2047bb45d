/** @module test/gateway/gateway-test-server — start a gateway on a free port and call it. */
import type { AddressInfo, Socket } from 'node:net'
import { afterEach } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildGateway } from '../../src/gateway/gateway-app.ts'
import type { GatewayOptions } from '../../src/gateway/gateway-app.ts'
import type { SandboxSimulatorInfo } from '../../src/gateway/gateway-deps.ts'
import type { CrossReferenceRecord, RunRecord } from '../../src/store/store-contract.ts'
import type { FixtureState } from './gateway-deps-fixture.ts'

let current: FastifyInstance | undefined

/** Registers the teardown in the calling test file: each test's gateway is closed after it. */
export function closeGatewayAfterEach(): void {
  afterEach(async () => {
    await current?.close()
    current = undefined
  })
}

export async function startGateway(
  fixture: FixtureState,
  options?: GatewayOptions,
): Promise<{ url: string; sockets: Socket[]; app: FastifyInstance }> {
  const app = buildGateway(fixture.deps, options)
  current = app
  const sockets: Socket[] = []
  app.server.on('connection', (socket: Socket) => sockets.push(socket))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, sockets, app }
}

/** Response bodies as the tests read them: the union of the fields the routes return. */
export interface ApiJson {
  error: string
  message: string
  runs: RunRecord[]
  crossReferences: CrossReferenceRecord[]
  simulators: SandboxSimulatorInfo[]
  [field: string]: unknown
}

export async function getJson(
  url: string,
): Promise<{ status: number; json: ApiJson; headers: Headers }> {
  const response = await fetch(url)
  const json = (await response.json()) as ApiJson
  return { status: response.status, json, headers: response.headers }
}

export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; json: ApiJson }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as ApiJson }
}
