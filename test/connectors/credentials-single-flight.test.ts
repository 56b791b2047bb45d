/** @module test/connectors/credentials-single-flight — sealing, and the coordinator within one process (no shared store), against a real HTTP token endpoint. */
import { afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { SingleFlightTokens } from '../../src/connectors/credentials/shared-token-coordinator.ts'
import { bearerTokenCodec } from '../../src/connectors/credentials/token-codec.ts'
import { createTokenSealer, TokenSealError } from '../../src/connectors/credentials/token-sealer.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import {
  clientCredentialsFetch,
  CLIENT_SECRET,
  LIFETIME_S,
  MARGIN_MS,
  startTokenEndpoint,
  tokensFor,
} from './credentials-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function endpoint(options: Parameters<typeof startTokenEndpoint>[0] = {}) {
  const started = await startTokenEndpoint(options)
  cleanups.push(() => started.server.close())
  return started
}

describe('token sealer', () => {
  const secret = new Secret(CLIENT_SECRET)
  const plaintext = JSON.stringify({ value: 'tok-1-abcdef0123456789', refreshAt: 1 })

  it('seals to a versioned string without the plaintext, with a fresh IV each time', () => {
    const sealer = createTokenSealer(secret, 'netsuite/erp-main')
    const once = sealer.seal(plaintext)
    const twice = sealer.seal(plaintext)
    expect(once).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/)
    expect(once).not.toBe(twice)
    expect(once).not.toContain('tok-1')
    expect(Buffer.from(once.split('.')[2] ?? '', 'base64url').toString('latin1')).not.toContain(
      'tok-1',
    )
    expect(sealer.unseal(once)).toBe(plaintext)
    // Another process configured with the same credential opens it.
    expect(createTokenSealer(new Secret(CLIENT_SECRET), 'netsuite/erp-main').unseal(twice)).toBe(
      plaintext,
    )
  })

  it('refuses another secret, another credential key, an altered text and other formats', () => {
    const sealed = createTokenSealer(secret, 'netsuite/erp-main').seal(plaintext)
    const refusals = [
      () => createTokenSealer(new Secret('rotated-secret'), 'netsuite/erp-main').unseal(sealed),
      () => createTokenSealer(secret, 'netsuite/other').unseal(sealed),
      () => {
        const parts = sealed.split('.')
        const body = Buffer.from(parts[2] ?? '', 'base64url')
        body[0] = (body[0] ?? 0) ^ 1
        parts[2] = body.toString('base64url')
        createTokenSealer(secret, 'netsuite/erp-main').unseal(parts.join('.'))
      },
      () => createTokenSealer(secret, 'netsuite/erp-main').unseal(`v2${sealed.slice(2)}`),
      () => createTokenSealer(secret, 'netsuite/erp-main').unseal('tok-1-abcdef0123456789'),
    ]
    for (const refusal of refusals) expect(refusal).toThrow(TokenSealError)
    expect(() => createTokenSealer(new Secret(''), 'netsuite/erp-main')).toThrow(RangeError)
  })

  it('round-trips a bearer token and rejects anything else', () => {
    const token = { value: new Secret('tok-9'), refreshAt: 1_767_225_600_000 }
    const decoded = bearerTokenCodec.decode(bearerTokenCodec.encode(token))
    expect(decoded.value.reveal()).toBe('tok-9')
    expect(decoded.refreshAt).toBe(token.refreshAt)
    expect(() => bearerTokenCodec.decode('{"value":"","refreshAt":1}')).toThrow(TypeError)
    expect(() => bearerTokenCodec.decode('{"value":"x"}')).toThrow(TypeError)
    expect(() => bearerTokenCodec.decode('null')).toThrow(TypeError)
  })
})

describe('SingleFlightTokens within one process', () => {
  it('shares ONE request between 20 concurrent callers and caches until refreshAt', async () => {
    const server = await endpoint({ delayMs: 100 })
    const clock = manualClock(Date.now())
    const tokens = tokensFor({ url: server.url, clock })
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.get()))
    expect(server.issued).toHaveLength(1)
    expect(new Set(all)).toEqual(new Set([all[0]]))

    clock.advance(LIFETIME_S * 1000 - MARGIN_MS - 1)
    expect(await tokens.get()).toBe(all[0])
    clock.advance(1)
    expect((await tokens.get()).value.reveal()).toBe(server.issued[1])
    expect(tokens.stats).toMatchObject({ fetched: 2, adopted: 0 })
  })

  it('fails every waiting caller with the vendor error, and the next call tries again', async () => {
    const server = await endpoint({ delayMs: 50, failWith: new Map([[1, 503]]) })
    const tokens = tokensFor({ url: server.url, clock: manualClock(Date.now()) })
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => tokens.get()))
    expect(server.server.requests).toHaveLength(1)
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(HubError)
    }
    expect((await tokens.get()).value.reveal()).toBe(server.issued[0])
    expect(server.server.requests).toHaveLength(2)
  })

  it("stops only the aborted caller's wait, not the shared request", async () => {
    const server = await endpoint({ delayMs: 150 })
    const tokens = tokensFor({ url: server.url, clock: manualClock(Date.now()) })
    const controller = new AbortController()
    const patient = tokens.get()
    const impatient = tokens.get(controller.signal)
    controller.abort(new Error('caller gave up'))
    await expect(impatient).rejects.toThrow('caller gave up')
    expect((await patient).value.reveal()).toBe(server.issued[0])
    expect(server.server.requests).toHaveLength(1)
  })

  it('refreshes once after a 401, however many requests saw the refused token', async () => {
    const server = await endpoint()
    const tokens = tokensFor({ url: server.url, clock: manualClock(Date.now()) })
    const refused = await tokens.get()
    tokens.invalidate(refused)
    tokens.invalidate(refused)
    const [a, b] = await Promise.all([tokens.get(), tokens.get()])
    expect(a).toBe(b)
    expect(a?.value.reveal()).toBe(server.issued[1])
    tokens.invalidate(refused)
    expect(await tokens.get()).toBe(a)
    expect(server.issued).toHaveLength(2)
  })

  it('refuses lock limits where a waiter could not outlast a hung holder', () => {
    const options = {
      credentialKey: 'netsuite/erp-main',
      sealingSecret: new Secret(CLIENT_SECRET),
      fetchToken: clientCredentialsFetch('http://127.0.0.1:9/', manualClock()),
      codec: bearerTokenCodec,
    }
    expect(
      () => new SingleFlightTokens({ ...options, lockHoldMs: 1_000, lockWaitMs: 1_000 }),
    ).toThrow(RangeError)
    expect(() => new SingleFlightTokens({ ...options, lockHoldMs: 0 })).toThrow(RangeError)
  })
})
