// Proves on both stores that a delivery whose outcome is unknown (error or crash) is read back before it is ever sent again.
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { deliveryFlow, describeOnStores, fakeTarget, stepNamed, until } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine in-doubt deliveries')

describeOnStores('engine in-doubt deliveries', pgUrl, (bench) => {
  describe('read before retry', () => {
    it('finds an effect applied before the unknown outcome and completes without sending again', async () => {
      const b = bench()
      const target = fakeTarget()
      target.plan({
        kind: 'fail',
        error: HubError.unknownOutcome('read timeout after request sent'),
        applied: true,
      })
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      expect(await engine.runOnce()).toBe(1)
      const doubtful = await b.run(runId)
      expect(doubtful).toMatchObject({ state: 'retrying', attempt: 1 })
      expect(stepNamed(doubtful, 'push')).toMatchObject({
        state: 'in_doubt',
        lastError: { type: 'unknown_outcome' },
      })
      expect(b.events(engine)).toContain(`inDoubt run=${runId}`)

      await b.advanceToNextRun(runId)
      expect(await engine.runOnce()).toBe(1)
      expect(target.calls).toEqual(['perform:w', 'lookup:w'])
      expect(target.effects).toHaveLength(1)
      const done = await b.run(runId)
      expect(done.state).toBe('completed')
      expect(done.output).toEqual({ receipt: { id: 't-1', by: 'w' } })
      expect(stepNamed(done, 'push')).toMatchObject({
        state: 'completed',
        output: { id: 't-1', by: 'w' },
        attempts: 1,
      })
      expect(b.events(engine)).toContain(`delivered run=${runId} byLookup=true`)
    })

    it('sends again when the read finds nothing, still producing a single effect', async () => {
      const b = bench()
      const target = fakeTarget()
      target.plan({ kind: 'fail', error: HubError.unknownOutcome('connection reset') })
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      await engine.runOnce()
      expect(stepNamed(await b.run(runId), 'push').state).toBe('in_doubt')
      await b.advanceToNextRun(runId)
      await engine.runOnce()
      expect(target.calls).toEqual(['perform:w', 'lookup:w', 'perform:w'])
      expect(target.effects).toHaveLength(1)
      const done = await b.run(runId)
      expect(done.state).toBe('completed')
      expect(stepNamed(done, 'push')).toMatchObject({ state: 'completed', attempts: 2 })
      expect(b.events(engine)).toContain(`delivered run=${runId} byLookup=false`)
    })
  })

  describe('crash after stepStart', () => {
    it('lets a second worker take the run after the lease and read first; the effect is not repeated', async () => {
      const b = bench()
      const target = fakeTarget()
      const hung = b.latch()
      // Worker A's call reaches the target and applies, then A never hears back (it "died").
      target.plan({ kind: 'wait', latch: hung, applyBeforeWaiting: true })
      const a = b.engine({ flows: [deliveryFlow(target, { by: 'A' })], workerId: 'worker-a' })
      const bWorker = b.engine({ flows: [deliveryFlow(target, { by: 'B' })], workerId: 'worker-b' })
      const { runIds } = await b.ingest(a, 'msg-1')
      const runId = runIds[0] ?? ''

      const stuck = b.background(a.runOnce())
      await until('worker A to call the target', () => target.performs === 1)
      const held = await b.run(runId)
      expect(held.state).toBe('running')
      expect(stepNamed(held, 'push').state).toBe('started')

      b.clock.advance(9_999)
      expect(await bWorker.runOnce()).toBe(0)
      b.clock.advance(1)
      expect(await bWorker.runOnce()).toBe(1)
      expect(target.calls).toEqual(['perform:A', 'lookup:B'])
      expect(target.effects).toHaveLength(1)
      const done = await b.run(runId)
      expect(done).toMatchObject({
        state: 'completed',
        output: { receipt: { id: 't-1', by: 'A' } },
      })
      expect(b.events(bWorker)).toContain(`delivered run=${runId} byLookup=true`)

      // A's call finally fails; its late stepFail is fenced and changes nothing.
      hung.fail(new Error('socket closed'))
      expect(await stuck).toBe(1)
      expect(await b.run(runId)).toEqual(done)
      expect(target.calls).toEqual(['perform:A', 'lookup:B'])
    })

    it('has the second worker send when the crashed call never reached the target', async () => {
      const b = bench()
      const target = fakeTarget()
      const hung = b.latch()
      target.plan({ kind: 'wait', latch: hung })
      const a = b.engine({ flows: [deliveryFlow(target, { by: 'A' })], workerId: 'worker-a' })
      const bWorker = b.engine({ flows: [deliveryFlow(target, { by: 'B' })], workerId: 'worker-b' })
      const { runIds } = await b.ingest(a, 'msg-1')
      const stuck = b.background(a.runOnce())
      await until('worker A to call the target', () => target.performs === 1)
      b.clock.advance(10_000)
      expect(await bWorker.runOnce()).toBe(1)
      expect(target.calls).toEqual(['perform:A', 'lookup:B', 'perform:B'])
      hung.fail(new Error('process killed'))
      await stuck
      expect(target.effects.map((e) => e.by)).toEqual(['B'])
      const done = await b.run(runIds[0] ?? '')
      expect(done).toMatchObject({
        state: 'completed',
        output: { receipt: { id: 't-1', by: 'B' } },
      })
      // Both attempts sent the one key that was recorded at the first stepStart.
      expect(new Set(target.keys).size).toBe(1)
    })
  })
})
