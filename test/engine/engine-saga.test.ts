// Proves on both stores that a saga undoes its completed deliveries newest first, exactly once each, when a later step fails for good or the flow gives up, and that an undo retries like any delivery.
import { expect, it } from 'vitest'
import type { CrashPointName } from '../../src/engine/crash-points.ts'
import { idempotencyKeyFor } from '../../src/engine/idempotency-key.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import { describeOnStores, fakeTarget, SOURCE, stepNamed, TOPIC } from './engine-test-kit.ts'
import { sagaFlow, stepKey } from './saga-flow.ts'

const pgUrl = await postgresForTests('engine saga compensation')

const ok = { kind: 'ok' as const }
const invalid = (message: string) => ({
  kind: 'fail' as const,
  error: HubError.validation(message, { status: 400, code: 'USER_ERROR' }),
})

describeOnStores('engine saga compensation', pgUrl, (bench) => {
  it('completes a saga whose steps all succeed without undoing anything', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    const engine = b.engine({ flows: [sagaFlow(target, undo)] })
    const { runIds } = await b.ingest(engine, 'msg-1')
    const runId = runIds[0] ?? ''

    expect(await engine.runOnce()).toBe(1)
    const done = await b.run(runId)
    expect(done).toMatchObject({ state: 'completed', attempt: 0, lastError: null })
    expect(target.effects).toHaveLength(5)
    expect(undo.calls).toEqual([])
    expect(done.steps.map((s) => s.name).sort()).toEqual([
      'step-1',
      'step-2',
      'step-3',
      'step-4',
      'step-5',
    ])
    expect(b.events(engine).filter((e) => e.startsWith('compensat'))).toEqual([])
  })

  it('undoes steps 3, 2, 1 in that order, once each, when step 4 of 5 fails for good', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(ok, ok, ok, invalid('The quantity on line 1 must be greater than zero.'))
    const hits: CrashPointName[] = []
    const engine = b.engine({
      flows: [sagaFlow(target, undo)],
      crashPoints: { hit: (name) => void hits.push(name) },
    })
    const { runIds } = await b.ingest(engine, 'msg-1')
    const runId = runIds[0] ?? ''
    const key = 'order-msg-1'

    expect(await engine.runOnce()).toBe(1)
    const run = await b.run(runId)
    expect(run).toMatchObject({
      state: 'compensated',
      attempt: 0,
      lastError: { type: 'validation', code: 'USER_ERROR' },
      output: {
        compensated: {
          failedStep: 'step-4',
          reason: 'The quantity on line 1 must be greater than zero.',
          undone: ['step-3', 'step-2', 'step-1'],
        },
      },
    })
    expect(run.completedAt).not.toBeNull()
    // Step 5 was never called; each undo applied once, newest first.
    expect(target.performs).toBe(4)
    expect(undo.effects.map((e) => e.businessKey)).toEqual([
      stepKey(key, 3),
      stepKey(key, 2),
      stepKey(key, 1),
    ])
    expect(undo.lookups).toBe(0)
    expect(stepNamed(run, 'step-4')).toMatchObject({ state: 'failed' })
    expect(stepNamed(run, 'saga/failure')).toMatchObject({
      state: 'completed',
      kind: 'local',
      output: { step: 'step-4', error: { type: 'validation' } },
    })
    for (const i of [1, 2, 3]) {
      const forward = stepNamed(run, `step-${i}`)
      const undoStep = stepNamed(run, `saga/undo/step-${i}`)
      expect(undoStep).toMatchObject({
        state: 'completed',
        kind: 'delivery',
        attempts: 1,
        target: 't',
        operation: 'order.upsert',
      })
      // Same target, operation and business key as the change, yet a key of its own.
      expect(undoStep.idempotencyKey).toBe(
        idempotencyKeyFor({
          tenantId: b.tenantId,
          target: 't',
          operation: 'order.upsert',
          businessKey: stepKey(key, i),
          compensates: forward.idempotencyKey ?? '',
        }),
      )
      expect(undoStep.idempotencyKey).not.toBe(forward.idempotencyKey)
    }
    expect(() => stepNamed(run, 'saga/undo/step-4')).toThrow()
    expect(hits.filter((h) => h === 'mid_saga_compensation')).toHaveLength(2)

    const events = b.events(engine).filter((e) => !e.startsWith('ingested'))
    expect(events).toEqual([
      ...[1, 2, 3].map(() => `delivered run=${runId} byLookup=false`),
      `compensating run=${runId} step=step-4 error=validation undos=3`,
      ...[1, 2, 3].map(() => `delivered run=${runId} byLookup=false`),
      `compensated run=${runId} undos=3`,
    ])
    expect(await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })).toEqual([])
    const stats = await b.store.statsGet({ tenantId: b.tenantId, now: b.clock.now() })
    expect(stats.runsByState).toMatchObject({ compensated: 1, completed: 0, dead: 0 })
    expect(stats.backlogByFlow).toEqual({})

    // Terminal: a day later nothing is claimed and nothing is sent.
    b.clock.advance(24 * 3_600_000)
    expect(await engine.runOnce()).toBe(0)
    expect(target.calls).toHaveLength(4)
    expect(undo.calls).toHaveLength(3)
  })

  it('undoes only the deliveries that registered a compensation', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(ok, ok, ok, ok, invalid('bad ship-to'))
    const engine = b.engine({ flows: [sagaFlow(target, undo, { withoutUndoUpTo: 2 })] })
    const { runIds } = await b.ingest(engine, 'msg-1')

    await engine.runOnce()
    expect(await b.run(runIds[0] ?? '')).toMatchObject({
      state: 'compensated',
      output: { compensated: { failedStep: 'step-5', undone: ['step-4', 'step-3'] } },
    })
    expect(undo.effects.map((e) => e.businessKey)).toEqual(['order-msg-1:4', 'order-msg-1:3'])
  })

  it('dead-letters as before when nothing registered an undo yet', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(invalid('customer has no name'))
    const engine = b.engine({ flows: [sagaFlow(target, undo)] })
    const { runIds } = await b.ingest(engine, 'msg-1')

    await engine.runOnce()
    const run = await b.run(runIds[0] ?? '')
    expect(run).toMatchObject({ state: 'dead', attempt: 1 })
    expect(run.steps.map((s) => s.name)).toEqual(['step-1'])
    expect(undo.calls).toEqual([])
  })

  it('compensates when the flow gives up with ctx.compensate', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    const engine = b.engine({ flows: [sagaFlow(target, undo, { giveUpAfter: 2 })] })
    const { runIds } = await b.ingest(engine, 'msg-1')
    const runId = runIds[0] ?? ''

    await engine.runOnce()
    expect(await b.run(runId)).toMatchObject({
      state: 'compensated',
      lastError: {
        type: 'validation',
        code: 'COMPENSATION_REQUESTED',
        message: 'credit check refused the order',
      },
      output: { compensated: { failedStep: null, undone: ['step-2', 'step-1'] } },
    })
    expect(target.performs).toBe(2)
    expect(undo.effects.map((e) => e.businessKey)).toEqual(['order-msg-1:2', 'order-msg-1:1'])
    expect(b.events(engine)).toContain(`compensating run=${runId} step=- error=validation undos=2`)
  })

  it('retries an undo that failed retryably with the forward backoff, reading it back first', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(ok, ok, ok, invalid('bad line'))
    undo.plan({ kind: 'fail', error: HubError.retryable('503 from the target', { status: 503 }) })
    const engine = b.engine({ flows: [sagaFlow(target, undo)] })
    const { runIds } = await b.ingest(engine, 'msg-1')
    const runId = runIds[0] ?? ''

    await engine.runOnce()
    const waiting = await b.run(runId)
    expect(waiting).toMatchObject({
      state: 'retrying',
      attempt: 1,
      lastError: { type: 'retryable', status: 503 },
    })
    expect(waiting.lastError?.message).toContain('compensation of step step-3 failed')
    expect(waiting.lastError?.message).toContain(
      'because step step-4 failed (validation: bad line)',
    )
    expect(waiting.lastError?.causes?.[0]).toContain('503 from the target')
    expect(stepNamed(waiting, 'saga/undo/step-3')).toMatchObject({ state: 'in_doubt' })
    // Same full-jitter backoff as a forward delivery: random 0.5 × base 500 ms.
    expect(b.events(engine)).toContain(`retried run=${runId} attempt=1 delay=250 throttled=false`)

    await b.advanceToNextRun(runId)
    expect(await engine.runOnce()).toBe(1)
    const done = await b.run(runId)
    expect(done).toMatchObject({
      state: 'compensated',
      lastError: { type: 'validation', message: 'bad line' },
    })
    // The failed step was not called again; the doubtful undo was read before being re-sent.
    expect(target.performs).toBe(4)
    expect(undo.calls).toEqual(['perform:w', 'lookup:w', 'perform:w', 'perform:w', 'perform:w'])
    expect(undo.effects.map((e) => e.businessKey)).toEqual([
      'order-msg-1:3',
      'order-msg-1:2',
      'order-msg-1:1',
    ])
    expect(b.events(engine).filter((e) => e.startsWith('compensating'))).toHaveLength(1)
  })

  it('refuses a flow step named with the engine’s saga/ prefix', async () => {
    const b = bench()
    const flow = defineFlow({
      name: 'squatter',
      trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
      run: (ctx) => ctx.step('saga/failure', () => 'mine'),
    })
    const engine = b.engine({ flows: [flow] })
    const { runIds } = await b.ingest(engine, 'msg-1')
    await engine.runOnce()
    const run = await b.run(runIds[0] ?? '')
    expect(run).toMatchObject({ state: 'retrying', lastError: { type: 'internal' } })
    expect(run.lastError?.message).toContain('which the engine keeps for saga compensation')
    expect(run.steps).toEqual([])
  })
})
