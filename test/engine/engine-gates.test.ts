// Proves on both stores that the target's circuit breaker sheds calls without burning attempts, and its governor caps calls in flight.
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { deliveryFlow, describeOnStores, fakeTarget, until, type Latch } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine target gates')

describeOnStores('engine target gates', pgUrl, (bench) => {
  describe('circuit breaker', () => {
    it('opens after 4 failures, reschedules without calling or burning attempts, probes once, closes', async () => {
      const b = bench()
      const target = fakeTarget()
      const down = HubError.retryable('503', { status: 503 })
      target.plan(...[1, 2, 3, 4].map(() => ({ kind: 'fail' as const, error: down })))
      const engine = b.engine({
        flows: [deliveryFlow(target)],
        retryPolicy: { baseDelayMs: 1_000, throttleJitterMs: 0 },
        random: () => 0.5,
      })
      engine.gates.configure('t', {
        concurrency: 4,
        circuit: { minimumCalls: 4, failureRatio: 0.5, windowMs: 10_000, openMs: 5_000 },
      })
      const t0 = b.clock.now()
      const ids: string[] = []
      for (const m of ['o1', 'o2', 'o3', 'o4']) ids.push(...(await b.ingest(engine, m)).runIds)
      const snapshot = () =>
        Promise.all(
          ids.map(async (id) => {
            const r = await b.run(id)
            return [r.state, r.attempt, r.nextRunAt - t0, r.lastError?.code ?? null]
          }),
        )

      expect(await engine.runOnce()).toBe(4)
      expect(target.performs).toBe(4)
      expect(engine.gates.circuitState('t')).toBe('open')
      expect(await snapshot()).toEqual(ids.map(() => ['retrying', 1, 500, null]))

      // New runs while open: turned away before the target, rescheduled to when it may probe.
      for (const m of ['o5', 'o6']) ids.push(...(await b.ingest(engine, m)).runIds)
      expect(await engine.runOnce()).toBe(2)
      b.clock.advance(500)
      expect(await engine.runOnce()).toBe(4)
      expect(target.calls).toHaveLength(4)
      const shed = await snapshot()
      expect(shed.slice(0, 4)).toEqual(
        ids.slice(0, 4).map(() => ['retrying', 1, 5_000, 'CIRCUIT_OPEN']),
      )
      expect(shed.slice(4)).toEqual([
        ['retrying', 0, 5_000, 'CIRCUIT_OPEN'],
        ['retrying', 0, 5_000, 'CIRCUIT_OPEN'],
      ])
      const o1 = await b.run(ids[0] ?? '')
      expect(o1.lastError).toMatchObject({ type: 'throttled', retryAfterMs: 4_500 })

      // Open for 5 s: all six are due, exactly one (the oldest) probes and closes the circuit.
      b.clock.advance(4_499)
      expect(await engine.runOnce()).toBe(0)
      b.clock.advance(1)
      expect(await engine.runOnce()).toBe(6)
      expect(target.performs).toBe(5)
      expect(engine.gates.circuitState('t')).toBe('closed')
      const probed = await snapshot()
      expect(probed.map((s) => [s[0], s[1], s[0] === 'completed' ? null : s[2]])).toEqual([
        ['completed', 1, null],
        ['retrying', 1, 10_000],
        ['retrying', 1, 10_000],
        ['retrying', 1, 10_000],
        ['retrying', 0, 10_000],
        ['retrying', 0, 10_000],
      ])

      b.clock.advance(5_000)
      expect(await engine.runOnce()).toBe(5)
      expect(target.performs).toBe(10)
      expect(target.effects).toHaveLength(6)
      const done = await snapshot()
      expect(done.map((s) => [s[0], s[1]])).toEqual([
        ['completed', 1],
        ['completed', 1],
        ['completed', 1],
        ['completed', 1],
        ['completed', 0],
        ['completed', 0],
      ])
      expect(b.events(engine).filter((e) => e.startsWith('circuit'))).toEqual([
        'circuit t open',
        'circuit t half_open',
        'circuit t closed',
      ])
    })
  })

  describe('rate governor', () => {
    it('sends a backlog of 8 runs at the configured 10 calls per second, losing none', async () => {
      const b = bench()
      const target = fakeTarget()
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      engine.gates.configure('t', { concurrency: 8, rate: { perSecond: 10 } })
      expect(engine.gates.rateLimit('t')).toEqual({ perSecond: 10, burst: 1 })
      for (let i = 1; i <= 8; i++) await b.ingest(engine, `o${i}`)
      const t0 = b.clock.now()
      let finished = false
      const pass = engine.runOnce().finally(() => (finished = true))
      // Sample how many calls the target has seen as the engine's clock moves in 10 ms steps.
      const seen: Array<[number, number]> = []
      while (!finished && b.clock.now() - t0 < 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 2))
        seen.push([b.clock.now() - t0, target.performs])
        b.clock.advance(10)
      }
      expect(await pass).toBe(8)
      expect(target.effects).toHaveLength(8)
      // Call n (from 0) may not start before n × 100 ms.
      for (const [at, performs] of seen) {
        expect(performs).toBeLessThanOrEqual(Math.floor(at / 100) + 1)
      }
      const allSentAt = seen.find(([, performs]) => performs === 8)?.[0]
      expect(allSentAt).toBeGreaterThanOrEqual(700)
      expect(allSentAt).toBeLessThan(1_000)
    })
  })

  describe('configuration', () => {
    // Regression: configure() once dropped `circuit` for a gate that already existed, pinning
    // the default breaker (minimumCalls 20) on any target touched before it was configured.
    it('applies circuit options given to configure() after the gate was first read', async () => {
      const b = bench()
      const target = fakeTarget()
      const down = HubError.retryable('503')
      target.plan(...[1, 2, 3, 4].map(() => ({ kind: 'fail' as const, error: down })))
      const engine = b.engine({ flows: [deliveryFlow(target)] })
      // E.g. a health endpoint reads the circuit before the limits are configured.
      expect(engine.gates.circuitState('t')).toBe('closed')
      engine.gates.configure('t', {
        concurrency: 4,
        circuit: { minimumCalls: 4, failureRatio: 0.5, windowMs: 10_000, openMs: 5_000 },
      })
      expect(engine.gates.governor('t').limit).toBe(4)
      for (const m of ['o1', 'o2', 'o3', 'o4']) await b.ingest(engine, m)
      expect(await engine.runOnce()).toBe(4)
      expect(target.performs).toBe(4)
      expect(engine.gates.circuitState('t')).toBe('open')
    })
  })

  describe('governor', () => {
    it('keeps at most 2 calls in flight to the target while 10 runs are claimed', async () => {
      const b = bench()
      const target = fakeTarget()
      const gates: Latch[] = []
      for (let i = 0; i < 10; i++) gates.push(b.latch())
      target.plan(...gates.map((latch) => ({ kind: 'wait' as const, latch })))
      const engine = b.engine({ flows: [deliveryFlow(target)], idlePollMs: 5 })
      engine.gates.configure('t', { concurrency: 2 })
      for (let i = 1; i <= 10; i++) await b.ingest(engine, `o${i}`)

      engine.start()
      await until('two calls in flight', () => target.inFlight === 2)
      const running = () => b.store.runList({ tenantId: b.tenantId, state: 'running', limit: 20 })
      await until('all ten runs to be claimed', async () => (await running()).length === 10)
      // Give the loop time to (wrongly) start a third call.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(target.performs).toBe(2)
      expect(engine.gates.governor('t').inFlight).toBe(2)

      for (const [i, gate] of gates.entries()) {
        gate.open()
        const started = Math.min(i + 3, 10)
        await until(`call ${started} to start`, () => target.performs === started)
        expect(target.inFlight).toBeLessThanOrEqual(2)
      }
      await until('all calls to end', () => target.events.length === 20)
      await engine.stop()
      expect(target.maxInFlight).toBe(2)
      expect(target.effects).toHaveLength(10)
      const completed = await b.store.runList({
        tenantId: b.tenantId,
        state: 'completed',
        limit: 20,
      })
      expect(completed).toHaveLength(10)
    })
  })
})
