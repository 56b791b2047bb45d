/** @module store/store-conformance-reconciliation — conformance: reconciliation runs, breaks, their lifecycle and the SLI summary. */
import { describe, expect, it } from 'vitest'
import { newTenant, T0, type ConformanceContext } from './store-conformance-fixtures.ts'
import type { NewBreak } from './store-contract.ts'

const mismatch = (key: string, diff: number): NewBreak => ({
  entityKey: key,
  breakClass: 'field_mismatch',
  cause: 'mismatch:onHand',
  sourceValue: { onHand: 10 },
  targetValue: { onHand: 10 + diff },
  diff,
})

export function describeReconciliation(ctx: ConformanceContext): void {
  describe('reconciliation', () => {
    it('records a run and its breaks once per key, and finishes the run once', async () => {
      const tenantId = newTenant()
      const base = { domain: 'inventory', source: 'threepl', target: 'netsuite' }
      const run = await ctx.store.reconciliationRunStart({ tenantId, ...base, now: T0 })
      expect(run).toMatchObject({ ...base, state: 'running', startedAt: T0, finishedAt: null })
      const found: NewBreak[] = [
        mismatch('SKU-1@WH-EAST', 3),
        {
          entityKey: 'SKU-2@WH-EAST',
          breakClass: 'missing_in_target',
          cause: 'missing_in_target',
          sourceValue: { onHand: 4 },
          targetValue: null,
          diff: null,
        },
      ]
      const added = await ctx.store.reconciliationBreakAdd({
        tenantId,
        runId: run.id,
        breaks: found,
        now: T0 + 1,
      })
      expect(added.map((b) => [b.entityKey, b.breakClass, b.state, b.diff])).toEqual([
        ['SKU-1@WH-EAST', 'field_mismatch', 'open', 3],
        ['SKU-2@WH-EAST', 'missing_in_target', 'open', null],
      ])
      expect(added[0]).toMatchObject({
        runId: run.id,
        target: 'netsuite',
        sourceValue: { onHand: 10 },
        targetValue: { onHand: 13 },
        openedAt: T0 + 1,
        closedAt: null,
      })
      // A repeat (a retried call) adds nothing.
      const again = await ctx.store.reconciliationBreakAdd({
        tenantId,
        runId: run.id,
        breaks: found,
        now: T0 + 2,
      })
      expect(again.map((b) => b.id)).toEqual(added.map((b) => b.id))

      const finished = await ctx.store.reconciliationRunFinish({
        tenantId,
        runId: run.id,
        state: 'finished',
        stats: { breaks: 2 },
        now: T0 + 5,
      })
      expect(finished).toMatchObject({
        state: 'finished',
        finishedAt: T0 + 5,
        stats: { breaks: 2 },
      })
      expect(
        await ctx.store.reconciliationRunFinish({
          tenantId,
          runId: run.id,
          state: 'failed',
          stats: {},
          now: T0 + 6,
        }),
      ).toBeNull()
      // Another tenant sees none of it.
      expect(
        await ctx.store.reconciliationBreakList({
          tenantId: newTenant(),
          runId: run.id,
          limit: 10,
        }),
      ).toEqual([])
    })

    it('moves a break only along its lifecycle, from the state the caller saw', async () => {
      const tenantId = newTenant()
      const run = await ctx.store.reconciliationRunStart({
        tenantId,
        domain: 'inventory',
        source: 'threepl',
        target: 'shopify',
        now: T0,
      })
      const [a, b] = await ctx.store.reconciliationBreakAdd({
        tenantId,
        runId: run.id,
        breaks: [mismatch('A', 1), mismatch('B', 500)],
        now: T0,
      })
      if (!a || !b) throw new Error('breaks not recorded')
      const move = (id: string, from: string, to: string, extra = {}) =>
        ctx.store.reconciliationBreakMove({
          tenantId,
          breakId: id,
          from: from as 'open',
          to: to as 'open',
          now: T0 + 10,
          ...extra,
        })
      expect(await move(a.id, 'open', 'healed')).toBeNull() // not a lifecycle move
      expect(await move(a.id, 'open', 'healing', { healRef: '42' })).toMatchObject({
        state: 'healing',
        healRef: '42',
        closedAt: null,
      })
      expect(await move(a.id, 'open', 'healing')).toBeNull() // no longer open
      expect(await move(a.id, 'healing', 'healed')).toMatchObject({
        state: 'healed',
        healRef: '42',
        closedAt: T0 + 10,
      })
      expect(await move(b.id, 'open', 'assigned', { assignee: 'ops' })).toMatchObject({
        state: 'assigned',
        assignee: 'ops',
      })
      expect(
        (await ctx.store.reconciliationBreakList({ tenantId, state: 'assigned', limit: 10 })).map(
          (x) => x.id,
        ),
      ).toEqual([b.id])

      const before = await ctx.store.reconciliationSummary({ tenantId, since: T0, now: T0 + 100 })
      expect(before).toEqual({
        opened: 2,
        closed: 1,
        healed: 1,
        unresolved: 1,
        oldestUnresolvedAgeMs: 100,
        byCause: [
          { target: 'shopify', breakClass: 'field_mismatch', cause: 'mismatch:onHand', count: 2 },
        ],
      })
      await move(b.id, 'assigned', 'closed', { note: 'counted again: 510 is right' })
      const after = await ctx.store.reconciliationSummary({ tenantId, since: T0, now: T0 + 100 })
      expect(after).toMatchObject({
        opened: 2,
        closed: 2,
        unresolved: 0,
        oldestUnresolvedAgeMs: null,
      })
      expect(
        await ctx.store.reconciliationSummary({ tenantId, since: T0 + 1, now: T0 + 100 }),
      ).toMatchObject({ opened: 0, closed: 0, byCause: [] })
    })
  })
}
