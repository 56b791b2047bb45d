/** @module store/store-conformance-credentials — conformance: shared credential tokens and their refresh lock. */
import { setTimeout as delay } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { newTenant, T0, type ConformanceContext } from './store-conformance-fixtures.ts'
import { CredentialLockTimeoutError } from './store-contract.ts'
import type { CredentialTokenKey, Store } from './store-contract.ts'

const LIMITS = { waitMs: 10_000, holdMs: 10_000 }

function key(credentialKey = 'netsuite/erp-main'): CredentialTokenKey {
  return { tenantId: newTenant(), credentialKey }
}

/** Holds `k`'s lock until `release` is called; resolves `entered` once inside. */
function holdLock(
  store: Store,
  k: CredentialTokenKey,
  limits = LIMITS,
): { entered: Promise<AbortSignal>; release: () => void; done: Promise<string> } {
  let release!: () => void
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let entered!: (signal: AbortSignal) => void
  const inside = new Promise<AbortSignal>((resolve) => {
    entered = resolve
  })
  const done = store.credentialTokenLock({ ...k, ...limits }, async (signal) => {
    entered(signal)
    await released
    return 'held'
  })
  return { entered: inside, release, done }
}

export function describeCredentials(ctx: ConformanceContext): void {
  describe('credential tokens', () => {
    it('keeps one sealed copy per tenant and key, written only over the version that was read', async () => {
      const k = key()
      expect(await ctx.store.credentialTokenGet(k)).toBeNull()

      const put = { ...k, sealed: 'v1.first', expiresAt: T0 + 3_600_000, now: T0 }
      expect(await ctx.store.credentialTokenPut({ ...put, expectedVersion: null })).toBe(1)
      expect(await ctx.store.credentialTokenGet(k)).toEqual({
        sealed: 'v1.first',
        expiresAt: T0 + 3_600_000,
        version: 1,
        updatedAt: T0,
      })

      // A second "first" copy (a writer that read no copy) and a stale version both lose.
      expect(
        await ctx.store.credentialTokenPut({ ...put, sealed: 'v1.late', expectedVersion: null }),
      ).toBeNull()
      const next = { ...k, sealed: 'v1.second', expiresAt: T0 + 7_200_000, now: T0 + 5 }
      expect(await ctx.store.credentialTokenPut({ ...next, expectedVersion: 1 })).toBe(2)
      expect(
        await ctx.store.credentialTokenPut({ ...next, sealed: 'v1.stale', expectedVersion: 1 }),
      ).toBeNull()
      expect(await ctx.store.credentialTokenGet(k)).toEqual({
        sealed: 'v1.second',
        expiresAt: T0 + 7_200_000,
        version: 2,
        updatedAt: T0 + 5,
      })

      // Per tenant and per key.
      expect(await ctx.store.credentialTokenGet({ ...k, tenantId: newTenant() })).toBeNull()
      expect(await ctx.store.credentialTokenGet({ ...k, credentialKey: 'sap/erp-main' })).toBeNull()
    })

    it('lets one holder of a key in at a time, and other keys meanwhile', async () => {
      const k = key()
      let inside = 0
      let most = 0
      const order: number[] = []
      await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          ctx.store.credentialTokenLock({ ...k, ...LIMITS }, async () => {
            inside += 1
            most = Math.max(most, inside)
            await delay(15)
            order.push(n)
            inside -= 1
          }),
        ),
      )
      expect(most).toBe(1)
      expect(order).toHaveLength(8)

      // While one key is held, another key (and the same key of another tenant) is free.
      const held = holdLock(ctx.store, k)
      await held.entered
      const others = await Promise.all([
        ctx.store.credentialTokenLock(
          { ...k, credentialKey: 'sap/erp-main', waitMs: 2_000, holdMs: 2_000 },
          () => Promise.resolve('other key'),
        ),
        ctx.store.credentialTokenLock(
          { ...k, tenantId: newTenant(), waitMs: 2_000, holdMs: 2_000 },
          () => Promise.resolve('other tenant'),
        ),
      ])
      expect(others).toEqual(['other key', 'other tenant'])
      held.release()
      expect(await held.done).toBe('held')
    })

    it('releases the lock when the work throws, and passes the error on', async () => {
      const k = key()
      const failure = new Error('token endpoint said 500')
      await expect(
        ctx.store.credentialTokenLock({ ...k, ...LIMITS }, () => Promise.reject(failure)),
      ).rejects.toBe(failure)
      await expect(
        ctx.store.credentialTokenLock({ ...k, waitMs: 1_000, holdMs: 1_000 }, () =>
          Promise.resolve('next'),
        ),
      ).resolves.toBe('next')
    })

    it('gives up waiting after waitMs, leaving the holder undisturbed', async () => {
      const k = key()
      const held = holdLock(ctx.store, k)
      const signal = await held.entered
      const started = Date.now()
      const error: unknown = await ctx.store
        .credentialTokenLock({ ...k, waitMs: 150, holdMs: 1_000 }, () => Promise.resolve('never'))
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CredentialLockTimeoutError)
      expect((error as CredentialLockTimeoutError).phase).toBe('wait')
      expect(Date.now() - started).toBeGreaterThanOrEqual(100)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(signal.aborted).toBe(false)
      held.release()
      expect(await held.done).toBe('held')
    })

    it('frees the lock from a holder that hangs past holdMs, aborting its signal', async () => {
      const k = key()
      const hung = holdLock(ctx.store, k, { waitMs: 1_000, holdMs: 200 })
      const signal = await hung.entered
      const outcome = hung.done.catch((e: unknown) => e)
      // The next caller waits longer than the hold limit, so it gets in once the hung one is cut off.
      const next = await ctx.store.credentialTokenLock({ ...k, waitMs: 5_000, holdMs: 1_000 }, () =>
        Promise.resolve('after the hung holder'),
      )
      expect(next).toBe('after the hung holder')
      const error: unknown = await outcome
      expect(error).toBeInstanceOf(CredentialLockTimeoutError)
      expect((error as CredentialLockTimeoutError).phase).toBe('hold')
      expect(signal.aborted).toBe(true)
      hung.release()
    })
  })
}
