/** @module test/sandbox/sandbox-test-kit — small helpers for the simulator tests: a NetSuite client with a token, and a webhook receiver that records raw bytes. */

import { createServer } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'

export interface NetSuiteErrorBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly 'o:errorDetails': readonly {
    readonly detail: string
    readonly 'o:errorCode': string
    readonly 'o:errorPath'?: string
  }[]
}

/** The first o:errorCode of a NetSuite error response. */
export async function nsErrorCode(response: Response | undefined): Promise<string | undefined> {
  const body = (await response?.json()) as NetSuiteErrorBody
  return body['o:errorDetails'][0]?.['o:errorCode']
}

export interface NetSuiteClient {
  token: string
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>
}

export const basicAuth = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

export async function fetchToken(sim: NetSuiteSimulator): Promise<Response> {
  return fetch(`${sim.baseUrl}/services/rest/auth/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(sim.clientId, sim.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
}

export async function netsuiteClient(sim: NetSuiteSimulator): Promise<NetSuiteClient> {
  const response = await fetchToken(sim)
  const { access_token: token } = (await response.json()) as { access_token: string }
  return {
    token,
    call: (method, path, body, headers = {}) =>
      fetch(`${sim.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  }
}

export interface Received {
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  readonly at: number
}

export interface Receiver {
  readonly url: string
  readonly received: Received[]
  close(): Promise<void>
}

/** A webhook endpoint; `answer(n)` gives the status (and optional delay) for the n-th request (0-based). */
export async function startReceiver(
  answer: (n: number, received: Received) => { status: number; delayMs?: number } = () => ({
    status: 200,
  }),
): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const entry: Received = { headers: req.headers, body: Buffer.concat(chunks), at: Date.now() }
      const { status, delayMs = 0 } = answer(received.length, entry)
      received.push(entry)
      setTimeout(() => {
        if (res.destroyed) return
        res.statusCode = status
        res.end()
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Polls until `check` returns true, failing after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
