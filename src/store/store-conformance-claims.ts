/** @module store/store-conformance-claims — conformance: batch claim, ordering, leases. */
import { describe, expect, it } from 'vitest'
import {
  claim,
  claimOne,
  FLOW,
  ids,
  ingestRun,
  LEASE_MS,
  lease,
  newTenant,
  OTHER_FLOW,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'

export function describeClaims(ctx: ConformanceContext): void {
  describe('runClaim', () => {
    it('claims due runs in batches of at most `limit`, in arrival order, with a fresh lease', async () => {
      const tenantId = newTenant()
      const runIds: string[] = []
      for (let i = 0; i < 5; i++) runIds.push(await ingestRun(ctx.store, tenantId, `order-${i}`))

      const batch = await claim(ctx.store, tenantId, T0, { limit: 3, workerId: 'w1' })
      expect(ids(batch)).toEqual(runIds.slice(0, 3))
      for (const run of batch) {
        expect(run).toMatchObject({ state: 'running', leaseVersion: 1, steps: [] })
        expect(run.message.tenantId).toBe(tenantId)
      }
      expect(ids(await claim(ctx.store, tenantId, T0, { limit: 3 }))).toEqual(runIds.slice(3))
      expect(await claim(ctx.store, tenantId, T0, { limit: 3 })).toEqual([])
    })

    it('claims only the given flows, only due runs, and nothing for limit 0', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'c-1', { flowName: OTHER_FLOW })
      const later = await ingestRun(ctx.store, tenantId, 'o-2', { receivedAt: T0 + 5_000 })
      expect(await claim(ctx.store, tenantId, T0 + 10_000, { flowNames: ['unknown'] })).toEqual([])
      expect(await claim(ctx.store, tenantId, T0 + 10_000, { limit: 0 })).toEqual([])
      expect(await claim(ctx.store, tenantId, T0 + 10_000, { flowNames: [] })).toEqual([])
      expect(await claim(ctx.store, tenantId, T0 + 4_999, { flowNames: [FLOW] })).toEqual([])
      expect(ids(await claim(ctx.store, tenantId, T0 + 5_000, { flowNames: [FLOW] }))).toEqual([
        later,
      ])
    })

    it('runs one business key at a time, in arrival order; dead and completed runs do not block', async () => {
      const tenantId = newTenant()
      const k1 = await ingestRun(ctx.store, tenantId, 'order-K')
      const l1 = await ingestRun(ctx.store, tenantId, 'order-L')
      const k2 = await ingestRun(ctx.store, tenantId, 'order-K')
      const k3 = await ingestRun(ctx.store, tenantId, 'order-K')

      const first = await claim(ctx.store, tenantId, T0)
      expect(ids(first)).toEqual([k1, l1])
      expect(await claim(ctx.store, tenantId, T0 + 1)).toEqual([])

      const runK1 = first[0]!
      const dead = await ctx.store.runDeadLetter({
        ...lease(runK1, T0 + 2),
        attempt: 1,
        reason: 'validation failed',
        error: { type: 'validation', message: 'bad sku' },
      })
      expect(dead).toBe(true)
      const second = await claimOne(ctx.store, tenantId, T0 + 3)
      expect(second.id).toBe(k2)
      expect(await claim(ctx.store, tenantId, T0 + 3)).toEqual([])

      expect(await ctx.store.runComplete({ ...lease(second, T0 + 4), output: null })).toBe(true)
      expect(ids(await claim(ctx.store, tenantId, T0 + 5))).toEqual([k3])
    })

    it('holds a replayed run back while a later run of its key is running', async () => {
      const tenantId = newTenant()
      const k1 = await ingestRun(ctx.store, tenantId, 'order-K')
      const k2 = await ingestRun(ctx.store, tenantId, 'order-K')
      const first = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.runDeadLetter({
        ...lease(first, T0 + 1),
        attempt: 1,
        reason: 'auth',
        error: { type: 'auth', message: 'token revoked' },
      })
      const second = await claimOne(ctx.store, tenantId, T0 + 2)
      expect(second.id).toBe(k2)
      expect(await ctx.store.runReplay({ tenantId, now: T0 + 3, runIds: [k1] })).toEqual({
        replayed: [k1],
      })
      expect(await claim(ctx.store, tenantId, T0 + 4)).toEqual([])
      await ctx.store.runComplete({ ...lease(second, T0 + 5), output: null })
      expect(ids(await claim(ctx.store, tenantId, T0 + 6))).toEqual([k1])
    })

    it('keeps a later run waiting while an earlier run of its key waits to retry', async () => {
      const tenantId = newTenant()
      const k1 = await ingestRun(ctx.store, tenantId, 'order-K')
      const k2 = await ingestRun(ctx.store, tenantId, 'order-K')
      const run = await claimOne(ctx.store, tenantId, T0)
      expect(run.id).toBe(k1)
      await ctx.store.runRetry({
        ...lease(run, T0 + 10),
        nextRunAt: T0 + 1_000,
        attempt: 1,
        error: { type: 'retryable', message: '503' },
      })
      expect(await claim(ctx.store, tenantId, T0 + 999)).toEqual([])
      const again = await claimOne(ctx.store, tenantId, T0 + 1_000)
      expect(again).toMatchObject({ id: k1, attempt: 1, leaseVersion: 2 })
      await ctx.store.runComplete({ ...lease(again, T0 + 1_001), output: null })
      expect(ids(await claim(ctx.store, tenantId, T0 + 1_002))).toEqual([k2])
    })

    it('never hands the same run to two concurrent claimers', async () => {
      const tenantId = newTenant()
      const created: string[] = []
      for (let i = 0; i < 20; i++) created.push(await ingestRun(ctx.store, tenantId, `order-${i}`))
      for (let i = 0; i < 6; i++) await ingestRun(ctx.store, tenantId, 'order-shared')

      const batches = await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map((workerId) =>
          claim(ctx.store, tenantId, T0, { limit: 8, workerId }),
        ),
      )
      const rest = await claim(ctx.store, tenantId, T0, { limit: 100 })
      const claimed = [...batches.flat(), ...rest].map((run) => run.id)
      expect(new Set(claimed).size).toBe(claimed.length)
      // All 20 distinct keys, and exactly one of the six runs sharing a key.
      expect(claimed).toHaveLength(21)
      expect(claimed).toEqual(expect.arrayContaining(created))
    })

    it('re-claims a run whose lease expired, and fences out the previous holder', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0, { workerId: 'w1', leaseMs: 1_000 })
      expect(await claim(ctx.store, tenantId, T0 + 999, { workerId: 'w2' })).toEqual([])
      const taken = await claimOne(ctx.store, tenantId, T0 + 1_000, { workerId: 'w2' })
      // The lost lease counts as an attempt: a run that keeps killing workers is not retried forever.
      expect(held.attempt).toBe(0)
      expect(taken).toMatchObject({ id: held.id, state: 'running', leaseVersion: 2, attempt: 1 })
      expect(await ctx.store.runHeartbeat({ ...lease(held, T0 + 1_001), leaseMs: LEASE_MS })).toBe(
        false,
      )
      expect(await ctx.store.runComplete({ ...lease(held, T0 + 1_001), output: 'stale' })).toBe(
        false,
      )
      expect((await ctx.store.runGet({ tenantId, runId: held.id }))?.state).toBe('running')
      expect(await ctx.store.runHeartbeat({ ...lease(taken, T0 + 1_001), leaseMs: LEASE_MS })).toBe(
        true,
      )
    })

    it('extends a lease on heartbeat', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0, { leaseMs: 1_000 })
      expect(await ctx.store.runHeartbeat({ ...lease(held, T0 + 500), leaseMs: 1_000 })).toBe(true)
      expect(await claim(ctx.store, tenantId, T0 + 1_499)).toEqual([])
      expect(ids(await claim(ctx.store, tenantId, T0 + 1_500))).toEqual([held.id])
    })
  })
}
