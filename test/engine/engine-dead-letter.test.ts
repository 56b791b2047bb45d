// Proves on both stores that validation errors dead-letter at once, replay delivers once, replay-all is scoped to the tenant, and the idempotency key never changes.
import { describe, expect, it } from 'vitest'
import { idempotencyKeyFor } from '../../src/engine/idempotency-key.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { deliveryFlow, describeOnStores, fakeTarget, stepNamed } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine dead letters')

describeOnStores('engine dead letters', pgUrl, (bench) => {
  describe('validation', () => {
    it('dead-letters after one attempt with no retry; a replay after the fix delivers once', async () => {
      const b = bench()
      const target = fakeTarget()
      target.plan({
        kind: 'fail',
        error: HubError.validation('item SKU-9 does not exist', { path: 'item', status: 400 }),
      })
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({ state: 'dead', attempt: 1 })
      const [letter] = await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })
      expect(letter).toMatchObject({
        runId,
        reason: 'validation: item SKU-9 does not exist',
        error: { type: 'validation', path: 'item', status: 400 },
        attempts: 1,
      })
      b.clock.advance(24 * 3_600_000)
      expect(await engine.runOnce()).toBe(0)
      expect(target.performs).toBe(1)

      // The operator fixes the item; the target's script is empty now, so the next call succeeds.
      expect(await engine.replay([runId])).toEqual({ replayed: [runId] })
      expect(await engine.runOnce()).toBe(1)
      const done = await b.run(runId)
      expect(done).toMatchObject({ state: 'completed', attempt: 0 })
      expect(stepNamed(done, 'push')).toMatchObject({ state: 'completed', attempts: 2 })
      expect(target.performs).toBe(2)
      expect(target.effects).toHaveLength(1)
      // A refusal proves nothing was applied: no read-before-retry was needed.
      expect(target.lookups).toBe(0)
    })
  })

  describe('replay of many', () => {
    it("replays every dead run of the tenant when no ids are given, and no other tenant's", async () => {
      const b = bench()
      const target = fakeTarget()
      const invalid = { kind: 'fail' as const, error: HubError.validation('bad customer') }
      target.plan(invalid, invalid, invalid, invalid)
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      const other = b.engine({ flows: [deliveryFlow(target)], tenantId: `${b.tenantId}-other` })
      const ids: string[] = []
      for (const m of ['msg-1', 'msg-2', 'msg-3']) ids.push(...(await b.ingest(engine, m)).runIds)
      const [otherRun] = (await b.ingest(other, 'msg-1')).runIds

      expect(await engine.runOnce()).toBe(3)
      expect(await other.runOnce()).toBe(1)
      expect(await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })).toHaveLength(3)

      const replay = await engine.replay()
      expect(replay.replayed).toEqual(ids)
      expect(await engine.replay()).toEqual({ replayed: [] })
      expect(await engine.runOnce()).toBe(3)
      const states = await Promise.all(ids.map(async (id) => (await b.run(id)).state))
      expect(states).toEqual(['completed', 'completed', 'completed'])
      expect(await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })).toEqual([])

      // The other tenant's dead run was not touched.
      const otherTenant = `${b.tenantId}-other`
      expect((await b.run(otherRun ?? '', otherTenant)).state).toBe('dead')
      const otherLetters = await b.store.deadLetterList({ tenantId: otherTenant, limit: 10 })
      expect(otherLetters.map((d) => [d.runId, d.replayedAt])).toEqual([[otherRun, null]])
      expect(target.performs).toBe(7)
    })
  })

  describe('idempotency key', () => {
    it('sends the same key on every attempt and after a replay', async () => {
      const b = bench()
      const target = fakeTarget()
      target.plan(
        { kind: 'fail', error: HubError.unknownOutcome('socket hang up') },
        { kind: 'fail', error: HubError.retryable('503') },
        { kind: 'fail', error: HubError.retryable('503') },
      )
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        retryPolicy: { maxAttempts: 3, baseDelayMs: 100 },
      })
      const { runIds } = await b.ingest(engine, 'msg-1', 'order-1001')
      const runId = runIds[0] ?? ''
      for (let i = 0; i < 3; i++) {
        await engine.runOnce()
        b.clock.advance(60_000)
      }
      expect((await b.run(runId)).state).toBe('dead')
      await engine.replay([runId])
      await engine.runOnce()

      const expected = idempotencyKeyFor({
        tenantId: b.tenantId,
        target: 't',
        operation: 'order.upsert',
        businessKey: 'order-1001',
      })
      expect(target.keys).toEqual([expected, expected, expected, expected])
      expect(target.effects.map((e) => e.idempotencyKey)).toEqual([expected])
      const done = await b.run(runId)
      expect(done.state).toBe('completed')
      expect(stepNamed(done, 'push')).toMatchObject({ idempotencyKey: expected, attempts: 4 })

      // Another business key is another intended effect, with another key.
      const second = await b.ingest(engine, 'msg-2', 'order-1002')
      await engine.runOnce()
      expect((await b.run(second.runIds[0] ?? '')).state).toBe('completed')
      expect(target.keys[4]).toHaveLength(40)
      expect(target.keys[4]).not.toBe(expected)
    })
  })
})
