/** @module engine/run-executor — executes one claimed run to its next resting state. */
import type { Clock } from '../clock/clock.ts'
import { toErrorRecord } from '../errors/hub-error.ts'
import type { ClaimedRun, Store } from '../store/store-contract.ts'
import type { CarriedCompletions } from './carried-completions.ts'
import type { CrashPoints } from './crash-points.ts'
import type { EngineObserver } from './engine-observer.ts'
import { SupersededError } from './entity-version-guard.ts'
import type { FlowDefinition } from './flow-definition.ts'
import { decideAfterFailure, type RetryPolicy } from './retry-policy.ts'
import { createRunContext, LeaseLostError } from './run-context.ts'
import { RunSuspendedError } from './run-waits.ts'
import { SagaUnwindError, type SagaLog } from './saga-compensation.ts'
import { sagaEscalation } from './saga-escalation.ts'
import type { TargetGates } from './target-gate.ts'

export interface RunExecutorDeps {
  store: Store
  clock: Clock
  observer: EngineObserver
  gates: TargetGates
  retryPolicy: RetryPolicy
  leaseMs: number
  heartbeatMs: number
  random: () => number
  crashPoints: CrashPoints
  /** Reports errors the engine cannot hand to a run (e.g. the store failing mid-transition). */
  onError: (error: unknown, run?: ClaimedRun) => void
}

/**
 * Runs the flow, then records the outcome fenced by the lease. While it runs, a heartbeat extends
 * the lease; if the heartbeat finds the lease taken, the run's signal aborts so the flow's calls
 * stop instead of racing the new owner (whose writes would win by fencing anyway). A run that
 * fails for good after deliveries with an undo is compensated instead of failed (saga-compensation).
 */
export async function executeRun(
  deps: RunExecutorDeps,
  flow: FlowDefinition,
  run: ClaimedRun,
  stopSignal: AbortSignal,
): Promise<void> {
  const controller = new AbortController()
  const onStop = (): void => controller.abort(new LeaseLostError(run.id))
  stopSignal.addEventListener('abort', onStop, { once: true })
  const lease = { tenantId: run.tenantId, runId: run.id, leaseVersion: run.leaseVersion }
  // When our lease runs out by our own clock. A worker that was frozen (SIGSTOP, a long GC, a
  // suspended VM) wakes up past it and must not send anything more: another worker may own the
  // run by now, and fencing protects only our database writes, not the target.
  let leaseUntil = deps.clock.now() + deps.leaseMs
  const heartbeat = setInterval(() => {
    const sentAt = deps.clock.now()
    deps.store
      .runHeartbeat({ ...lease, now: sentAt, leaseMs: deps.leaseMs })
      .then((held) => {
        if (held) leaseUntil = sentAt + deps.leaseMs
        else controller.abort(new LeaseLostError(run.id))
      })
      .catch(() => {
        // A missed heartbeat is not fatal: the lease is long enough for the next one.
      })
  }, deps.heartbeatMs)
  const event = {
    tenantId: run.tenantId,
    runId: run.id,
    flowName: run.flowName,
    businessKey: run.businessKey,
    attempt: run.attempt,
  }
  let heldResults: CarriedCompletions | undefined
  try {
    if (run.attempt >= deps.retryPolicy.maxAttempts) {
      // Only reachable through lost leases: each crash mid-run counted as an attempt.
      const error = {
        type: 'internal' as const,
        message: `the run was interrupted ${run.attempt} times (worker crash or lost lease) without finishing`,
      }
      const reason = `gave up after ${run.attempt} attempts: ${error.message}`
      const ok = await deps.store.runDeadLetter({
        ...lease,
        now: deps.clock.now(),
        attempt: run.attempt,
        reason,
        error,
      })
      if (ok) deps.observer.deadLettered({ ...event, error, reason })
      return
    }
    const { context, saga, carried } = createRunContext(
      deps,
      run,
      controller.signal,
      () => deps.clock.now() < leaseUntil,
    )
    heldResults = carried
    let output
    try {
      output = await flow.run(context, run.message)
      // The flow caught the unwind of a run already being compensated and returned anyway.
      if (saga.compensating) throw new SagaUnwindError(null)
    } catch (error) {
      // Suspended on a wait: the store released the run with the wait's record; nothing to add.
      if (error instanceof RunSuspendedError) return
      if (error instanceof LeaseLostError || controller.signal.aborted) return
      if (saga.shouldCompensate(error)) {
        await compensateRun(deps, flow, run, saga, carried, error, controller.signal)
        return
      }
      if (!(error instanceof SupersededError)) {
        await recordFailure(deps, run, carried, error)
        return
      }
      output = error.toOutput()
      deps.observer.superseded({
        ...event,
        step: error.step,
        version: error.version,
        appliedVersion: error.appliedVersion,
      })
    }
    const done = await deps.store.runComplete({
      ...lease,
      now: deps.clock.now(),
      output,
      carried: await carried.take(),
    })
    if (done) {
      deps.observer.completed({
        ...event,
        propagationMs: deps.clock.now() - run.message.receivedAt,
      })
    }
  } catch (error) {
    deps.onError(error, run)
  } finally {
    // Whatever is still held belongs to an attempt that ended without a write (a lost lease):
    // the next owner reads those steps back.
    heldResults?.close()
    clearInterval(heartbeat)
    stopSignal.removeEventListener('abort', onStop)
  }
}

/**
 * Runs the saga's undos and ends the run `compensated`. An undo that fails goes through the same
 * retry decision as any failure: retried with backoff, or, once no retry is left, handed to a
 * person when the flow has a compensation task (the run waits), else dead-lettered naming both
 * errors.
 */
async function compensateRun(
  deps: RunExecutorDeps,
  flow: FlowDefinition,
  run: ClaimedRun,
  saga: SagaLog,
  carried: CarriedCompletions,
  error: unknown,
  signal: AbortSignal,
): Promise<void> {
  let outcome
  try {
    outcome = await saga.compensate(
      error,
      sagaEscalation(flow.compensationTask, deps.retryPolicy, run.attempt),
    )
  } catch (failure) {
    if (failure instanceof RunSuspendedError) return
    if (failure instanceof LeaseLostError || signal.aborted) return
    await recordFailure(deps, run, carried, failure)
    return
  }
  const lease = { tenantId: run.tenantId, runId: run.id, leaseVersion: run.leaseVersion }
  const done = await deps.store.runComplete({
    ...lease,
    now: deps.clock.now(),
    output: outcome.output,
    compensated: { error: outcome.error },
    carried: await carried.take(),
  })
  if (done) {
    deps.observer.compensationCompleted({
      tenantId: run.tenantId,
      runId: run.id,
      flowName: run.flowName,
      businessKey: run.businessKey,
      attempt: run.attempt,
      compensations: outcome.compensations,
      propagationMs: deps.clock.now() - run.message.receivedAt,
    })
  }
}

async function recordFailure(
  deps: RunExecutorDeps,
  run: ClaimedRun,
  carried: CarriedCompletions,
  error: unknown,
): Promise<void> {
  const record = toErrorRecord(error)
  const decision = decideAfterFailure(deps.retryPolicy, record, run.attempt, deps.random)
  const lease = { tenantId: run.tenantId, runId: run.id, leaseVersion: run.leaseVersion }
  // What the run finished before failing is kept, so its next attempt does not redo it (or read
  // a delivery back from the target). A lost lease here ends the attempt like any other write.
  if (!(await carried.flush())) return
  const event = {
    tenantId: run.tenantId,
    runId: run.id,
    flowName: run.flowName,
    businessKey: run.businessKey,
    attempt: decision.attempt,
  }
  const now = deps.clock.now()
  if (decision.action === 'dead') {
    const ok = await deps.store.runDeadLetter({
      ...lease,
      now,
      attempt: decision.attempt,
      reason: decision.reason,
      error: record,
    })
    if (ok) {
      deps.crashPoints.hit('after_dlq_move_before_ack')
      deps.observer.deadLettered({ ...event, error: record, reason: decision.reason })
    }
    return
  }
  const ok = await deps.store.runRetry({
    ...lease,
    now,
    nextRunAt: now + decision.delayMs,
    attempt: decision.attempt,
    error: record,
  })
  if (ok) {
    deps.observer.retried({
      ...event,
      error: record,
      delayMs: decision.delayMs,
      throttled: decision.throttled,
    })
  }
}
