/** @module test/sandbox/threepl-test-kit — helpers for the 3PL simulator tests: a started simulator, an API client with its key, a webhook receiver that can answer with headers. */

import { createServer } from 'node:http'
import { expect } from 'vitest'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import type {
  ThreePlSimulator,
  ThreePlSimulatorOptions,
} from '../../src/sandbox/threepl/threepl-simulator.ts'

/** Starts a simulator without the real-time ticker, so only the tests move the floor. */
export async function startThreePl(
  options: ThreePlSimulatorOptions = {},
  cleanups: (() => Promise<void>)[],
): Promise<ThreePlSimulator> {
  const sim = createThreePlSimulator({ seed: 42, progressionTickMs: 0, ...options })
  await sim.start()
  cleanups.push(() => sim.stop())
  return sim
}

export interface ApiClient {
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>
}

export function apiClient(sim: ThreePlSimulator): ApiClient {
  return {
    call: (method, path, body, headers = {}) =>
      fetch(`${sim.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${sim.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  }
}

/** A POST to the scenario API with a JSON body. */
export function simPost(
  sim: ThreePlSimulator,
  path: string,
  body: unknown = {},
): Promise<Response> {
  return fetch(`${sim.scenarioUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

export const SHIP_TO = {
  name: 'Ada Lovelace',
  address1: '12 Analytical Row',
  city: 'London',
  postal_code: 'N1 9GU',
  country_code: 'GB',
}

export const orderBody = (
  reference: string,
  lines: { sku: string; quantity: number }[] = [{ sku: 'SKU-1', quantity: 2 }],
) => ({ external_reference: reference, ship_to: SHIP_TO, lines })

export interface Hook {
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly at: number
}

export interface HookAnswer {
  readonly status: number
  readonly delayMs?: number
  readonly headers?: Record<string, string>
}

export interface HookReceiver {
  readonly url: string
  readonly received: Hook[]
  close(): Promise<void>
}

/** A real HTTP webhook endpoint; `answer(n)` decides the reply to the n-th request (0-based). */
export async function startHookReceiver(
  answer: (n: number, hook: Hook) => HookAnswer = () => ({ status: 204 }),
  cleanups?: (() => Promise<void>)[],
): Promise<HookReceiver> {
  const received: Hook[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const hook: Hook = { headers: req.headers, body: Buffer.concat(chunks), at: Date.now() }
      const reply = answer(received.length, hook)
      received.push(hook)
      setTimeout(() => {
        if (res.destroyed) return
        res.writeHead(reply.status, reply.headers ?? {})
        res.end()
      }, reply.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const receiver: HookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  cleanups?.push(() => receiver.close())
  return receiver
}

export const payloadOf = (
  hook: Hook,
): { type: string; sequence: number; data: Record<string, unknown> } =>
  JSON.parse(hook.body.toString('utf8'))

/** Polls until `check` returns true, failing after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Retries fast enough for a test: 50, 100, 200, 400 ms. */
export const FAST_RETRIES = [50, 100, 200, 400]

/** A receiver and a 3PL simulator subscribed to it, retrying on FAST_RETRIES. */
export async function startWebhookEstate(
  cleanups: (() => Promise<void>)[],
  answer: (n: number, hook: Hook) => HookAnswer = () => ({ status: 204 }),
  options: ThreePlSimulatorOptions = {},
): Promise<{ sim: ThreePlSimulator; hook: HookReceiver }> {
  const hook = await startHookReceiver(answer, cleanups)
  const sim = await startThreePl(
    {
      webhookRetryScheduleMs: FAST_RETRIES,
      webhookSubscribers: [{ url: hook.url }],
      ...options,
    },
    cleanups,
  )
  return { sim, hook }
}

/** Creates a fulfillment order for `reference` and ships it (a shipment.confirmed event). */
export async function shipOne(sim: ThreePlSimulator, reference: string): Promise<string> {
  const created = await apiClient(sim).call('POST', '/v1/fulfillment_orders', orderBody(reference))
  const { id } = (await created.json()) as { id: string }
  const shipped = sim.shipOrder(id, { carrier: 'UPS', trackingNumber: `1Z${reference}` })
  expect(shipped.ok).toBe(true)
  return id
}

/** A correction of SKU-7 at WH-WEST (an inventory.adjusted event). */
export const adjustSku7 = (sim: ThreePlSimulator, delta: number) =>
  sim.adjustInventory({ sku: 'SKU-7', warehouse: 'WH-WEST', reason: 'correction', delta })
