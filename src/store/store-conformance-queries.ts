/** @module store/store-conformance-queries — conformance: listing, stats, tenant scoping, migrations. */
import { describe, expect, it } from 'vitest'
import { RUN_STATES } from './store-contract.ts'
import {
  claim,
  claimOne,
  errorRecord,
  FLOW,
  ids,
  ingestParams,
  ingestRun,
  lease,
  newTenant,
  OTHER_FLOW,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'

export function describeQueries(ctx: ConformanceContext): void {
  describe('runGet and runList', () => {
    it('lists runs newest first with filters and beforeId paging', async () => {
      const tenantId = newTenant()
      const a1 = await ingestRun(ctx.store, tenantId, 'order-a')
      const c1 = await ingestRun(ctx.store, tenantId, 'customer-c', { flowName: OTHER_FLOW })
      const b1 = await ingestRun(ctx.store, tenantId, 'order-b')
      const a2 = await ingestRun(ctx.store, tenantId, 'order-a')
      const running = await claim(ctx.store, tenantId, T0, { flowNames: [OTHER_FLOW] })
      expect(ids(running)).toEqual([c1])

      expect(ids(await ctx.store.runList({ tenantId, limit: 10 }))).toEqual([a2, b1, c1, a1])
      expect(ids(await ctx.store.runList({ tenantId, limit: 10, businessKey: 'order-a' }))).toEqual(
        [a2, a1],
      )
      expect(ids(await ctx.store.runList({ tenantId, limit: 10, flowName: FLOW }))).toEqual([
        a2,
        b1,
        a1,
      ])
      expect(ids(await ctx.store.runList({ tenantId, limit: 10, state: 'running' }))).toEqual([c1])
      expect(
        ids(
          await ctx.store.runList({
            tenantId,
            limit: 10,
            flowName: FLOW,
            state: 'pending',
            businessKey: 'order-b',
          }),
        ),
      ).toEqual([b1])
      const page1 = await ctx.store.runList({ tenantId, limit: 2 })
      const page2 = await ctx.store.runList({ tenantId, limit: 2, beforeId: page1[1]?.id ?? '0' })
      expect(ids(page1)).toEqual([a2, b1])
      expect(ids(page2)).toEqual([c1, a1])
      expect(await ctx.store.runList({ tenantId, limit: 2, beforeId: a1 })).toEqual([])
    })

    it('returns undefined for a run that does not exist or is not a run id', async () => {
      const tenantId = newTenant()
      expect(await ctx.store.runGet({ tenantId, runId: '999999999999' })).toBeUndefined()
      expect(await ctx.store.runGet({ tenantId, runId: 'not-an-id' })).toBeUndefined()
    })
  })

  describe('statsGet', () => {
    it('counts runs by state, backlog per flow, dead letters, unresolved steps and messages', async () => {
      const tenantId = newTenant()
      const empty = await ctx.store.statsGet({ tenantId, now: T0 })
      expect(empty).toEqual({
        runsByState: Object.fromEntries(RUN_STATES.map((s) => [s, 0])),
        backlogByFlow: {},
        oldestBacklogAgeMs: 0,
        deadLetters: 0,
        stepsInDoubt: 0,
        inboxMessages: 0,
      })

      await ingestRun(ctx.store, tenantId, 'k-done', { receivedAt: T0 - 5_000 })
      await ingestRun(ctx.store, tenantId, 'k-dead', { receivedAt: T0 - 4_000 })
      await ingestRun(ctx.store, tenantId, 'k-retry', { receivedAt: T0 - 3_000 })
      await ingestRun(ctx.store, tenantId, 'k-doubt', { receivedAt: T0 - 2_000 })
      await ingestRun(ctx.store, tenantId, 'k-busy', { receivedAt: T0 - 1_000 })
      await ingestRun(ctx.store, tenantId, 'k-wait', { receivedAt: T0, flowName: OTHER_FLOW })
      await ctx.store.inboxIngest(ingestParams(tenantId, { runs: [] }))
      const [done, dead, retry, doubt, busy] = await claim(ctx.store, tenantId, T0 - 1_000, {
        flowNames: [FLOW],
        leaseMs: 60_000,
      })
      if (!done || !dead || !retry || !doubt || !busy) throw new Error('expected five claimed runs')
      const now = T0 + 10_000
      await ctx.store.runComplete({ ...lease(done, now), output: null })
      await ctx.store.runDeadLetter({
        ...lease(dead, now),
        attempt: 1,
        reason: 'r',
        error: errorRecord('e'),
      })
      await ctx.store.runRetry({
        ...lease(retry, now),
        nextRunAt: now + 1,
        attempt: 1,
        error: errorRecord('e'),
      })
      const start = { kind: 'delivery' as const, idempotencyKey: 'k', target: 't', operation: 'o' }
      await ctx.store.stepStart({ ...lease(doubt, now), ...start, name: 's1' })
      await ctx.store.stepFail({
        ...lease(doubt, now),
        name: 's1',
        error: errorRecord('e'),
        inDoubt: true,
      })
      await ctx.store.stepStart({ ...lease(doubt, now), ...start, name: 's2' })
      // A started step under a live lease is in progress, not in doubt.
      await ctx.store.stepStart({ ...lease(busy, now), ...start, name: 's3' })
      await ctx.store.stepStart({ ...lease(done, now), ...start, name: 's4' })

      const stats = await ctx.store.statsGet({ tenantId, now })
      expect(stats).toEqual({
        runsByState: {
          pending: 1,
          running: 2,
          retrying: 1,
          waiting: 0,
          completed: 1,
          dead: 1,
          compensated: 0,
        },
        backlogByFlow: { [FLOW]: 3, [OTHER_FLOW]: 1 },
        oldestBacklogAgeMs: now - (T0 - 3_000),
        deadLetters: 1,
        stepsInDoubt: 1,
        inboxMessages: 7,
      })
      // Once the leases lapse, the started steps are unresolved too.
      const later = await ctx.store.statsGet({ tenantId, now: T0 + 60_000 })
      expect(later.stepsInDoubt).toBe(3)
    })
  })

  describe('tenant scoping', () => {
    it("never shows one tenant's data to another", async () => {
      const owner = newTenant()
      const stranger = newTenant()
      const runId = await ingestRun(ctx.store, owner, 'order-1')
      await ingestRun(ctx.store, owner, 'order-2')
      const held = await claimOne(ctx.store, owner, T0)
      await ctx.store.stepComplete({
        ...lease(held, T0 + 1),
        name: 'push',
        kind: 'delivery',
        output: null,
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
      })
      await ctx.store.runDeadLetter({
        ...lease(held, T0 + 2),
        attempt: 1,
        reason: 'r',
        error: errorRecord('e'),
      })

      expect(await ctx.store.runGet({ tenantId: stranger, runId })).toBeUndefined()
      expect(await ctx.store.runList({ tenantId: stranger, limit: 10 })).toEqual([])
      expect(
        await ctx.store.runList({ tenantId: stranger, limit: 10, businessKey: 'order-1' }),
      ).toEqual([])
      expect(
        await ctx.store.deadLetterList({ tenantId: stranger, limit: 10, includeReplayed: true }),
      ).toEqual([])
      expect(await ctx.store.crossReferenceFind({ tenantId: stranger, limit: 10 })).toEqual([])
      expect(
        await ctx.store.crossReferenceFind({
          tenantId: stranger,
          businessKey: 'order-1',
          limit: 10,
        }),
      ).toEqual([])
      expect(await claim(ctx.store, stranger, T0 + 3)).toEqual([])
      expect(await ctx.store.runReplay({ tenantId: stranger, now: T0 + 3 })).toEqual({
        replayed: [],
      })
      expect(
        await ctx.store.runReplay({ tenantId: stranger, now: T0 + 3, runIds: [runId] }),
      ).toEqual({
        replayed: [],
      })
      const stats = await ctx.store.statsGet({ tenantId: stranger, now: T0 + 3 })
      expect(stats.inboxMessages).toBe(0)
      expect(stats.deadLetters).toBe(0)
      expect(Object.values(stats.runsByState).every((n) => n === 0)).toBe(true)

      expect((await ctx.store.runGet({ tenantId: owner, runId }))?.state).toBe('dead')
      expect(await ctx.store.deadLetterList({ tenantId: owner, limit: 10 })).toHaveLength(1)
      expect(await ctx.store.crossReferenceFind({ tenantId: owner, limit: 10 })).toHaveLength(1)
    })
  })

  describe('migrate, ping, durabilityCheck and databaseTime', () => {
    it('applied the initial migration once; migrating again is a no-op', async () => {
      expect(ctx.firstMigration.applied).toContain('0001_initial')
      const again = await ctx.store.migrate()
      expect(again.applied).toEqual([])
      expect(again.alreadyApplied).toEqual([
        ...ctx.firstMigration.alreadyApplied,
        ...ctx.firstMigration.applied,
      ])
    })

    it('lets two concurrent migrate() calls on a fresh store both succeed', async () => {
      const fresh = await ctx.makeStore()
      try {
        const reports = await Promise.all([fresh.store.migrate(), fresh.store.migrate()])
        expect(
          reports.flatMap((r) => r.applied).filter((name) => name === '0001_initial'),
        ).toHaveLength(1)
        expect(
          reports.flatMap((r) => r.alreadyApplied).filter((n) => n === '0001_initial'),
        ).toHaveLength(1)
        const tenantId = newTenant()
        await ingestRun(fresh.store, tenantId, 'order-1')
        expect(await fresh.store.runList({ tenantId, limit: 10 })).toHaveLength(1)
        await fresh.store.close()
        await fresh.store.close()
        await expect(fresh.store.ping()).rejects.toThrow()
      } finally {
        await fresh.cleanup()
      }
    })

    it('reads the database clock: close to this host (tests run it locally) and moving forward', async () => {
      const before = Date.now()
      const first = await ctx.store.databaseTime()
      // Not exact: the test compares two different clocks, and only a gross error is a bug here.
      expect(Math.abs(first - before)).toBeLessThan(5_000)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const second = await ctx.store.databaseTime()
      expect(second - first).toBeGreaterThanOrEqual(40)
      expect(second - first).toBeLessThan(5_000)
    })

    it('answers ping and reports durability consistently', async () => {
      await expect(ctx.store.ping()).resolves.toBeUndefined()
      const report = await ctx.store.durabilityCheck()
      expect(report.ok).toBe(report.problems.length === 0)
      for (const problem of report.problems) expect(problem).toMatch(/set|pass/i)
    })
  })
}
