/** @module store/store-conformance-lifecycle — conformance: fencing, retry, dead letters, replay. */
import { describe, expect, it } from 'vitest'
import {
  claim,
  claimOne,
  errorRecord,
  ingestRun,
  LEASE_MS,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'
import type { StepCompletion } from './store-contract.ts'

/** A held-back completion riding on a write: a stale write must not land it either. */
const carriedMap: StepCompletion = {
  name: 'map',
  kind: 'local',
  output: { mapped: true },
  entityVersion: { target: 'netsuite', businessKey: 'order-1', version: 7 },
}

export function describeRunLifecycle(ctx: ConformanceContext): void {
  describe('fencing', () => {
    it('refuses every write from a stale lease version and changes nothing', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.stepStart({
        ...lease(held, T0 + 1),
        name: 'create-order',
        kind: 'delivery',
        idempotencyKey: 'key-1',
        target: 'netsuite',
        operation: 'salesOrder.create',
      })
      const before = await ctx.store.runGet({ tenantId, runId: held.id })
      const stale = { ...lease(held, T0 + 2), leaseVersion: held.leaseVersion - 1 }
      const foreign = { ...lease(held, T0 + 2), tenantId: newTenant() }

      for (const fence of [stale, foreign]) {
        const refused = await Promise.all([
          ctx.store.runHeartbeat({ ...fence, leaseMs: LEASE_MS }),
          ctx.store.runComplete({ ...fence, output: { x: 1 }, carried: [carriedMap] }),
          ctx.store.runRetry({ ...fence, nextRunAt: T0, attempt: 5, error: errorRecord('x') }),
          ctx.store.runDeadLetter({ ...fence, attempt: 5, reason: 'x', error: errorRecord('x') }),
          ctx.store
            .stepStart({
              ...fence,
              name: 'other-step',
              kind: 'local',
              idempotencyKey: null,
              target: null,
              operation: null,
              carried: [carriedMap],
              guard: {
                target: 'netsuite',
                businessKey: 'order-1',
                version: 1,
                reapplyEqual: false,
              },
            })
            .then((r) => r.held || r.started),
          ctx.store.stepComplete({
            ...fence,
            name: 'create-order',
            kind: 'delivery',
            output: { id: 'SO-1' },
            crossReferences: [
              {
                entityType: 'order',
                businessKey: 'order-1',
                sourceSystem: 'shopify',
                sourceId: '1',
                targetSystem: 'netsuite',
                targetId: 'SO-1',
              },
            ],
            entityVersion: { target: 'netsuite', businessKey: 'order-1', version: 3 },
            carried: [carriedMap],
          }),
          ctx.store.stepFail({
            ...fence,
            name: 'create-order',
            error: errorRecord('x'),
            inDoubt: true,
          }),
        ])
        expect(refused).toEqual([false, false, false, false, false, false, false])
      }
      expect(await ctx.store.runGet({ tenantId, runId: held.id })).toEqual(before)
      expect(await ctx.store.deadLetterList({ tenantId, limit: 10 })).toEqual([])
      expect(
        await ctx.store.crossReferenceFind({ tenantId, businessKey: 'order-1', limit: 10 }),
      ).toEqual([])
      expect(
        await ctx.store.entityVersionGet({ tenantId, target: 'netsuite', businessKey: 'order-1' }),
      ).toBeNull()
      expect(await claim(ctx.store, tenantId, T0 + 3)).toEqual([])
    })

    it('completes a held run once; a second completion is refused', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const output = { salesOrderId: 'SO-9', lines: [1, 2], note: null }
      expect(await ctx.store.runComplete({ ...lease(held, T0 + 5), output })).toBe(true)
      expect(await ctx.store.runComplete({ ...lease(held, T0 + 6), output: null })).toBe(false)
      expect(await ctx.store.runGet({ tenantId, runId: held.id })).toMatchObject({
        state: 'completed',
        output,
        completedAt: T0 + 5,
        updatedAt: T0 + 5,
      })
      expect(await claim(ctx.store, tenantId, T0 + LEASE_MS * 10)).toEqual([])
    })
  })

  describe('runRetry', () => {
    it('waits until nextRunAt, keeps the attempt count and error, and bumps the lease', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const error = errorRecord('upstream 503')
      expect(
        await ctx.store.runRetry({
          ...lease(held, T0 + 1),
          nextRunAt: T0 + 60_000,
          attempt: 1,
          error,
        }),
      ).toBe(true)
      expect(await ctx.store.runGet({ tenantId, runId: held.id })).toMatchObject({
        state: 'retrying',
        attempt: 1,
        nextRunAt: T0 + 60_000,
        lastError: error,
      })
      expect(await claim(ctx.store, tenantId, T0 + 59_999)).toEqual([])
      const again = await claimOne(ctx.store, tenantId, T0 + 60_000)
      expect(again).toMatchObject({ id: held.id, attempt: 1, leaseVersion: held.leaseVersion + 1 })
    })
  })

  describe('dead letters and replay', () => {
    it('dead-letters a run, lists it with its message, and replays it resuming memoized steps', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.stepComplete({
        ...lease(held, T0 + 1),
        name: 'fetch-order',
        kind: 'local',
        output: { total: '10.00' },
      })
      const error = {
        type: 'validation' as const,
        message: 'item not found',
        code: 'INVALID_VALUE',
      }
      expect(
        await ctx.store.runDeadLetter({
          ...lease(held, T0 + 2),
          attempt: 3,
          reason: 'validation',
          error,
        }),
      ).toBe(true)
      expect(await ctx.store.runGet({ tenantId, runId })).toMatchObject({
        state: 'dead',
        attempt: 3,
        lastError: error,
      })
      expect(await claim(ctx.store, tenantId, T0 + 3)).toEqual([])

      const [letter, ...others] = await ctx.store.deadLetterList({ tenantId, limit: 10 })
      expect(others).toEqual([])
      expect(letter).toMatchObject({
        tenantId,
        runId,
        flowName: held.flowName,
        businessKey: 'order-1',
        reason: 'validation',
        error,
        attempts: 3,
        deadAt: T0 + 2,
        replayedAt: null,
        enqueuedAt: held.message.receivedAt,
        correlationId: held.message.sourceMessageId,
        errorClass: error.type,
        message: held.message,
      })
      expect((await ctx.store.statsGet({ tenantId, now: T0 + 3 })).deadLetters).toBe(1)

      expect(await ctx.store.runReplay({ tenantId, now: T0 + 100, runIds: [runId] })).toEqual({
        replayed: [runId],
      })
      expect(await ctx.store.runGet({ tenantId, runId })).toMatchObject({
        state: 'pending',
        attempt: 0,
        nextRunAt: T0 + 100,
      })
      expect(await ctx.store.deadLetterList({ tenantId, limit: 10 })).toEqual([])
      const all = await ctx.store.deadLetterList({ tenantId, limit: 10, includeReplayed: true })
      expect(all).toMatchObject([{ id: letter?.id, replayedAt: T0 + 100 }])

      const resumed = await claimOne(ctx.store, tenantId, T0 + 100)
      expect(resumed.id).toBe(runId)
      expect(resumed.steps).toMatchObject([
        { name: 'fetch-order', state: 'completed', attempts: 1, output: { total: '10.00' } },
      ])
    })

    it('writes one dead-letter row per dead-lettering and replays only dead runs of the tenant', async () => {
      const tenantId = newTenant()
      const otherTenant = newTenant()
      const a = await ingestRun(ctx.store, tenantId, 'order-a')
      const b = await ingestRun(ctx.store, tenantId, 'order-b')
      const alive = await ingestRun(ctx.store, tenantId, 'order-c', { receivedAt: T0 + 3_600_000 })
      await ingestRun(ctx.store, otherTenant, 'order-x')
      const kill = async (now: number): Promise<void> => {
        for (const run of await claim(ctx.store, tenantId, now, { limit: 2 })) {
          await ctx.store.runDeadLetter({
            ...lease(run, now),
            attempt: 1,
            reason: 'r',
            error: errorRecord('e'),
          })
        }
      }
      await kill(T0)
      const other = await claimOne(ctx.store, otherTenant, T0)
      await ctx.store.runDeadLetter({
        ...lease(other, T0),
        attempt: 1,
        reason: 'r',
        error: errorRecord('e'),
      })

      expect(
        await ctx.store.runReplay({ tenantId, now: T0 + 1, runIds: [a, alive, 'nope'] }),
      ).toEqual({
        replayed: [a],
      })
      await kill(T0 + 2)
      expect(await ctx.store.runReplay({ tenantId, now: T0 + 3 })).toEqual({ replayed: [a, b] })
      expect(await ctx.store.runReplay({ tenantId, now: T0 + 4 })).toEqual({ replayed: [] })
      expect(await ctx.store.runReplay({ tenantId, now: T0 + 4, runIds: [] })).toEqual({
        replayed: [],
      })

      const letters = await ctx.store.deadLetterList({ tenantId, limit: 10, includeReplayed: true })
      expect(letters.map((l) => l.runId).sort()).toEqual([a, a, b].sort())
      expect(letters.every((l) => l.replayedAt !== null)).toBe(true)
      expect(await ctx.store.deadLetterList({ tenantId: otherTenant, limit: 10 })).toHaveLength(1)
      expect((await ctx.store.runGet({ tenantId: otherTenant, runId: other.id }))?.state).toBe(
        'dead',
      )

      const page1 = await ctx.store.deadLetterList({ tenantId, limit: 2, includeReplayed: true })
      const page2 = await ctx.store.deadLetterList({
        tenantId,
        limit: 2,
        includeReplayed: true,
        beforeId: page1[1]?.id ?? '0',
      })
      expect([...page1, ...page2].map((l) => l.id)).toEqual(letters.map((l) => l.id))
      expect(page2).toHaveLength(1)
    })
  })
}
