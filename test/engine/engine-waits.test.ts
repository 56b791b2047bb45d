// Proves on both stores that durable timers and waits for events suspend a run without holding a
// worker, resume it on the event, the deadline or after a restart, and take an early event at once.
import { describe, expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import type { WaitOutcome } from '../../src/engine/run-waits.ts'
import type { JsonValue } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { SOURCE, TOPIC, describeOnStores, fakeTarget, type FakeTarget } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine waits')

const HOUR = 3_600_000

/** Order placed → wait for the warehouse's shipment → fulfil with its tracking number. */
function shipmentFlow(target: FakeTarget, outcomes: WaitOutcome[]) {
  return defineFlow({
    name: 'order-to-shipment',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx): Promise<JsonValue> {
      const order = await ctx.deliver('sales-order', target.delivery(`${ctx.businessKey}:so`, 'w'))
      const shipment = await ctx.waitForEvent<{ tracking: string }>('await-shipment', {
        correlationKey: `shipment:${ctx.businessKey}`,
        timeoutMs: HOUR,
      })
      outcomes.push(shipment)
      if (shipment.kind === 'timeout') return { order, shipped: false }
      const fulfilment = await ctx.deliver(
        'fulfilment',
        target.delivery(`${ctx.businessKey}:${shipment.payload.tracking}`, 'w'),
      )
      return { order, fulfilment, tracking: shipment.payload.tracking }
    },
  })
}

describeOnStores('engine waits', pgUrl, (bench) => {
  describe('durable timers and waits for events', () => {
    it('sleeps without a worker and resumes at the deadline, not before', async () => {
      const b = bench()
      const target = fakeTarget()
      const flow = defineFlow({
        name: 'retry-later',
        trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
        async run(ctx) {
          await ctx.sleep('cool-off', 60_000)
          return await ctx.deliver('push', target.delivery(ctx.businessKey, 'w'))
        },
      })
      const engine = b.engine({ flows: [flow] })
      const runId = (await b.ingest(engine, 'm1')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({
        state: 'waiting',
        nextRunAt: b.clock.now() + 60_000,
      })
      expect(target.calls).toEqual([])
      b.clock.advance(59_999)
      expect(await engine.runOnce()).toBe(0)
      b.clock.advance(1)
      expect(await engine.runOnce()).toBe(1)
      expect((await b.run(runId)).state).toBe('completed')
      expect(target.effects).toHaveLength(1)
    })

    it('resumes on the signalled event in a restarted hub and delivers with its payload once', async () => {
      const b = bench()
      const target = fakeTarget()
      const outcomes: WaitOutcome[] = []
      const before = b.engine({ flows: [shipmentFlow(target, outcomes)] })
      const runId = (await b.ingest(before, 'm1')).runIds[0] ?? ''
      expect(await before.runOnce()).toBe(1)
      expect((await b.run(runId)).state).toBe('waiting')
      await before.stop()

      // A new hub process: nothing of the wait lives in memory.
      const after = b.engine({ flows: [shipmentFlow(target, outcomes)] })
      b.clock.advance(5_000)
      const signal = {
        eventId: 'wh-shipment-1',
        correlationKey: 'shipment:order-m1',
        name: 'shipment.confirmed',
        payload: { tracking: '1Z999' },
      }
      expect(await after.signal(signal)).toEqual({ duplicate: false, woke: [runId] })
      expect(await after.signal(signal)).toEqual({ duplicate: true, woke: [] })
      expect(await after.runOnce()).toBe(1)
      const run = await b.run(runId)
      expect(run).toMatchObject({ state: 'completed', output: { tracking: '1Z999' } })
      expect(outcomes).toEqual([
        {
          kind: 'event',
          eventId: 'wh-shipment-1',
          name: 'shipment.confirmed',
          payload: { tracking: '1Z999' },
          receivedAt: b.clock.now(),
        },
      ])
      // The sales order was not sent again on re-entry: it was memoized before the wait.
      expect(target.effects.map((e) => e.businessKey)).toEqual(['order-m1:so', 'order-m1:1Z999'])
    })

    it('times out at the deadline and the flow goes on with the timeout', async () => {
      const b = bench()
      const target = fakeTarget()
      const outcomes: WaitOutcome[] = []
      const engine = b.engine({ flows: [shipmentFlow(target, outcomes)] })
      const runId = (await b.ingest(engine, 'm1')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      b.clock.advance(HOUR)
      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({ state: 'completed', output: { shipped: false } })
      expect(outcomes).toEqual([{ kind: 'timeout' }])
      // A late event wakes nobody; it is kept for a later wait on the key.
      expect(
        await engine.signal({
          eventId: 'late',
          correlationKey: 'shipment:order-m1',
          name: 'shipment.confirmed',
          payload: { tracking: 'late' },
        }),
      ).toEqual({ duplicate: false, woke: [] })
    })

    it('takes an event that arrived before the wait without suspending', async () => {
      const b = bench()
      const target = fakeTarget()
      const outcomes: WaitOutcome[] = []
      const engine = b.engine({ flows: [shipmentFlow(target, outcomes)] })
      await engine.signal({
        eventId: 'early',
        correlationKey: 'shipment:order-m1',
        name: 'shipment.confirmed',
        payload: { tracking: 'EARLY' },
      })
      const runId = (await b.ingest(engine, 'm1')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({
        state: 'completed',
        output: { tracking: 'EARLY' },
      })
    })
  })
})
