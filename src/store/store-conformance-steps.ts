/** @module store/store-conformance-steps — conformance: steps, idempotency keys, the sync ledger. */
import { describe, expect, it } from 'vitest'
import type { CrossReference } from './store-contract.ts'
import {
  claimOne,
  errorRecord,
  ingestRun,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'

const delivery = {
  name: 'create-order',
  kind: 'delivery' as const,
  target: 'netsuite',
  operation: 'salesOrder.create',
}

function orderRef(targetId: string): CrossReference {
  return {
    entityType: 'order',
    businessKey: 'order-1',
    sourceSystem: 'shopify',
    sourceId: '1001',
    targetSystem: 'netsuite',
    targetId,
  }
}

export function describeSteps(ctx: ConformanceContext): void {
  describe('steps', () => {
    it('keeps the first idempotency key across worker restarts and records every outcome', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const first = await claimOne(ctx.store, tenantId, T0, { workerId: 'w1', leaseMs: 1_000 })
      expect(
        await ctx.store.stepStart({
          ...lease(first, T0 + 1),
          ...delivery,
          idempotencyKey: 'key-1',
        }),
      ).toEqual({ held: true, started: true, appliedVersion: null })
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toEqual([
        {
          runId,
          ...delivery,
          state: 'started',
          attempts: 1,
          output: null,
          idempotencyKey: 'key-1',
          startedAt: T0 + 1,
          finishedAt: null,
          lastError: null,
        },
      ])

      // w1 dies mid-step; w2 takes over and sees the unresolved attempt and its key.
      const second = await claimOne(ctx.store, tenantId, T0 + 1_000, { workerId: 'w2' })
      expect(second.steps).toMatchObject([{ state: 'started', idempotencyKey: 'key-1' }])
      await ctx.store.stepStart({
        ...lease(second, T0 + 1_001),
        ...delivery,
        idempotencyKey: 'key-2',
      })
      const error = errorRecord('read timed out')
      await ctx.store.stepFail({
        ...lease(second, T0 + 1_002),
        name: delivery.name,
        error,
        inDoubt: true,
      })
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toMatchObject([
        { state: 'in_doubt', attempts: 2, idempotencyKey: 'key-1', lastError: error },
      ])

      await ctx.store.stepStart({
        ...lease(second, T0 + 1_003),
        ...delivery,
        idempotencyKey: 'key-3',
      })
      await ctx.store.stepFail({
        ...lease(second, T0 + 1_004),
        name: delivery.name,
        error: { type: 'conflict', message: 'duplicate' },
        inDoubt: false,
      })
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toMatchObject([
        { state: 'failed', attempts: 3, lastError: { type: 'conflict' } },
      ])

      await ctx.store.stepStart({ ...lease(second, T0 + 1_005), ...delivery, idempotencyKey: null })
      expect(
        await ctx.store.stepComplete({
          ...lease(second, T0 + 1_006),
          name: delivery.name,
          kind: 'delivery',
          output: { salesOrderId: 'SO-1' },
        }),
      ).toBe(true)
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toEqual([
        {
          runId,
          ...delivery,
          state: 'completed',
          attempts: 4,
          output: { salesOrderId: 'SO-1' },
          idempotencyKey: 'key-1',
          startedAt: T0 + 1_005,
          finishedAt: T0 + 1_006,
          lastError: null,
        },
      ])
    })

    it('hands a claimed run its steps exactly as stored, after a retry and after a takeover', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const first = await claimOne(ctx.store, tenantId, T0)
      expect(first.steps).toEqual([])
      await ctx.store.stepComplete({
        ...lease(first, T0 + 1),
        name: 'map',
        kind: 'local',
        output: { lines: [{ sku: 'A', qty: 2 }], total: '10.00', id: '9007199254740993' },
      })
      await ctx.store.stepStart({ ...lease(first, T0 + 2), ...delivery, idempotencyKey: 'key-1' })
      await ctx.store.stepFail({
        ...lease(first, T0 + 3),
        name: delivery.name,
        error: errorRecord('read timed out'),
        inDoubt: true,
      })
      await ctx.store.runRetry({
        ...lease(first, T0 + 4),
        nextRunAt: T0 + 10,
        attempt: 1,
        error: errorRecord('read timed out'),
      })
      const stored = (await ctx.store.runGet({ tenantId, runId }))?.steps
      expect(stored).toHaveLength(2)
      const retried = await claimOne(ctx.store, tenantId, T0 + 10)
      expect(retried.steps).toEqual(stored)

      // A worker that stopped mid-step: its lease expires and another takes the run over.
      await ctx.store.stepStart({
        ...lease(retried, T0 + 11),
        ...delivery,
        idempotencyKey: 'key-2',
      })
      const after = (await ctx.store.runGet({ tenantId, runId }))?.steps
      const takeover = await claimOne(ctx.store, tenantId, T0 + 10 + 3_600_000, {
        workerId: 'w2',
      })
      expect(takeover.id).toBe(runId)
      expect(takeover.steps).toEqual(after)
    })

    it('completes a step that was never started, and refuses to fail one', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.stepComplete({
        ...lease(held, T0 + 1),
        name: 'map',
        kind: 'local',
        output: [1],
      })
      await expect(
        ctx.store.stepFail({
          ...lease(held, T0 + 2),
          name: 'ghost',
          error: errorRecord('x'),
          inDoubt: false,
        }),
      ).rejects.toThrow(/never started/)
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toMatchObject([
        {
          name: 'map',
          kind: 'local',
          state: 'completed',
          attempts: 1,
          output: [1],
          finishedAt: T0 + 1,
        },
      ])
    })
  })

  describe('cross references', () => {
    it('writes them with the step completion and finds them by business key or source', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const customer: CrossReference = {
        entityType: 'customer',
        businessKey: 'customer-77',
        sourceSystem: 'shopify',
        sourceId: '77',
        targetSystem: 'netsuite',
        targetId: 'C-5',
      }
      await ctx.store.stepComplete({
        ...lease(held, T0 + 1),
        ...delivery,
        output: null,
        crossReferences: [orderRef('SO-0'), customer, orderRef('SO-1')],
      })
      expect(
        await ctx.store.crossReferenceFind({ tenantId, businessKey: 'order-1', limit: 10 }),
      ).toEqual([{ ...orderRef('SO-1'), tenantId, runId, updatedAt: T0 + 1 }])
      expect(
        await ctx.store.crossReferenceFind({
          tenantId,
          entityType: 'customer',
          sourceSystem: 'shopify',
          sourceId: '77',
          limit: 10,
        }),
      ).toEqual([{ ...customer, tenantId, runId, updatedAt: T0 + 1 }])
      expect(await ctx.store.crossReferenceFind({ tenantId, limit: 1 })).toHaveLength(1)
      await ctx.store.runComplete({ ...lease(held, T0 + 2), output: null })

      // A later run maps the same source object again: the reference is replaced, not duplicated.
      const laterRunId = await ingestRun(ctx.store, tenantId, 'order-1')
      const later = await claimOne(ctx.store, tenantId, T0 + 10)
      expect(later.id).toBe(laterRunId)
      await ctx.store.stepComplete({
        ...lease(later, T0 + 11),
        ...delivery,
        output: null,
        crossReferences: [orderRef('SO-2')],
      })
      expect(
        await ctx.store.crossReferenceFind({ tenantId, businessKey: 'order-1', limit: 10 }),
      ).toEqual([{ ...orderRef('SO-2'), tenantId, runId: laterRunId, updatedAt: T0 + 11 }])
    })

    it('writes nothing when the step completion fails', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.stepStart({ ...lease(held, T0 + 1), ...delivery, idempotencyKey: 'k' })
      // A reference the database rejects (NOT NULL) must roll back the step's completion too.
      const broken = { ...orderRef('SO-9'), entityType: null } as unknown as CrossReference
      await expect(
        ctx.store.stepComplete({
          ...lease(held, T0 + 2),
          ...delivery,
          output: { id: 'SO-9' },
          crossReferences: [orderRef('SO-9'), broken],
        }),
      ).rejects.toThrow()
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toMatchObject([
        { state: 'started', output: null },
      ])
      expect(await ctx.store.crossReferenceFind({ tenantId, limit: 10 })).toEqual([])
    })
  })
}
