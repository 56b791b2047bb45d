// Proves on both stores that a stale lease holder cannot change a run, and that runs of one business key execute strictly one at a time in arrival order.
import { describe, expect, it } from 'vitest'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  deliveryFlow,
  describeOnStores,
  fakeTarget,
  stepNamed,
  until,
  type Latch,
} from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine leases and ordering')

describeOnStores('engine leases and ordering', pgUrl, (bench) => {
  describe('lease fencing', () => {
    it('rejects the late completion of a worker whose lease was taken over', async () => {
      const b = bench()
      const target = fakeTarget()
      const slow = b.latch()
      target.plan({ kind: 'wait', latch: slow })
      const a = b.engine({ flows: [deliveryFlow(target, { by: 'A' })], workerId: 'worker-a' })
      const bWorker = b.engine({ flows: [deliveryFlow(target, { by: 'B' })], workerId: 'worker-b' })
      const { runIds } = await b.ingest(a, 'msg-1')
      const runId = runIds[0] ?? ''

      const late = b.background(a.runOnce())
      await until('worker A to call the target', () => target.performs === 1)
      b.clock.advance(10_000)
      expect(await bWorker.runOnce()).toBe(1)
      const byB = await b.run(runId)
      expect(byB).toMatchObject({ state: 'completed', output: { receipt: { id: 't-1', by: 'B' } } })
      expect(stepNamed(byB, 'push').output).toEqual({ id: 't-1', by: 'B' })

      // A's call comes back successfully, long after it lost the run.
      b.clock.advance(1_000)
      slow.open()
      expect(await late).toBe(1)
      expect(target.calls).toEqual(['perform:A', 'lookup:B', 'perform:B'])
      expect(target.effects.map((e) => [e.id, e.by])).toEqual([
        ['t-1', 'B'],
        ['t-2', 'A'],
      ])
      const after = await b.run(runId)
      expect(after).toEqual(byB)
      expect(stepNamed(after, 'push')).toMatchObject({ state: 'completed', attempts: 2 })
      expect(
        b.events(a).filter((e) => e.startsWith('completed') || e.startsWith('delivered')),
      ).toEqual([])
      expect(b.events(bWorker)).toContain(`completed run=${runId}`)
    })

    it("rejects a stale worker's runComplete after its steps were resumed elsewhere", async () => {
      const b = bench()
      const target = fakeTarget()
      const slow = b.latch()
      let stalled = false
      const stall = (): Promise<void> => {
        stalled = true
        return slow.promise
      }
      const a = b.engine({
        flows: [deliveryFlow(target, { by: 'A', after: stall })],
        workerId: 'worker-a',
      })
      const bWorker = b.engine({ flows: [deliveryFlow(target, { by: 'B' })], workerId: 'worker-b' })
      const { runIds } = await b.ingest(a, 'msg-1')
      const runId = runIds[0] ?? ''
      const late = b.background(a.runOnce())
      // A's delivery is recorded on its own once A waits on something other than the engine.
      await until(
        'worker A to record its delivery and stall',
        async () => stalled && (await b.run(runId)).steps[0]?.state === 'completed',
      )
      b.clock.advance(10_000)
      expect(await bWorker.runOnce()).toBe(1)
      const byB = await b.run(runId)
      expect(byB).toMatchObject({ state: 'completed', output: { receipt: { id: 't-1', by: 'A' } } })
      // B resumed from A's memoized delivery: nothing was sent again.
      expect(target.calls).toEqual(['perform:A'])

      b.clock.advance(5_000)
      slow.open()
      await late
      expect(await b.run(runId)).toEqual(byB)
      expect(b.events(a).filter((e) => e.startsWith('completed'))).toEqual([])
    })
  })

  describe('per-entity ordering', () => {
    it('runs one business key strictly in arrival order while another key runs alongside', async () => {
      const b = bench()
      const target = fakeTarget()
      const both = b.latch()
      target.plan({ kind: 'wait', latch: both }, { kind: 'wait', latch: both })
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      for (const m of ['m1', 'm2', 'm3']) await b.ingest(engine, m, 'customer-1')
      await b.ingest(engine, 'm4', 'customer-2')

      const first = engine.runOnce()
      await until('m1 and m4 to be at the target together', () => target.inFlight === 2)
      both.open()
      expect(await first).toBe(2)
      expect(await engine.runOnce()).toBe(1)
      expect(await engine.runOnce()).toBe(1)
      expect(await engine.runOnce()).toBe(0)

      const key1 = target.events.filter((e) => !e.endsWith('m4'))
      expect(key1).toEqual(['start:m1', 'end:m1', 'start:m2', 'end:m2', 'start:m3', 'end:m3'])
      expect(target.events.slice(0, 2).sort()).toEqual(['start:m1', 'start:m4'])
      expect(target.maxInFlight).toBe(2)
      const runs = await b.store.runList({ tenantId: b.tenantId, limit: 10 })
      expect(runs.map((r) => r.state)).toEqual(['completed', 'completed', 'completed', 'completed'])
    })

    it('never overlaps one key even with two workers racing on real loops', async () => {
      const b = bench()
      const target = fakeTarget()
      const gates: Latch[] = []
      for (let i = 0; i < 8; i++) gates.push(b.latch())
      target.plan(...gates.map((latch) => ({ kind: 'wait' as const, latch })))
      const flows = [deliveryFlow(target)]
      const racer = (n: number) =>
        b.engine({ flows, workerId: `racer-${n}`, idlePollMs: 5, concurrency: 4 })
      const [one, two] = [racer(1), racer(2)]
      const keys = ['customer-1', 'customer-2']
      for (let i = 1; i <= 4; i++) {
        for (const key of keys) await b.ingest(one, `${key}-m${i}`, key)
      }
      one.start()
      two.start()
      for (const gate of gates) {
        await until('a call to be in flight', () => target.inFlight > 0)
        await new Promise((resolve) => setTimeout(resolve, 5))
        gate.open()
      }
      await until('all 8 calls to end', () => target.events.length === 16)
      await Promise.all([one.stop(), two.stop()])
      for (const key of keys) {
        const mine = target.events.filter((e) => e.includes(key))
        const expected = [1, 2, 3, 4].flatMap((i) => [`start:${key}-m${i}`, `end:${key}-m${i}`])
        expect(mine).toEqual(expected)
      }
      expect(target.maxInFlight).toBeLessThanOrEqual(2)
      expect(target.effects).toHaveLength(8)
      const runs = await b.store.runList({ tenantId: b.tenantId, state: 'completed', limit: 10 })
      expect(runs).toHaveLength(8)
    })
  })

  describe('poison messages', () => {
    it('dead-letters a run whose workers keep dying mid-run, after the attempt cap', async () => {
      const b = bench()
      const target = fakeTarget()
      const engine = b.engine({ flows: [deliveryFlow(target)], retryPolicy: { maxAttempts: 3 } })
      const { runIds } = await b.ingest(engine, 'poison-1')
      const runId = runIds[0] ?? ''
      // Three workers claim it and die without a word: each lost lease is one attempt.
      for (let i = 0; i < 3; i++) {
        const claimed = await b.store.runClaim({
          tenantId: b.tenantId,
          workerId: `doomed-${i}`,
          limit: 1,
          now: b.clock.now(),
          leaseMs: 1_000,
          flowNames: ['push-order'],
        })
        expect(claimed.map((r) => [r.id, r.attempt])).toEqual([[runId, i]])
        b.clock.advance(1_000)
      }
      expect(await engine.runOnce()).toBe(1)
      expect(target.performs).toBe(0)
      const dead = await b.run(runId)
      expect(dead).toMatchObject({ state: 'dead', attempt: 3 })
      const letters = await b.store.deadLetterList({ tenantId: b.tenantId, limit: 5 })
      expect(letters[0]?.reason).toMatch(/interrupted 3 times/)
    })
  })
})
