/** @module store/store-conformance-ingest — conformance: the inbox, one message at a time and many at once. */
import { describe, expect, it } from 'vitest'
import {
  claim,
  FLOW,
  ingestParams,
  newTenant,
  OTHER_FLOW,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'

export function describeIngest(ctx: ConformanceContext): void {
  describe('inboxIngest', () => {
    it('stores the message exactly as received and creates one pending run per entry', async () => {
      const tenantId = newTenant()
      const params = ingestParams(tenantId, {
        runs: [
          { flowName: FLOW, businessKey: 'order-1' },
          { flowName: OTHER_FLOW, businessKey: 'customer-7' },
        ],
      })
      const result = await ctx.store.inboxIngest(params)
      expect(result.inserted).toBe(true)
      expect(result.inboxId).toMatch(/^\d+$/)
      expect(result.runIds).toHaveLength(2)

      const [first, second] = await Promise.all(
        result.runIds.map((runId) => ctx.store.runGet({ tenantId, runId })),
      )
      expect(first).toMatchObject({ flowName: FLOW, businessKey: 'order-1', state: 'pending' })
      expect(second).toMatchObject({ flowName: OTHER_FLOW, businessKey: 'customer-7' })
      expect(first).toMatchObject({
        tenantId,
        attempt: 0,
        nextRunAt: T0,
        createdAt: T0,
        completedAt: null,
        lastError: null,
        output: null,
        inboxId: result.inboxId,
        steps: [],
      })

      const claimed = await claim(ctx.store, tenantId, T0, { flowNames: [FLOW] })
      expect(claimed).toHaveLength(1)
      expect(claimed[0]?.message).toEqual({
        id: result.inboxId,
        tenantId,
        sourceSystem: params.sourceSystem,
        sourceMessageId: params.sourceMessageId,
        connection: params.connection,
        topic: params.topic,
        payload: params.payload,
        headers: params.headers,
        receivedAt: params.receivedAt,
        triggeredAt: params.triggeredAt,
      })
    })

    it('stores nothing for a caller that gave up before its message was sent', async () => {
      const tenantId = newTenant()
      const gaveUp = new AbortController()
      gaveUp.abort(new Error('answered 503 at the deadline'))
      await expect(
        ctx.store.inboxIngest(ingestParams(tenantId), { signal: gaveUp.signal }),
      ).rejects.toThrow('answered 503 at the deadline')
      expect(await ctx.store.runList({ tenantId, limit: 10 })).toEqual([])
      // The source's retry is then the first delivery, not a duplicate.
      const retried = await ctx.store.inboxIngest(ingestParams(tenantId))
      expect(retried.inserted).toBe(true)
    })

    it('treats a second delivery of the same message as a duplicate and creates no runs', async () => {
      const tenantId = newTenant()
      const params = ingestParams(tenantId)
      const first = await ctx.store.inboxIngest(params)
      const again = await ctx.store.inboxIngest({ ...params, payload: '{"changed":true}' })
      expect(again).toEqual({ inserted: false, inboxId: first.inboxId, runIds: [] })
      expect(await ctx.store.runList({ tenantId, limit: 10 })).toHaveLength(1)
      const [run] = await claim(ctx.store, tenantId, T0)
      expect(run?.message.payload).toBe(params.payload)
    })

    it('deduplicates per tenant and source system, and accepts a message with no runs', async () => {
      const tenantId = newTenant()
      const params = ingestParams(tenantId, { runs: [] })
      const first = await ctx.store.inboxIngest(params)
      expect(first).toMatchObject({ inserted: true, runIds: [] })
      const otherSource = await ctx.store.inboxIngest({ ...params, sourceSystem: 'netsuite' })
      const otherTenant = await ctx.store.inboxIngest({ ...params, tenantId: newTenant() })
      expect(otherSource.inserted).toBe(true)
      expect(otherTenant.inserted).toBe(true)
      expect(new Set([first.inboxId, otherSource.inboxId, otherTenant.inboxId]).size).toBe(3)
    })

    it('stores a duplicate delivered concurrently only once', async () => {
      const tenantId = newTenant()
      const params = ingestParams(tenantId)
      const results = await Promise.all([1, 2, 3].map(() => ctx.store.inboxIngest(params)))
      expect(results.filter((r) => r.inserted)).toHaveLength(1)
      expect(new Set(results.map((r) => r.inboxId)).size).toBe(1)
      expect(await ctx.store.runList({ tenantId, limit: 10 })).toHaveLength(1)
    })

    it('gives each of many concurrent ingests its own outcome, duplicates included', async () => {
      // Concurrent ingests may be committed together (group commit): each must still get its own
      // message id, its own runs in order, and duplicates, even within one batch, stored once.
      const tenantId = newTenant()
      const distinct = Array.from({ length: 60 }, (_, i) =>
        ingestParams(tenantId, {
          runs: [
            { flowName: FLOW, businessKey: `order-${i}` },
            { flowName: OTHER_FLOW, businessKey: `customer-${i}` },
          ],
        }),
      )
      const deliveries = [...distinct, ...distinct.slice(0, 20), ...distinct.slice(0, 5)]
      const results = await Promise.all(deliveries.map((p) => ctx.store.inboxIngest(p)))
      const byMessage = new Map<string, typeof results>()
      deliveries.forEach((p, i) => {
        const list = byMessage.get(p.sourceMessageId) ?? []
        const result = results[i]
        if (result !== undefined) list.push(result)
        byMessage.set(p.sourceMessageId, list)
      })
      for (const [, outcomes] of byMessage) {
        expect(outcomes.filter((r) => r.inserted)).toHaveLength(1)
        expect(new Set(outcomes.map((r) => r.inboxId)).size).toBe(1)
        for (const r of outcomes) expect(r.runIds).toHaveLength(r.inserted ? 2 : 0)
      }
      expect(new Set(results.map((r) => r.inboxId)).size).toBe(60)
      const runs = await ctx.store.runList({ tenantId, limit: 500 })
      expect(runs).toHaveLength(120)
      for (const [index, params] of distinct.entries()) {
        const stored = results.find((r, i) => r.inserted && deliveries[i] === params)
        const [first, second] = await Promise.all(
          (stored?.runIds ?? []).map((runId) => ctx.store.runGet({ tenantId, runId })),
        )
        expect(first).toMatchObject({ flowName: FLOW, businessKey: `order-${index}` })
        expect(second).toMatchObject({ flowName: OTHER_FLOW, businessKey: `customer-${index}` })
        expect(first?.inboxId).toBe(stored?.inboxId)
      }
      const claimed = await claim(ctx.store, tenantId, T0, { flowNames: [FLOW], limit: 100 })
      expect(claimed.map((c) => c.message.payload).sort()).toEqual(
        distinct.map((p) => p.payload).sort(),
      )
    })
  })
}
