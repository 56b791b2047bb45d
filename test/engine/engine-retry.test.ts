// Proves on both stores that retries follow full-jitter backoff, throttling honours Retry-After without burning attempts, and the attempt cap dead-letters.
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { deliveryFlow, describeOnStores, fakeTarget, sequenceRandom } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine retries')

describeOnStores('engine retries', pgUrl, (bench) => {
  describe('backoff', () => {
    it('schedules each retry at floor(random · base·2^(n-1)) and not a millisecond earlier', async () => {
      const b = bench()
      const target = fakeTarget()
      const flaky = HubError.retryable('503 Service Unavailable', { status: 503 })
      target.plan(...[1, 2, 3, 4].map(() => ({ kind: 'fail' as const, error: flaky })))
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        retryPolicy: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 10 },
        random: sequenceRandom(0.5, 0.25, 0.999, 0),
      })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      // Attempt n fails at `failedAt`; its ceiling is base·2^(n-1); random · ceiling, floored.
      const expected = [
        { attempt: 1, ceiling: 1_000, delay: 500 },
        { attempt: 2, ceiling: 2_000, delay: 500 },
        { attempt: 3, ceiling: 4_000, delay: 3_996 },
        { attempt: 4, ceiling: 8_000, delay: 0 },
      ]
      for (const { attempt, ceiling, delay } of expected) {
        const failedAt = b.clock.now()
        expect(await engine.runOnce()).toBe(1)
        const run = await b.run(runId)
        expect(run).toMatchObject({ state: 'retrying', attempt, lastError: { status: 503 } })
        expect(run.nextRunAt - failedAt).toBe(delay)
        expect(run.nextRunAt).toBeGreaterThanOrEqual(failedAt)
        expect(run.nextRunAt).toBeLessThan(failedAt + ceiling)
        if (delay > 0) {
          b.clock.advance(delay - 1)
          expect(await engine.runOnce()).toBe(0)
          b.clock.advance(1)
        }
      }
      expect(await engine.runOnce()).toBe(1)
      const done = await b.run(runId)
      expect(done).toMatchObject({ state: 'completed', attempt: 4 })
      expect(target.performs).toBe(5)
      expect(target.effects).toHaveLength(1)
      expect(b.events(engine).filter((e) => e.startsWith('retried'))).toEqual([
        `retried run=${runId} attempt=1 delay=500 throttled=false`,
        `retried run=${runId} attempt=2 delay=500 throttled=false`,
        `retried run=${runId} attempt=3 delay=3996 throttled=false`,
        `retried run=${runId} attempt=4 delay=0 throttled=false`,
      ])
    })

    it('caps the backoff ceiling at maxDelayMs', async () => {
      const b = bench()
      const target = fakeTarget()
      const flaky = HubError.retryable('503')
      target.plan(...[1, 2, 3].map(() => ({ kind: 'fail' as const, error: flaky })))
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        retryPolicy: { baseDelayMs: 1_000, maxDelayMs: 1_500, maxAttempts: 10 },
        random: () => 0.999,
      })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''
      const delays: number[] = []
      for (let i = 0; i < 3; i++) {
        const failedAt = b.clock.now()
        await engine.runOnce()
        const run = await b.run(runId)
        delays.push(run.nextRunAt - failedAt)
        b.clock.set(run.nextRunAt)
      }
      // Ceilings 1000, min(1500, 2000), min(1500, 4000).
      expect(delays).toEqual([999, 1_498, 1_498])
    })
  })

  describe('throttling', () => {
    it('waits exactly the Retry-After, keeps the attempt count, and never dies of throttling', async () => {
      const b = bench()
      const target = fakeTarget()
      const slowDown = HubError.throttled('429 Too Many Requests', 3_000, { status: 429 })
      target.plan(...Array.from({ length: 20 }, () => ({ kind: 'fail' as const, error: slowDown })))
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        retryPolicy: { throttleJitterMs: 0, maxAttempts: 3 },
      })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      for (let i = 1; i <= 20; i++) {
        const throttledAt = b.clock.now()
        expect(await engine.runOnce()).toBe(1)
        const run = await b.run(runId)
        expect(run).toMatchObject({
          state: 'retrying',
          attempt: 0,
          nextRunAt: throttledAt + 3_000,
          lastError: { type: 'throttled', retryAfterMs: 3_000 },
        })
        b.clock.advance(2_999)
        expect(await engine.runOnce()).toBe(0)
        b.clock.advance(1)
      }
      expect(target.performs).toBe(20)
      expect(await engine.runOnce()).toBe(1)
      const done = await b.run(runId)
      expect(done).toMatchObject({ state: 'completed', attempt: 0 })
      expect(target.performs).toBe(21)
      // A throttled call applied nothing, so no attempt ever had to read the target first.
      expect(target.lookups).toBe(0)
      expect(target.effects).toHaveLength(1)
      const retried = b.events(engine).filter((e) => e.startsWith('retried'))
      expect(retried).toHaveLength(20)
      expect(new Set(retried)).toEqual(
        new Set([`retried run=${runId} attempt=0 delay=3000 throttled=true`]),
      )
    })

    it('adds the configured throttle jitter on top of the Retry-After', async () => {
      const b = bench()
      const target = fakeTarget()
      target.plan({ kind: 'fail', error: HubError.throttled('429', 3_000) })
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        retryPolicy: { throttleJitterMs: 400 },
        random: () => 0.5,
      })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const start = b.clock.now()
      await engine.runOnce()
      expect((await b.run(runIds[0] ?? '')).nextRunAt).toBe(start + 3_200)
      b.clock.advance(3_199)
      expect(await engine.runOnce()).toBe(0)
      b.clock.advance(1)
      expect(await engine.runOnce()).toBe(1)
      expect(target.performs).toBe(2)
    })
  })

  describe('attempt cap', () => {
    it('dead-letters after exactly maxAttempts failures, then a replay starts again at attempt 0', async () => {
      const b = bench()
      const target = fakeTarget()
      const down = HubError.retryable('502 Bad Gateway', { status: 502 })
      target.plan(...[1, 2, 3].map(() => ({ kind: 'fail' as const, error: down })))
      const attempts: number[] = []
      const engine = b.engine({
        flows: [deliveryFlow(target, { attempts })],
        retryPolicy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
      })
      const { runIds } = await b.ingest(engine, 'msg-1')
      const runId = runIds[0] ?? ''

      for (let i = 0; i < 5; i++) {
        await engine.runOnce()
        b.clock.advance(1_000)
      }
      expect(target.performs).toBe(3)
      const dead = await b.run(runId)
      expect(dead).toMatchObject({
        state: 'dead',
        attempt: 3,
        lastError: { type: 'retryable', message: '502 Bad Gateway' },
      })
      const letters = await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })
      expect(letters).toHaveLength(1)
      expect(letters[0]).toMatchObject({
        runId,
        flowName: 'push-order',
        reason: 'gave up after 3 attempts: 502 Bad Gateway',
        error: { type: 'retryable', message: '502 Bad Gateway', status: 502 },
        attempts: 3,
        replayedAt: null,
        message: { sourceMessageId: 'msg-1' },
      })
      expect(b.events(engine)).toContain(`dead run=${runId} attempt=3`)

      const replayedAt = b.clock.now()
      expect(await engine.replay([runId])).toEqual({ replayed: [runId] })
      expect(await b.run(runId)).toMatchObject({ state: 'pending', attempt: 0 })
      expect(await engine.runOnce()).toBe(1)
      expect(attempts).toEqual([0, 1, 2, 0])
      expect(await b.run(runId)).toMatchObject({ state: 'completed', attempt: 0 })
      expect(target.performs).toBe(4)
      expect(target.effects).toHaveLength(1)
      expect(await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })).toEqual([])
      const history = await b.store.deadLetterList({
        tenantId: b.tenantId,
        limit: 10,
        includeReplayed: true,
      })
      expect(history.map((d) => [d.runId, d.replayedAt])).toEqual([[runId, replayedAt]])
    })
  })
})
