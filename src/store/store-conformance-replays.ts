/** @module store/store-conformance-replays — conformance: redrive audit, replay by window or ids, scopes. */
import { describe, expect, it } from 'vitest'
import {
  claim,
  claimOne,
  errorRecord,
  ingestRun,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'
import type { RunReplayWindowParams, Store } from './store-contract.ts'

const AUDIT = { actor: 'api:127.0.0.1', interactionId: 'req-1' }
const HOUR = 3_600_000

/** Ingests a run received at `receivedAt` and completes it; returns its id. */
async function completedRun(
  store: Store,
  tenantId: string,
  businessKey: string,
  receivedAt: number,
): Promise<string> {
  const runId = await ingestRun(store, tenantId, businessKey, { receivedAt })
  const held = await claimOne(store, tenantId, receivedAt)
  await store.stepComplete({
    ...lease(held, receivedAt + 1),
    name: 'create-order',
    kind: 'delivery',
    output: { id: `SO-${businessKey}` },
  })
  await store.runComplete({ ...lease(held, receivedAt + 2), output: { ok: true } })
  return runId
}

function replayParams(
  tenantId: string,
  overrides: Partial<RunReplayWindowParams>,
): RunReplayWindowParams {
  return { tenantId, now: T0 + 10 * HOUR, maxRuns: 100, audit: AUDIT, ...overrides }
}

export function describeReplays(ctx: ConformanceContext): void {
  describe('redrive and replay', () => {
    it('audits a redrive in the same call, and leaves no record without an actor', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.runDeadLetter({
        ...lease(held, T0 + 1),
        attempt: 1,
        reason: 'x',
        error: errorRecord('x'),
      })
      expect(await ctx.store.runReplay({ tenantId, now: T0 + 5, runIds: [runId] })).toEqual({
        replayed: [runId],
      })
      expect(await ctx.store.auditList({ tenantId, limit: 10 })).toEqual([])

      const again = await claimOne(ctx.store, tenantId, T0 + 5)
      await ctx.store.runDeadLetter({
        ...lease(again, T0 + 6),
        attempt: 1,
        reason: 'x',
        error: errorRecord('x'),
      })
      await ctx.store.runReplay({ tenantId, now: T0 + 7, audit: AUDIT })
      expect(await ctx.store.auditList({ tenantId, limit: 10 })).toEqual([
        {
          id: expect.any(String),
          tenantId,
          at: T0 + 7,
          actor: AUDIT.actor,
          action: 'dlq.redrive',
          subject: { all: true },
          outcome: 'ok',
          details: { replayed: 1 },
          interactionId: 'req-1',
        },
      ])
    })

    it('without force leaves completed runs alone: no new run, counted as already applied', async () => {
      const tenantId = newTenant()
      await completedRun(ctx.store, tenantId, 'order-a', T0)
      await completedRun(ctx.store, tenantId, 'order-b', T0 + HOUR)
      await completedRun(ctx.store, tenantId, 'order-late', T0 + 3 * HOUR)
      // Still pending: selected, but not completed.
      await ingestRun(ctx.store, tenantId, 'order-c', { receivedAt: T0 + HOUR + 1 })
      const before = await ctx.store.runList({ tenantId, limit: 10 })

      const result = await ctx.store.runReplayWindow(
        replayParams(tenantId, { window: { from: T0, to: T0 + 2 * HOUR } }),
      )
      expect(result).toMatchObject({
        outcome: 'ok',
        matched: 3,
        replays: [],
        alreadyApplied: 2,
        notCompleted: 1,
        notFound: [],
        scope: null,
      })
      expect(await ctx.store.runList({ tenantId, limit: 10 })).toEqual(before)
      const [entry] = await ctx.store.auditList({ tenantId, limit: 10 })
      expect(entry).toMatchObject({
        id: result.auditId,
        action: 'replay',
        subject: { from: T0, to: T0 + 2 * HOUR },
        outcome: 'ok',
        details: { matched: 3, replayed: 0, alreadyApplied: 2 },
      })
    })

    it('with new-scope makes one new run per completed run, in the scope, keeping the original', async () => {
      const tenantId = newTenant()
      const a = await completedRun(ctx.store, tenantId, 'order-a', T0)
      const b = await completedRun(ctx.store, tenantId, 'order-b', T0 + 1)
      const original = await ctx.store.runGet({ tenantId, runId: a })

      const now = T0 + 10 * HOUR
      const result = await ctx.store.runReplayWindow(
        replayParams(tenantId, {
          window: { from: T0, to: T0 + HOUR },
          force: 'new-scope',
          scope: 'replay-1',
        }),
      )
      expect(result).toMatchObject({
        outcome: 'ok',
        matched: 2,
        alreadyApplied: 0,
        scope: 'replay-1',
      })
      expect(result.replays.map((r) => r.runId)).toEqual([a, b])
      expect(await ctx.store.runGet({ tenantId, runId: a })).toEqual(original)

      const claimed = await claim(ctx.store, tenantId, now)
      expect(claimed.map((run) => run.id)).toEqual(result.replays.map((r) => r.replayRunId))
      expect(claimed[0]).toMatchObject({
        businessKey: 'order-a',
        flowName: original?.flowName,
        inboxId: original?.inboxId,
        replayScope: 'replay-1',
        replayOf: a,
        attempt: 0,
        steps: [],
      })
      const [entry] = await ctx.store.auditList({ tenantId, limit: 1 })
      expect(entry).toMatchObject({
        action: 'replay.force-new-scope',
        outcome: 'ok',
        details: { replayed: 2, scope: 'replay-1' },
      })
    })

    it("refuses another tenant's run ids as not found, changing nothing there or here", async () => {
      const owner = newTenant()
      const stranger = newTenant()
      const theirs = await completedRun(ctx.store, owner, 'order-1', T0)
      const mine = await completedRun(ctx.store, stranger, 'order-2', T0)
      const result = await ctx.store.runReplayWindow(
        replayParams(stranger, {
          runIds: [mine, theirs, '99999999999', 'x'],
          force: 'new-scope',
          scope: 'replay-2',
        }),
      )
      expect(result).toMatchObject({
        outcome: 'not_found',
        replays: [],
        scope: null,
      })
      expect([...result.notFound].sort()).toEqual([theirs, '99999999999', 'x'].sort())
      expect(await ctx.store.runList({ tenantId: stranger, limit: 10 })).toHaveLength(1)
      expect(await ctx.store.runList({ tenantId: owner, limit: 10 })).toHaveLength(1)
      expect(await ctx.store.auditList({ tenantId: owner, limit: 10 })).toEqual([])
      expect(await ctx.store.auditList({ tenantId: stranger, limit: 10 })).toMatchObject([
        { outcome: 'not_found', subject: { runIds: [mine, theirs, '99999999999', 'x'] } },
      ])
    })

    it('refuses a selection over maxRuns without replaying any of it', async () => {
      const tenantId = newTenant()
      for (const key of ['a', 'b', 'c']) await completedRun(ctx.store, tenantId, key, T0)
      const result = await ctx.store.runReplayWindow(
        replayParams(tenantId, {
          window: { from: T0, to: T0 + 1 },
          force: 'new-scope',
          scope: 'replay-3',
          maxRuns: 2,
        }),
      )
      expect(result).toMatchObject({ outcome: 'too_many', replays: [], scope: null })
      expect(await ctx.store.runList({ tenantId, limit: 10 })).toHaveLength(3)
    })
  })
}
