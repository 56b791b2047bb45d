/** @module test/connectors/credentials-shared-postgres — single-flight token refresh across hub processes sharing PostgreSQL.
 *
 * Two stores on one schema are two pools, so two sets of sessions: for advisory locks they are two
 * processes. A real child process (credentials-child.ts) is the third. The token endpoint is a
 * real HTTP server that counts what reaches it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  lineReader,
  sharedTokenStoreOf,
  startTokenEndpoint,
  tokensFor,
  until,
} from './credentials-test-kit.ts'

const url = await postgresForTests('credentials shared through PostgreSQL')
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./credentials-child.ts', import.meta.url))
const TWO_HOURS = 2 * 3_600_000

if (url !== undefined) {
  const schemas: string[] = []
  const cleanups: (() => Promise<void>)[] = []

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`)
    } finally {
      await admin.end()
    }
  })

  /** `count` hub processes' stores on one fresh, migrated schema. */
  const hubs = async (count: number): Promise<{ schema: string; stores: Store[] }> => {
    const schema = `t_${randomBytes(6).toString('hex')}`
    schemas.push(schema)
    const stores = Array.from({ length: count }, () =>
      createPostgresStore({ connectionString: url, schema, poolSize: 3 }),
    )
    cleanups.push(async () => {
      await Promise.all(stores.map((store) => store.close()))
    })
    await stores[0]?.migrate()
    return { schema, stores }
  }

  const endpoint = async (options: Parameters<typeof startTokenEndpoint>[0]) => {
    const started = await startTokenEndpoint(options)
    cleanups.push(() => started.server.close())
    return started
  }

  const child = (args: Record<string, unknown>): ChildProcessWithoutNullStreams => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify({ databaseUrl: url, ...args })],
      {
        cwd: ROOT,
        stdio: 'pipe',
      },
    )
    cleanups.push(() => {
      proc.kill('SIGKILL')
      return Promise.resolve()
    })
    return proc
  }

  describe('SingleFlightTokens over a shared PostgreSQL store', () => {
    it('sends ONE token request for 20 concurrent callers in three processes after expiry', async () => {
      const { schema, stores } = await hubs(2)
      const [storeA, storeB] = stores as [Store, Store]
      const tenantId = `tenant-${randomUUID()}`
      const server = await endpoint({ delayMs: 300 })
      const clock = manualClock(Date.now())
      const hubA = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(storeA, tenantId),
      })
      const hubB = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(storeB, tenantId),
      })

      // Warm-up: A fetches token 1; B, a process that never fetched, takes A's copy.
      const first = await hubA.get()
      expect((await hubB.get()).value.reveal()).toBe(first.value.reveal())
      expect(server.issued).toHaveLength(1)
      expect(hubB.stats).toMatchObject({ fetched: 0, adopted: 1 })

      // Two hours on, token 1 has expired everywhere; a third process starts at that time.
      clock.advance(TWO_HOURS)
      const third = child({
        mode: 'tokens',
        schema,
        tenantId,
        credentialKey: 'netsuite/erp-main',
        tokenUrl: server.url,
        clockOffsetMs: TWO_HOURS,
        count: 6,
      })
      const childLines = lineReader(third)
      expect(await childLines.next()).toEqual({ ready: true })

      third.stdin.write('go\n')
      const local = await Promise.all([
        ...Array.from({ length: 7 }, () => hubA.get()),
        ...Array.from({ length: 7 }, () => hubB.get()),
      ])
      const remote = (await childLines.next()) as {
        tokens: string[]
        stats: { fetched: number; adopted: number }
      }

      expect(server.issued).toHaveLength(2)
      const fresh = server.issued[1]
      const all = [...local.map((token) => token.value.reveal()), ...remote.tokens]
      expect(all).toHaveLength(20)
      expect(new Set(all)).toEqual(new Set([fresh]))
      // Exactly one of the three processes asked; the other two took its copy.
      const fetchedInRound = hubA.stats.fetched + hubB.stats.fetched - 1 + remote.stats.fetched
      expect(fetchedInRound).toBe(1)
    })

    it('never lets two pools hold one credential lock at once, and frees it when its holder dies', async () => {
      const { schema, stores } = await hubs(2)
      const tenantId = `tenant-${randomUUID()}`
      const credentialKey = 'salesforce/crm'
      let inside = 0
      let most = 0
      await Promise.all(
        Array.from({ length: 10 }, (_, n) =>
          (stores[n % 2] as Store).credentialTokenLock(
            { tenantId, credentialKey, waitMs: 10_000, holdMs: 10_000 },
            async () => {
              inside++
              most = Math.max(most, inside)
              await new Promise((resolve) => setTimeout(resolve, 20))
              inside--
            },
          ),
        ),
      )
      expect(most).toBe(1)

      // A hub process holding the lock is killed: PostgreSQL drops its session and the lock.
      const holder = child({
        mode: 'hold-lock',
        schema,
        tenantId,
        credentialKey,
        tokenUrl: '',
        clockOffsetMs: 0,
        count: 0,
      })
      expect(await lineReader(holder).next()).toEqual({ locked: true })
      let entered = false
      const waiting = (stores[0] as Store).credentialTokenLock(
        { tenantId, credentialKey, waitMs: 20_000, holdMs: 1_000 },
        () => {
          entered = true
          return Promise.resolve('after the crash')
        },
      )
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(entered).toBe(false)
      holder.kill('SIGKILL')
      expect(await waiting).toBe('after the crash')
    })

    it('releases the lock when a refresh fails, so the next caller (another process) retries', async () => {
      const { stores } = await hubs(2)
      const [storeA, storeB] = stores as [Store, Store]
      const tenantId = `tenant-${randomUUID()}`
      const server = await endpoint({ delayMs: 300, failWith: new Map([[1, 503]]) })
      const clock = manualClock(Date.now())
      const hubA = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(storeA, tenantId),
      })
      const hubB = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(storeB, tenantId),
      })

      const failing = Promise.allSettled([hubA.get(), hubA.get()])
      await until(() => server.server.requests.length === 1)
      // B arrives while A's request is out, so it waits on A's lock.
      const recovered = hubB.get()

      const [a1, a2] = await failing
      for (const outcome of [a1, a2]) {
        expect(outcome?.status).toBe('rejected')
        const reason = (outcome as PromiseRejectedResult).reason as HubError
        // The vendor's failure as the fetch classified it, not a lock error.
        expect(reason).toBeInstanceOf(HubError)
        expect(reason.status).toBe(503)
      }
      const token = await recovered
      expect(server.server.requests).toHaveLength(2)
      // The second request left only after the first was answered: the lock was held, then freed.
      const [failedRequest, retry] = server.timeline
      expect(retry?.arrivedAt).toBeGreaterThanOrEqual(failedRequest?.answeredAt ?? Infinity)
      expect(server.issued).toEqual([token.value.reveal()])
      // A retries: B's copy is there, so no third request.
      expect((await hubA.get()).value.reveal()).toBe(token.value.reveal())
      expect(server.server.requests).toHaveLength(2)
    })

    it('stores the token sealed: not its text, and unreadable without the credential secret', async () => {
      const { schema, stores } = await hubs(1)
      const store = stores[0] as Store
      const tenantId = `tenant-${randomUUID()}`
      const server = await endpoint({})
      const clock = manualClock(Date.now())
      const token = await tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(store, tenantId),
      }).get()

      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      const rows = await admin
        .query<{ row: string }>(
          `select row_to_json(c)::text as row from "${schema}".credential_tokens c`,
        )
        .finally(() => admin.end())
      expect(rows.rows).toHaveLength(1)
      const raw = rows.rows[0]?.row ?? ''
      expect(raw).toContain('"sealed":"v1.')
      expect(raw).not.toContain(token.value.reveal())
      expect(raw).not.toContain(token.value.reveal().slice(4, 20))

      // A process with another secret for the same key cannot unseal it and fetches its own.
      const rotated = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(store, tenantId),
        sealingSecret: 'a-different-client-secret-after-rotation',
      })
      const own = await rotated.get()
      expect(own.value.reveal()).not.toBe(token.value.reveal())
      expect(rotated.stats).toMatchObject({ unreadable: 2, fetched: 1, adopted: 0 })
    })

    it('after a 401, refreshes over the refused token once, and other processes take the new one', async () => {
      const { stores } = await hubs(2)
      const [storeA, storeB] = stores as [Store, Store]
      const tenantId = `tenant-${randomUUID()}`
      const server = await endpoint({})
      const clock = manualClock(Date.now())
      const hubA = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(storeA, tenantId),
      })
      const hubB = tokensFor({
        url: server.url,
        clock,
        shared: sharedTokenStoreOf(storeB, tenantId),
      })
      const refusedA = await hubA.get()
      const refusedB = await hubB.get()
      expect(refusedB.value.reveal()).toBe(refusedA.value.reveal())

      // A's request is refused: its shared copy is the same token, so A must ask for a new one.
      hubA.invalidate(refusedA)
      const renewed = await hubA.get()
      expect(renewed.value.reveal()).not.toBe(refusedA.value.reveal())
      expect(server.issued).toHaveLength(2)

      // B's request with the old token is refused too: the shared copy is already a different
      // token, so B takes it without a request.
      hubB.invalidate(refusedB)
      expect((await hubB.get()).value.reveal()).toBe(renewed.value.reveal())
      expect(server.issued).toHaveLength(2)
      // A stale invalidation (the cache has moved on) changes nothing.
      hubB.invalidate(refusedB)
      expect((await hubB.get()).value.reveal()).toBe(renewed.value.reveal())
      expect(server.issued).toHaveLength(2)
    })
  })
}
