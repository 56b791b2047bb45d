/** @module test/connectors/credentials-shared-embedded — the same single-flight semantics on the embedded store (one process owns its folder). */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createEmbeddedStore } from '../../src/store-embedded/embedded-store.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { sharedTokenStoreOf, startTokenEndpoint, tokensFor, until } from './credentials-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
let folder: string | undefined
let opened: Store | undefined

// One store for the file (opening PGlite takes seconds); each test has its own tenant.
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'syncline-credentials-'))
  opened = await createEmbeddedStore({ dataDir: folder })
  await opened.migrate()
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

afterAll(async () => {
  await opened?.close()
  if (folder !== undefined) await rm(folder, { recursive: true, force: true })
})

function embedded(): { store: Store; tenantId: string } {
  if (opened === undefined) throw new Error('the store was not opened (see beforeAll)')
  return { store: opened, tenantId: `tenant-${randomUUID()}` }
}

async function endpoint(options: Parameters<typeof startTokenEndpoint>[0]) {
  const started = await startTokenEndpoint(options)
  cleanups.push(() => started.server.close())
  return started
}

describe('SingleFlightTokens over the embedded store', () => {
  it('sends ONE token request for 20 concurrent callers of two token users after expiry', async () => {
    const { store, tenantId } = embedded()
    const server = await endpoint({ delayMs: 200 })
    const clock = manualClock(Date.now())
    const shared = sharedTokenStoreOf(store, tenantId)
    const first = tokensFor({ url: server.url, clock, shared })
    const second = tokensFor({ url: server.url, clock, shared })
    await first.get()
    clock.advance(2 * 3_600_000)

    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? first : second).get()),
    )
    expect(server.issued).toHaveLength(2)
    expect(new Set(tokens.map((token) => token.value.reveal()))).toEqual(
      new Set([server.issued[1]]),
    )
    expect(first.stats.fetched + second.stats.fetched).toBe(2)
  })

  it('keeps the store usable while a refresh holds the lock', async () => {
    const { store, tenantId } = embedded()
    const server = await endpoint({ delayMs: 800 })
    const tokens = tokensFor({
      url: server.url,
      clock: manualClock(Date.now()),
      shared: sharedTokenStoreOf(store, tenantId),
    })
    const refreshing = tokens.get()
    await until(() => server.server.requests.length === 1)
    // PGlite has one connection; the lock must not be holding it during the vendor call.
    const started = Date.now()
    await store.ping()
    expect(
      await store.credentialTokenGet({ tenantId, credentialKey: 'netsuite/erp-main' }),
    ).toBeNull()
    expect(Date.now() - started).toBeLessThan(400)
    const token = await refreshing
    expect(
      (await store.credentialTokenGet({ tenantId, credentialKey: 'netsuite/erp-main' }))?.sealed,
    ).not.toContain(token.value.reveal())
  })

  it('releases the lock when a refresh fails, so the next caller retries', async () => {
    const { store, tenantId } = embedded()
    const server = await endpoint({ delayMs: 200, failWith: new Map([[1, 500]]) })
    const clock = manualClock(Date.now())
    const shared = sharedTokenStoreOf(store, tenantId)
    const first = tokensFor({ url: server.url, clock, shared })
    const second = tokensFor({ url: server.url, clock, shared })

    const failing = first.get()
    const failed = failing.then(
      () => undefined,
      (error: unknown) => error,
    )
    await until(() => server.server.requests.length === 1)
    const recovered = second.get()
    const error = await failed
    expect(error).toBeInstanceOf(HubError)
    expect((error as HubError).status).toBe(500)
    const token = await recovered
    expect(server.server.requests).toHaveLength(2)
    // The second request left only after the first was answered: the lock was held, then freed.
    const [failedRequest, retry] = server.timeline
    expect(retry?.arrivedAt).toBeGreaterThanOrEqual(failedRequest?.answeredAt ?? Infinity)
    expect((await first.get()).value.reveal()).toBe(token.value.reveal())
    expect(server.server.requests).toHaveLength(2)
  })
})
