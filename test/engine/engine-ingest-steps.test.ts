// Proves on both stores that ingest commits a (source, message id) once and that completed steps are never re-run on retry.
import { describe, expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  SOURCE,
  TOPIC,
  deliveryFlow,
  describeOnStores,
  fakeTarget,
  stepNamed,
} from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine ingest and memoized steps')

describeOnStores('engine ingest and memoized steps', pgUrl, (bench) => {
  describe('ingest', () => {
    it('commits a message once; the same (source, message id) again is a duplicate with no new run', async () => {
      const b = bench()
      const target = fakeTarget()
      let audited = 0
      const audit = defineFlow({
        name: 'audit-order',
        trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
        run: (ctx) => ctx.step('count', () => ++audited),
      })
      const engine = b.engine({ flows: [deliveryFlow(target), audit] })

      const first = await b.ingest(engine, 'msg-1')
      expect(first.inserted).toBe(true)
      expect(first.runIds).toHaveLength(2)

      const again = await b.ingest(engine, 'msg-1')
      expect(again).toEqual({ inserted: false, inboxId: first.inboxId, runIds: [] })

      // Both runs carry the message's business key, so they go one at a time, in order.
      expect(await engine.runOnce()).toBe(1)
      expect(await engine.runOnce()).toBe(1)
      expect(target.performs).toBe(1)
      expect(audited).toBe(1)

      // A redelivery after the work is done is still only a duplicate.
      const late = await b.ingest(engine, 'msg-1')
      expect(late.inserted).toBe(false)
      expect(late.runIds).toEqual([])
      expect(await engine.runOnce()).toBe(0)
      expect(target.performs).toBe(1)

      const runs = await b.store.runList({ tenantId: b.tenantId, limit: 10 })
      expect(runs.map((r) => r.state)).toEqual(['completed', 'completed'])
      const stats = await b.store.statsGet({ tenantId: b.tenantId, now: b.clock.now() })
      expect(stats.inboxMessages).toBe(1)
      expect(b.events(engine).filter((e) => e === 'duplicate')).toHaveLength(2)
      expect(b.events(engine).filter((e) => e.startsWith('ingested'))).toEqual(['ingested runs=2'])
    })

    it('keys duplicates by source system too: the same id from another source is a new message', async () => {
      const b = bench()
      const engine = b.engine({ flows: [deliveryFlow(fakeTarget())] })
      const shop = await b.ingest(engine, 'msg-7')
      const other = await engine.ingest({
        sourceSystem: 'erp',
        sourceMessageId: 'msg-7',
        connection: 'main',
        topic: TOPIC,
        payload: '{}',
        headers: {},
        triggeredAt: null,
        businessKey: 'order-msg-7',
      })
      expect(shop.inserted).toBe(true)
      expect(other.inserted).toBe(true)
      expect(other.inboxId).not.toBe(shop.inboxId)
      // No flow is triggered by 'erp': the message is kept, no run is created.
      expect(other.runIds).toEqual([])
      const stats = await b.store.statsGet({ tenantId: b.tenantId, now: b.clock.now() })
      expect(stats.inboxMessages).toBe(2)
      expect(await b.store.runList({ tenantId: b.tenantId, limit: 10 })).toHaveLength(1)
    })
  })

  describe('memoized steps', () => {
    it('re-enters a retried run without re-running the steps that completed', async () => {
      const b = bench()
      const calls = { one: 0, two: 0, three: 0 }
      const flow = defineFlow({
        name: 'three-steps',
        trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
        async run(ctx) {
          const a = await ctx.step('one', () => ({ n: ++calls.one }))
          const c = await ctx.step('two', () => {
            calls.two += 1
            if (calls.two === 1) throw HubError.retryable('step two is flaky once')
            return { n: a.n + 10 }
          })
          const d = await ctx.step('three', () => {
            calls.three += 1
            return { n: c.n + 100 }
          })
          return { total: d.n }
        },
      })
      const engine = b.engine({ flows: [flow] })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      expect(await engine.runOnce()).toBe(1)
      expect(calls).toEqual({ one: 1, two: 1, three: 0 })
      const failed = await b.run(runId)
      expect(failed.state).toBe('retrying')
      expect(failed.attempt).toBe(1)
      expect(failed.lastError).toMatchObject({
        type: 'retryable',
        message: 'step two is flaky once',
      })
      expect(failed.steps.map((s) => [s.name, s.state])).toEqual([['one', 'completed']])

      await b.advanceToNextRun(runId)
      expect(await engine.runOnce()).toBe(1)
      expect(calls).toEqual({ one: 1, two: 2, three: 1 })

      const done = await b.run(runId)
      expect(done.state).toBe('completed')
      expect(done.attempt).toBe(1)
      expect(done.output).toEqual({ total: 111 })
      expect(stepNamed(done, 'one')).toMatchObject({
        state: 'completed',
        kind: 'local',
        output: { n: 1 },
      })
      expect(stepNamed(done, 'two')).toMatchObject({ state: 'completed', output: { n: 11 } })
      expect(stepNamed(done, 'three')).toMatchObject({ state: 'completed', output: { n: 111 } })
      expect(await engine.runOnce()).toBe(0)
    })

    it('does not deliver again when a later step fails: the delivery stays memoized', async () => {
      const b = bench()
      const target = fakeTarget()
      let finishCalls = 0
      const flow = defineFlow({
        name: 'deliver-then-finish',
        trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
        async run(ctx) {
          const receipt = await ctx.deliver('push', target.delivery(ctx.businessKey, 'w'))
          await ctx.step('finish', () => {
            finishCalls += 1
            if (finishCalls === 1) throw HubError.retryable('bookkeeping hiccup')
            return receipt.id
          })
          return receipt
        },
      })
      const engine = b.engine({ flows: [flow] })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''
      await engine.runOnce()
      await b.advanceToNextRun(runId)
      await engine.runOnce()
      expect(finishCalls).toBe(2)
      expect(target.calls).toEqual(['perform:w'])
      expect(target.effects).toHaveLength(1)
      const done = await b.run(runId)
      expect(done.state).toBe('completed')
      expect(done.output).toEqual({ id: 't-1', by: 'w' })
      expect(stepNamed(done, 'push')).toMatchObject({ state: 'completed', attempts: 1 })
    })
  })
})
