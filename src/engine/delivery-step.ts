/** @module engine/delivery-step — one fenced, governed, read-before-retry delivery attempt.
 *
 * Shared by a flow's forward deliveries (`ctx.deliver`) and by the saga's compensations, so an undo
 * is exactly as safe as the change it undoes: same slots and circuit, same fencing, same
 * recorded-before-the-call attempt, same lookup when an earlier outcome is unknown.
 */
import type { Clock } from '../clock/clock.ts'
import { HubError, toErrorRecord } from '../errors/hub-error.ts'
import type {
  ClaimedRun,
  JsonValue,
  StepRecord,
  Store,
  VersionGuard,
} from '../store/store-contract.ts'
import type { CarriedCompletions } from './carried-completions.ts'
import type { CrashPoints } from './crash-points.ts'
import type { EngineObserver, RunEvent } from './engine-observer.ts'
import { guardSupersedes, SupersededError } from './entity-version-guard.ts'
import type { DeliverySpec } from './flow-definition.ts'
import type { TargetGates } from './target-gate.ts'

/** The run's lease was taken over (or the worker is stopping): stop without touching the run. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`lease on run ${runId} was lost; another worker owns it now`)
    this.name = 'LeaseLostError'
  }
}

export interface RunContextDeps {
  store: Store
  clock: Clock
  observer: EngineObserver
  gates: TargetGates
  crashPoints: CrashPoints
}

/** What every step of one claimed run shares. */
export interface RunScope {
  readonly deps: RunContextDeps
  readonly run: ClaimedRun
  readonly signal: AbortSignal
  readonly lease: { tenantId: string; runId: string; leaseVersion: number }
  readonly event: RunEvent
  /** False once the lease has run out by this worker's own clock. */
  readonly leaseHeld: () => boolean
  /** Completed steps' results waiting for the run's next write. */
  readonly carried: CarriedCompletions
}

export function fenced(scope: RunScope, ok: boolean): void {
  if (!ok) throw new LeaseLostError(scope.run.id)
}

/** Writes the held completions now, for a write that cannot carry them. */
export async function flushScope(scope: RunScope): Promise<void> {
  fenced(scope, await scope.carried.flush())
}

/**
 * Runs the delivery `name` once to a recorded result. `recorded` is what the store had for the
 * step when the run was claimed (a `started` or `in_doubt` one is read back before sending again);
 * `idempotencyKey` is sent with every attempt.
 */
export async function performDelivery<T extends JsonValue>(
  scope: RunScope,
  name: string,
  spec: DeliverySpec<T>,
  recorded: StepRecord | undefined,
  idempotencyKey: string,
): Promise<T> {
  const { deps, run, signal, lease } = scope
  // 'started' with no result means the worker died mid-call; 'in_doubt' means the call's
  // outcome was never learned. Either way the target may have applied it: read before retrying.
  const inDoubt = recorded?.state === 'started' || recorded?.state === 'in_doubt'
  const startedAt = deps.clock.now()

  // Held back for the run's next write, or flushed on its own if none follows this turn
  // (carried-completions.ts). Every later delivery's start carries it, so nothing is sent that
  // depends on it before it is durable; a crash before then leaves the step started, and the next
  // attempt reads it back.
  const complete = (result: T, resolvedByLookup: boolean): T => {
    // A worker whose lease ran out (by its own clock) while the call was out records nothing:
    // another worker may own the run, and it reads the step back. A worker that is only stopping
    // still records what came back.
    if (!scope.leaseHeld()) throw new LeaseLostError(run.id)
    scope.carried.add({
      name,
      kind: 'delivery',
      output: result,
      crossReferences: spec.crossReferences?.(result) ?? [],
      ...(spec.entityVersion === undefined
        ? {}
        : {
            entityVersion: {
              target: spec.target,
              businessKey: spec.businessKey,
              version: spec.entityVersion,
            },
          }),
    })
    deps.observer.delivered({
      ...scope.event,
      step: name,
      target: spec.target,
      durationMs: deps.clock.now() - startedAt,
      resolvedByLookup,
    })
    return result
  }
  const guard: VersionGuard | undefined =
    spec.entityVersion === undefined
      ? undefined
      : {
          target: spec.target,
          businessKey: spec.businessKey,
          version: spec.entityVersion,
          // A forced replay (a new scope) re-applies the version already there on purpose; an
          // older version is stale all the same.
          reapplyEqual: run.replayScope !== null || spec.reapplyEqualVersion === true,
        }

  let sent = false
  try {
    // The run's flow: its budget at the target, if it has one, is passed before the target's slots.
    const slot = { target: spec.target, businessKey: spec.businessKey, flowName: run.flowName }
    const outcome = await deps.gates.runForKey(slot, signal, async () => {
      // Checked while holding the slot, right before sending, so a Retry-After that another
      // run received while this one waited for a slot is still honoured.
      deps.gates.checkKey(spec.target, spec.businessKey)
      // Checked inside the key's slot: runs of one key are claimed one at a time, and the slot
      // keeps the check and the start together within this process as well. The check is part
      // of the start's statement; it must see the raises this run still holds, so those go first.
      if (guard !== undefined && scope.carried.raises(guard)) await flushScope(scope)
      if (inDoubt) {
        // Checked before the target is read: a superseded step is not looked up either.
        if (guard !== undefined) {
          const applied = await deps.store.entityVersionGet({
            tenantId: run.tenantId,
            target: guard.target,
            businessKey: guard.businessKey,
          })
          if (guardSupersedes(guard, applied)) {
            throw new SupersededError(name, guard.version, applied ?? guard.version)
          }
        }
        const found = await spec.lookup({ signal })
        if (found !== null) return { result: found, resolvedByLookup: true }
      }
      const begun = await deps.store.stepStart({
        ...lease,
        now: deps.clock.now(),
        name,
        kind: 'delivery',
        idempotencyKey,
        target: spec.target,
        operation: spec.operation,
        carried: await scope.carried.take(),
        ...(guard === undefined ? {} : { guard }),
      })
      fenced(scope, begun.held)
      if (!begun.started && guard !== undefined) {
        throw new SupersededError(name, guard.version, begun.appliedVersion ?? guard.version)
      }
      // The last check before the request leaves: a worker that froze after recording the
      // attempt finds its lease gone by its own clock and sends nothing.
      if (!scope.leaseHeld()) throw new LeaseLostError(run.id)
      sent = true
      deps.crashPoints.hit('after_claim_before_call')
      try {
        const result = await spec.perform({ idempotencyKey, signal })
        deps.crashPoints.hit('after_target_2xx_before_commit')
        return { result, resolvedByLookup: false }
      } catch (error) {
        // Recorded before the slot is released, so the next waiter already sees the hold.
        if (HubError.is(error) && error.type === 'throttled' && error.retryAfterMs !== undefined) {
          deps.gates.holdKey(spec.target, spec.businessKey, error.retryAfterMs)
        }
        throw error
      }
    })
    return complete(outcome.result, outcome.resolvedByLookup)
  } catch (error) {
    // Nothing was sent in this invocation (circuit open, no slot, lookup failed): the step keeps
    // the state it had, so an earlier doubt is still resolved by a lookup next time.
    if (error instanceof LeaseLostError || error instanceof SupersededError || !sent) throw error
    const doubtful = outcomeMayHaveApplied(error)
    if (doubtful) deps.observer.inDoubt({ ...scope.event, step: name, target: spec.target })
    await flushScope(scope)
    fenced(
      scope,
      await deps.store.stepFail({
        ...lease,
        now: deps.clock.now(),
        name,
        error: toErrorRecord(error),
        inDoubt: doubtful,
      }),
    )
    throw error
  }
}

/**
 * Only a definite refusal proves the target applied nothing: validation, throttling and auth
 * errors are answered before any change. Anything else after the request left (a 5xx can follow a
 * commit, a timeout or reset can hide one, a conflict means state exists) is resolved by reading.
 */
function outcomeMayHaveApplied(error: unknown): boolean {
  if (!HubError.is(error)) return true
  return !(error.type === 'validation' || error.type === 'throttled' || error.type === 'auth')
}
