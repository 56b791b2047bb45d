// Proves on both stores that an undo the engine cannot make is handed to a person instead of
// dead-lettering the saga: the task says what to undo and why, the run waits without a worker
// (across a restart), approval goes on with the next undo without resending the failed one, and a
// rejected or expired task dead-letters the run naming the step and the task.
import { expect, it } from 'vitest'
import type { CompensationTaskPolicy } from '../../src/engine/flow-definition.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { describeOnStores, fakeTarget, stepNamed, type Bench } from './engine-test-kit.ts'
import { sagaFlow } from './saga-flow.ts'

const pgUrl = await postgresForTests('engine compensation tasks')
const HOUR = 3_600_000
const policy: CompensationTaskPolicy = { assignee: 'order-desk', timeoutMs: 8 * HOUR }

const ok = { kind: 'ok' as const }
const invalid = (message: string) => ({
  kind: 'fail' as const,
  error: HubError.validation(message, { status: 400, code: 'USER_ERROR' }),
})

/** A saga whose step 4 fails for good and whose first undo (of step 3) is refused. */
function refusedUndo(b: Bench) {
  const target = fakeTarget('t')
  const undo = fakeTarget('undo')
  target.plan(ok, ok, ok, invalid('credit hold on the customer'))
  undo.plan(invalid('a fulfilled order cannot be cancelled'))
  const flow = { ...sagaFlow(target, undo), compensationTask: policy }
  return { target, undo, flow, engine: b.engine({ flows: [flow] }) }
}

async function onlyTask(b: Bench) {
  const tasks = await b.store.approvalList({ tenantId: b.tenantId, limit: 10 })
  expect(tasks).toHaveLength(1)
  return tasks[0]!
}

describeOnStores('engine compensation tasks', pgUrl, (bench) => {
  it('hands a refused undo to a person; approval goes on with the rest, across a restart', async () => {
    const b = bench()
    const { target, undo, flow, engine } = refusedUndo(b)
    const runId = (await b.ingest(engine, 'msg-1')).runIds[0] ?? ''

    expect(await engine.runOnce()).toBe(1)
    expect(await b.run(runId)).toMatchObject({ state: 'waiting' })
    expect(await b.store.deadLetterList({ tenantId: b.tenantId, limit: 5 })).toEqual([])
    const task = await onlyTask(b)
    expect(task).toMatchObject({
      runId,
      step: 'saga/resolve/step-3',
      assignee: 'order-desk',
      state: 'open',
      dueAt: b.clock.now() + 8 * HOUR,
      subject: {
        runId,
        step: 'step-3',
        undoBusinessKey: 'order-msg-1:3',
        undoError: { type: 'validation', message: 'a fulfilled order cannot be cancelled' },
        compensatingBecause: 'step step-4 failed (credit hold on the customer)',
      },
    })
    expect(task.title).toContain('by hand')
    await engine.stop()

    const restarted = b.engine({ flows: [flow] })
    expect(await restarted.runOnce()).toBe(0)
    const decided = await restarted.decideApproval({
      taskId: task.id,
      decision: 'approved',
      reason: 'cancelled in the ERP UI',
      by: 'sam@example.com',
      audit: { actor: 'test', interactionId: null },
    })
    expect(decided.outcome).toBe('decided')
    expect(await restarted.runOnce()).toBe(1)

    const run = await b.run(runId)
    expect(run).toMatchObject({
      state: 'compensated',
      lastError: { type: 'validation', message: 'credit hold on the customer' },
      output: {
        compensated: {
          failedStep: 'step-4',
          undone: ['step-3', 'step-2', 'step-1'],
          undoneByHand: [
            {
              step: 'step-3',
              taskId: task.id,
              by: 'sam@example.com',
              reason: 'cancelled in the ERP UI',
            },
          ],
        },
      },
    })
    // The refused undo was sent once, never again once a person held it; 2 and 1 applied once.
    expect(undo.calls.filter((c) => c.startsWith('perform'))).toHaveLength(3)
    expect(undo.effects.map((e) => e.businessKey)).toEqual(['order-msg-1:2', 'order-msg-1:1'])
    expect(target.performs).toBe(4)
    expect(stepNamed(run, 'saga/undo/step-3')).toMatchObject({ state: 'failed' })
  })

  it('dead-letters the run naming the step and the task when the person rejects it', async () => {
    const b = bench()
    const { undo, engine } = refusedUndo(b)
    const runId = (await b.ingest(engine, 'msg-1')).runIds[0] ?? ''
    await engine.runOnce()
    const task = await onlyTask(b)
    await engine.decideApproval({
      taskId: task.id,
      decision: 'rejected',
      reason: 'goods already shipped; finance will credit',
      by: 'sam@example.com',
      audit: { actor: 'test', interactionId: null },
    })
    expect(await engine.runOnce()).toBe(1)

    const run = await b.run(runId)
    expect(run).toMatchObject({ state: 'dead', lastError: { type: 'validation' } })
    expect(run.lastError?.message).toContain('compensation of step step-3 failed')
    expect(run.lastError?.message).toContain(
      `nobody undid step step-3 by hand: task ${task.id} was rejected by sam@example.com: goods already shipped; finance will credit`,
    )
    const dead = await b.store.deadLetterList({ tenantId: b.tenantId, limit: 5 })
    expect(dead.map((d) => d.runId)).toEqual([runId])
    // Nothing more was undone: steps 2 and 1 wait for the operator with the run.
    expect(undo.effects).toEqual([])
  })

  it('dead-letters the run when the task expires undecided', async () => {
    const b = bench()
    const { engine } = refusedUndo(b)
    const runId = (await b.ingest(engine, 'msg-1')).runIds[0] ?? ''
    await engine.runOnce()
    b.clock.advance(8 * HOUR)
    expect(await engine.runOnce()).toBe(1)
    const run = await b.run(runId)
    expect(run).toMatchObject({ state: 'dead' })
    expect(run.lastError?.message).toContain('expired undecided')
    expect((await onlyTask(b)).state).toBe('expired')
  })

  it('retries a retryable undo first and hands it over only when no retry is left', async () => {
    const b = bench()
    const target = fakeTarget('t')
    const undo = fakeTarget('undo')
    target.plan(ok, ok, ok, invalid('credit hold'))
    const unavailable = {
      kind: 'fail' as const,
      error: HubError.retryable('503 from the target', { status: 503 }),
    }
    undo.plan(unavailable, unavailable)
    const flow = { ...sagaFlow(target, undo), compensationTask: policy }
    const engine = b.engine({ flows: [flow], retryPolicy: { maxAttempts: 2 } })
    const runId = (await b.ingest(engine, 'msg-1')).runIds[0] ?? ''

    await engine.runOnce()
    expect(await b.run(runId)).toMatchObject({ state: 'retrying', attempt: 1 })
    expect(await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })).toEqual([])

    await b.advanceToNextRun(runId)
    expect(await engine.runOnce()).toBe(1)
    expect(await b.run(runId)).toMatchObject({ state: 'waiting' })
    expect(await onlyTask(b)).toMatchObject({
      step: 'saga/resolve/step-3',
      subject: { undoError: { type: 'retryable', status: 503 } },
    })
  })
})
