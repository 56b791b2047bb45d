/** @module store/store-conformance-compensation — conformance: the `compensated` terminal state. */
import { describe, expect, it } from 'vitest'
import type { ErrorRecord } from '../errors/hub-error.ts'
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

const FAILURE: ErrorRecord = {
  type: 'validation',
  message: 'The quantity on line 1 must be greater than zero.',
  code: 'USER_ERROR',
  status: 400,
  path: 'item.items[0].quantity',
}

const OUTPUT = {
  compensated: { failedStep: 'create-backorder', reason: FAILURE.message, undone: ['a', 'b'] },
}

export function describeCompensation(ctx: ConformanceContext): void {
  describe('compensated runs', () => {
    it('ends a held run compensated with its failure and output; once, and only by the holder', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const stale = { ...lease(held, T0 + 2), leaseVersion: held.leaseVersion - 1 }
      const compensated = { error: FAILURE }
      expect(await ctx.store.runComplete({ ...stale, output: OUTPUT, compensated })).toBe(false)
      expect(
        await ctx.store.runComplete({ ...lease(held, T0 + 5), output: OUTPUT, compensated }),
      ).toBe(true)
      expect(
        await ctx.store.runComplete({ ...lease(held, T0 + 6), output: null, compensated }),
      ).toBe(false)
      expect(await ctx.store.runComplete({ ...lease(held, T0 + 6), output: null })).toBe(false)
      expect(await ctx.store.runGet({ tenantId, runId: held.id })).toMatchObject({
        state: 'compensated',
        output: OUTPUT,
        lastError: FAILURE,
        completedAt: T0 + 5,
        updatedAt: T0 + 5,
      })
      expect(await claim(ctx.store, tenantId, T0 + LEASE_MS * 10)).toEqual([])
    })

    it('keeps an earlier attempt’s error on a plain completion, replaces it when compensated', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const first = await claimOne(ctx.store, tenantId, T0)
      const earlier = errorRecord('upstream 503')
      await ctx.store.runRetry({
        ...lease(first, T0 + 1),
        nextRunAt: T0 + 2,
        attempt: 1,
        error: earlier,
      })
      const second = await claimOne(ctx.store, tenantId, T0 + 2)
      await ctx.store.runComplete({
        ...lease(second, T0 + 3),
        output: OUTPUT,
        compensated: { error: FAILURE },
      })
      expect(await ctx.store.runGet({ tenantId, runId: second.id })).toMatchObject({
        state: 'compensated',
        attempt: 1,
        lastError: FAILURE,
      })

      await ingestRun(ctx.store, tenantId, 'order-2')
      const other = await claimOne(ctx.store, tenantId, T0 + 4)
      await ctx.store.runRetry({
        ...lease(other, T0 + 5),
        nextRunAt: T0 + 6,
        attempt: 1,
        error: earlier,
      })
      const again = await claimOne(ctx.store, tenantId, T0 + 6)
      await ctx.store.runComplete({ ...lease(again, T0 + 7), output: null })
      expect(await ctx.store.runGet({ tenantId, runId: again.id })).toMatchObject({
        state: 'completed',
        lastError: earlier,
      })
    })

    it('is terminal: frees the business key, leaves the backlog, is counted, listed and never replayed', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const nextId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      expect(held.id).toBe(runId)
      // One entity's runs go one at a time: the second waits while the first is running.
      expect(await claim(ctx.store, tenantId, T0 + 1)).toEqual([])
      await ctx.store.runComplete({
        ...lease(held, T0 + 2),
        output: OUTPUT,
        compensated: { error: FAILURE },
      })

      const stats = await ctx.store.statsGet({ tenantId, now: T0 + 3 })
      expect(stats.runsByState).toMatchObject({ compensated: 1, pending: 1, dead: 0 })
      expect(stats.deadLetters).toBe(0)
      expect(
        (await ctx.store.runList({ tenantId, state: 'compensated', limit: 10 })).map((r) => r.id),
      ).toEqual([runId])

      // A redrive concerns dead runs only; a replay of completed runs counts it as not completed.
      expect(await ctx.store.runReplay({ tenantId, now: T0 + 4, runIds: [runId] })).toEqual({
        replayed: [],
      })
      const replay = await ctx.store.runReplayWindow({
        tenantId,
        now: T0 + 4,
        runIds: [runId],
        force: 'new-scope',
        scope: 'replay-test',
        maxRuns: 10,
        audit: { actor: 'test', interactionId: null },
      })
      expect(replay).toMatchObject({ outcome: 'ok', matched: 1, replays: [], notCompleted: 1 })
      expect((await ctx.store.runGet({ tenantId, runId }))?.state).toBe('compensated')

      const next = await claimOne(ctx.store, tenantId, T0 + 5)
      expect(next.id).toBe(nextId)
    })
  })
}
