// Proves on both stores that a saga interrupted mid-compensation resumes without repeating or skipping an undo, and that an undo failing for good dead-letters the run with both errors.
import { expect, it } from 'vitest'
import type { CrashPoints } from '../../src/engine/crash-points.ts'
import { LeaseLostError } from '../../src/engine/run-context.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { describeOnStores, fakeTarget, stepNamed, until } from './engine-test-kit.ts'
import { sagaFlow } from './saga-flow.ts'

const pgUrl = await postgresForTests('engine saga recovery')

const ok = { kind: 'ok' as const }
const invalid = (message: string) => ({
  kind: 'fail' as const,
  error: HubError.validation(message, { status: 400, code: 'USER_ERROR' }),
})
const undoneKeys = ['order-msg-1:3', 'order-msg-1:2', 'order-msg-1:1']

/**
 * Stops the worker at the first `mid_saga_compensation` as a SIGKILL would: the executor treats
 * LeaseLostError as "write nothing more", so the run keeps its lease until it expires.
 */
function dieBetweenCompensations(runId: () => string): CrashPoints & { hits: number } {
  const trigger = {
    hits: 0,
    hit(name: string) {
      if (name !== 'mid_saga_compensation') return
      trigger.hits += 1
      if (trigger.hits === 1) throw new LeaseLostError(runId())
    },
  }
  return trigger
}

describeOnStores('engine saga recovery', pgUrl, (bench) => {
  it('resumes after a crash between two compensations: each undo applied exactly once', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(ok, ok, ok, invalid('bad line'))
    let runId = ''
    const crash = dieBetweenCompensations(() => runId)
    const a = b.engine({
      flows: [sagaFlow(target, undo, { by: 'A' })],
      workerId: 'worker-a',
      crashPoints: crash,
    })
    const bWorker = b.engine({ flows: [sagaFlow(target, undo, { by: 'B' })], workerId: 'worker-b' })
    runId = (await b.ingest(a, 'msg-1')).runIds[0] ?? ''

    expect(await a.runOnce()).toBe(1)
    expect(crash.hits).toBe(1)
    const crashed = await b.run(runId)
    expect(crashed.state).toBe('running')
    expect(stepNamed(crashed, 'saga/undo/step-3').state).toBe('completed')
    expect(() => stepNamed(crashed, 'saga/undo/step-2')).toThrow()
    expect(undo.effects.map((e) => e.businessKey)).toEqual(['order-msg-1:3'])

    b.clock.advance(9_999)
    expect(await bWorker.runOnce()).toBe(0)
    b.clock.advance(1)
    expect(await bWorker.runOnce()).toBe(1)
    const done = await b.run(runId)
    expect(done).toMatchObject({
      state: 'compensated',
      output: { compensated: { failedStep: 'step-4', undone: ['step-3', 'step-2', 'step-1'] } },
    })
    // The failed step was not called again on re-entry, and no undo was repeated or skipped.
    expect(target.calls).toEqual(['perform:A', 'perform:A', 'perform:A', 'perform:A'])
    expect(undo.calls).toEqual(['perform:A', 'perform:B', 'perform:B'])
    expect(undo.effects.map((e) => e.businessKey)).toEqual(undoneKeys)
    for (const i of [1, 2, 3]) {
      expect(stepNamed(done, `saga/undo/step-${i}`)).toMatchObject({ attempts: 1 })
    }
    expect(b.events(a)).toContain(`compensating run=${runId} step=step-4 error=validation undos=3`)
    // The failure was recorded once, by A; B only finished the undos.
    expect(b.events(bWorker).filter((e) => e.startsWith('compensat'))).toEqual([
      `compensated run=${runId} undos=3`,
    ])
  })

  it('reads back an undo whose worker died mid-call and does not send it again', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    const hung = b.latch()
    target.plan(ok, ok, ok, invalid('bad line'))
    // The second undo reaches the target and applies, then worker A never hears back.
    undo.plan(ok, { kind: 'wait', latch: hung, applyBeforeWaiting: true })
    const a = b.engine({ flows: [sagaFlow(target, undo, { by: 'A' })], workerId: 'worker-a' })
    const bWorker = b.engine({ flows: [sagaFlow(target, undo, { by: 'B' })], workerId: 'worker-b' })
    const runId = (await b.ingest(a, 'msg-1')).runIds[0] ?? ''

    const stuck = b.background(a.runOnce())
    await until('worker A to send the second undo', () => undo.performs === 2)
    expect(stepNamed(await b.run(runId), 'saga/undo/step-2').state).toBe('started')

    b.clock.advance(10_000)
    expect(await bWorker.runOnce()).toBe(1)
    expect(undo.calls).toEqual(['perform:A', 'perform:A', 'lookup:B', 'perform:B'])
    expect(undo.effects.map((e) => e.businessKey)).toEqual(undoneKeys)
    expect(target.performs).toBe(4)
    const done = await b.run(runId)
    expect(done.state).toBe('compensated')
    expect(b.events(bWorker)).toContain(`delivered run=${runId} byLookup=true`)

    // A's call finally fails; its late writes are fenced and change nothing.
    hung.fail(new Error('socket closed'))
    expect(await stuck).toBe(1)
    expect(await b.run(runId)).toEqual(done)
  })

  it('dead-letters with both errors when an undo fails for good; a redrive finishes the saga', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(ok, ok, ok, invalid('The quantity on line 1 must be greater than zero.'))
    undo.plan(ok, invalid('This order is already billed and cannot be cancelled.'))
    const engine = b.engine({ flows: [sagaFlow(target, undo)] })
    const runId = (await b.ingest(engine, 'msg-1')).runIds[0] ?? ''

    expect(await engine.runOnce()).toBe(1)
    expect(await b.run(runId)).toMatchObject({ state: 'dead', attempt: 1 })
    const [letter] = await b.store.deadLetterList({ tenantId: b.tenantId, limit: 10 })
    const both =
      'compensation of step step-2 failed (validation: This order is already billed and cannot be cancelled.); ' +
      'compensating because step step-4 failed (validation: The quantity on line 1 must be greater than zero.)'
    expect(letter).toMatchObject({
      runId,
      reason: `validation: ${both}`,
      error: { type: 'validation', message: both, code: 'USER_ERROR', status: 400 },
      errorClass: 'validation',
    })
    expect(letter?.error.causes).toEqual([
      'HubError: This order is already billed and cannot be cancelled.',
    ])
    // The undo of step 1 was not attempted: the saga stops at the undo it could not apply.
    expect(undo.calls).toEqual(['perform:w', 'perform:w'])
    expect(undo.effects.map((e) => e.businessKey)).toEqual(['order-msg-1:3'])
    expect(b.events(engine)).toContain(`dead run=${runId} attempt=1`)

    // The operator settles the billing; the redrive resumes the saga where it stopped.
    expect(await engine.replay([runId])).toEqual({ replayed: [runId] })
    expect(await engine.runOnce()).toBe(1)
    const done = await b.run(runId)
    expect(done).toMatchObject({
      state: 'compensated',
      lastError: { type: 'validation', code: 'USER_ERROR' },
      output: { compensated: { failedStep: 'step-4', undone: ['step-3', 'step-2', 'step-1'] } },
    })
    expect(target.performs).toBe(4)
    expect(undo.effects.map((e) => e.businessKey)).toEqual(undoneKeys)
    expect(stepNamed(done, 'saga/undo/step-2')).toMatchObject({ state: 'completed', attempts: 2 })
    expect(b.events(engine).filter((e) => e.startsWith('compensating'))).toHaveLength(1)
  })
})
