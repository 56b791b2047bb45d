// Proves on both stores how the worker loop claims: several runs per claim statement while busy, and never a slot left idle longer than a poll interval behind slow runs.
import { describe, expect, it } from 'vitest'
import type { Store } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { deliveryFlow, describeOnStores, fakeTarget, until } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine claims')

interface Claim {
  limit: number
  got: number
}

/** The suite's store, recording each claim's limit and how many runs it returned. */
function recordingClaims(store: Store, claims: Claim[]): Store {
  return {
    ...store,
    async runClaim(params) {
      const runs = await store.runClaim(params)
      claims.push({ limit: params.limit, got: runs.length })
      return runs
    },
  }
}

describeOnStores('engine claims', pgUrl, (bench) => {
  describe('worker loop', () => {
    it('claims several runs per statement while runs finish one at a time', async () => {
      const b = bench()
      const target = fakeTarget()
      const claims: Claim[] = []
      const engine = b.engine({
        flows: [
          deliveryFlow(target, {
            // Runs finish at different moments, one slot at a time.
            after: () => new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 8)),
          }),
        ],
        store: recordingClaims(b.store, claims),
        concurrency: 8,
        claimBatch: 8,
        idlePollMs: 60_000,
      })
      for (let i = 0; i < 48; i += 1) await b.ingest(engine, `msg-${i}`)
      engine.start()
      await until('every run to complete', () => target.effects.length === 48, 20_000)

      const productive = claims.filter((c) => c.got > 0)
      // Claiming for every freed slot would take one statement per run (about 48).
      expect(productive.length).toBeLessThanOrEqual(48 / 2 + 1)
      // A quarter of the batch (2) at least, apart from the first claim of an idle worker.
      expect(claims.slice(1).every((c) => c.limit >= 2)).toBe(true)
      expect(new Set(target.effects.map((e) => e.businessKey)).size).toBe(48)
    })

    it('claims a single free slot within a poll interval while slow runs hold the rest', async () => {
      const b = bench()
      const target = fakeTarget()
      const held = Array.from({ length: 7 }, () => b.latch())
      target.plan(...held.map((latch) => ({ kind: 'wait' as const, latch })))
      const claims: Claim[] = []
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        store: recordingClaims(b.store, claims),
        concurrency: 8,
        claimBatch: 8,
        idlePollMs: 100,
      })
      for (let i = 0; i < 7; i += 1) await b.ingest(engine, `slow-${i}`)
      engine.start()
      await until('seven runs at the target', () => target.inFlight === 7)

      // One slot is free, under the loop's low-water mark. New messages keep waking the loop (runs
      // of a held key: not claimable) while one claimable run waits.
      const { runIds } = await b.ingest(engine, 'quick')
      const runId = runIds[0] ?? ''
      let noise = 0
      const waking = setInterval(() => {
        void b.ingest(engine, `again-${noise++}`, 'order-slow-0')
      }, 20)
      try {
        await until(
          'the quick run to complete',
          async () => (await b.run(runId)).state === 'completed',
          3_000,
        )
      } finally {
        clearInterval(waking)
      }
      expect(target.inFlight).toBe(7)
      for (const latch of held) latch.open()
      const slowKeys = held.map((_, i) => `order-slow-${i}`)
      await until('the slow runs to complete', () =>
        slowKeys.every((key) => target.effects.some((e) => e.businessKey === key)),
      )
    })
  })
})
