/** @module test/connectors/credentials-test-kit — a counting token endpoint, a client-credentials fetch over real HTTP, and the Store → SharedTokenStore adapter.
 *
 * Free of vitest so the child process (credentials-child.ts) can import it too; also reads that
 * child's answers.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type { Clock } from '../../src/clock/clock.ts'
import { SingleFlightTokens } from '../../src/connectors/credentials/shared-token-coordinator.ts'
import type { SharedTokenStore } from '../../src/connectors/credentials/shared-token-port.ts'
import { bearerTokenCodec } from '../../src/connectors/credentials/token-codec.ts'
import type { BearerToken } from '../../src/connectors/credentials/token-codec.ts'
import { httpExchange } from '../../src/connectors/wire/http-exchange.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { sendJson, startLocalHttpServer } from './support/local-http-server.ts'
import type { LocalHttpServer } from './support/local-http-server.ts'

export const CLIENT_ID = 'hub-client'
export const CLIENT_SECRET = 'k3VqR0x2w9Yc-credential-secret-of-the-oauth-client'
export const TOKEN_PATH = '/oauth2/token'
export const LIFETIME_S = 3600
export const MARGIN_MS = 60_000

export interface TokenEndpoint {
  server: LocalHttpServer
  url: string
  /** Tokens issued so far, in order. */
  issued: string[]
  /** Per request, in arrival order: when it arrived and when it was answered (performance.now()). */
  timeline: { arrivedAt: number; answeredAt: number | undefined }[]
}

/**
 * Answers after `delayMs` with a fresh random Bearer token, or with `failWith` for requests whose
 * 1-based number it lists (the request is still counted).
 */
export async function startTokenEndpoint(
  options: { delayMs?: number; failWith?: Map<number, number> } = {},
): Promise<TokenEndpoint> {
  const issued: string[] = []
  const timeline: TokenEndpoint['timeline'] = []
  const server = await startLocalHttpServer(async (request, response) => {
    const entry = { arrivedAt: performance.now(), answeredAt: undefined as number | undefined }
    timeline.push(entry)
    const number = timeline.length
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0))
    response.on('finish', () => {
      entry.answeredAt = performance.now()
    })
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')
    if (request.headers.authorization !== `Basic ${basic}`) {
      return sendJson(response, 401, { error: 'invalid_client' })
    }
    const status = options.failWith?.get(number)
    if (status !== undefined) return sendJson(response, status, { error: 'server_error' })
    const token = `tok-${issued.length + 1}-${randomBytes(12).toString('hex')}`
    issued.push(token)
    sendJson(response, 200, { access_token: token, token_type: 'Bearer', expires_in: LIFETIME_S })
  })
  return { server, url: `${server.url}${TOKEN_PATH}`, issued, timeline }
}

/** A plain client-credentials request; lifetime counted from when it was sent. */
export function clientCredentialsFetch(
  url: string,
  clock: Clock,
): (signal: AbortSignal) => Promise<BearerToken> {
  return async (signal) => {
    const startedAt = clock.now()
    const response = await httpExchange({
      method: 'POST',
      url,
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      timeoutMs: 10_000,
      signal,
    })
    if (response.status !== 200) {
      throw HubError.retryable(`token request answered ${response.status}`, {
        status: response.status,
      })
    }
    const body = JSON.parse(response.body) as { access_token: string; expires_in: number }
    return {
      value: new Secret(body.access_token),
      refreshAt: startedAt + body.expires_in * 1000 - MARGIN_MS,
    }
  }
}

/** What the composition root does: the Store, bound to the hub's tenant, as the connectors' port. */
export function sharedTokenStoreOf(store: Store, tenantId: string): SharedTokenStore {
  return {
    tokenGet: (params) => store.credentialTokenGet({ tenantId, ...params }),
    tokenPut: (params) => store.credentialTokenPut({ tenantId, ...params }),
    refreshLock: (params, work) => store.credentialTokenLock({ tenantId, ...params }, work),
  }
}

export function tokensFor(options: {
  url: string
  clock: Clock
  shared?: SharedTokenStore
  credentialKey?: string
  sealingSecret?: string
  lockHoldMs?: number
  lockWaitMs?: number
}): SingleFlightTokens<BearerToken> {
  return new SingleFlightTokens<BearerToken>({
    credentialKey: options.credentialKey ?? 'netsuite/erp-main',
    sealingSecret: new Secret(options.sealingSecret ?? CLIENT_SECRET),
    fetchToken: clientCredentialsFetch(options.url, options.clock),
    codec: bearerTokenCodec,
    ...(options.shared === undefined ? {} : { shared: options.shared }),
    clock: options.clock,
    ...(options.lockHoldMs === undefined ? {} : { lockHoldMs: options.lockHoldMs }),
    ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }),
  })
}

/** A clock running `offsetMs` ahead of this host's, as another hub's would after a while. */
export function offsetClock(offsetMs: number): Clock {
  return {
    now: () => Date.now() + offsetMs,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms)
        signal?.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(signal.reason as Error)
        })
      }),
  }
}

/** Reads the child's stdout one JSON line at a time; fails with its stderr if it exits first. */
export function lineReader(proc: ChildProcessWithoutNullStreams): { next(): Promise<unknown> } {
  let buffer = ''
  let stderr = ''
  const waiting: ((line: string) => void)[] = []
  const ready: string[] = []
  let exited: Error | undefined
  const failures: ((error: Error) => void)[] = []
  proc.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  proc.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 1)
      const waiter = waiting.shift()
      failures.shift()
      if (waiter === undefined) ready.push(line)
      else waiter(line)
    }
  })
  proc.on('exit', (code, signal) => {
    exited = new Error(`child exited (${code ?? signal}) before answering: ${stderr}`)
    for (const fail of failures.splice(0)) fail(exited)
  })
  return {
    next: () =>
      new Promise<unknown>((resolve, reject) => {
        const line = ready.shift()
        if (line !== undefined) return resolve(JSON.parse(line))
        if (exited !== undefined) return reject(exited)
        waiting.push((text) => resolve(JSON.parse(text)))
        failures.push(reject)
      }),
  }
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
