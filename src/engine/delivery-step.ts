/** @module engine/delivery-step — one fenced, governed, read-before-retry delivery attempt.
 *
 * Shared by a flow's forward deliveries (`ctx.deliver`) and by the saga's compensations, so an undo
 * is exactly as safe as the change it undoes: same slots and circuit, same fencing, same
 * recorded-before-the-call attempt, same lookup when an earlier outcome is unknown.
 */
import type { Clock } from '../clock/clock.ts'
import { HubError, toErrorRecord } from '../errors/hub-error.ts'
import type { ClaimedRun, JsonValue, StepRecord, Store } from '../store/store-contract.ts'
import type { CrashPoints } from './crash-points.ts'
import type { EngineObserver, RunEvent } from './engine-observer.ts'
import { isSuperseded, SupersededError } from './entity-version-guard.ts'
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
}

export function fenced(scope: RunScope, ok: boolean): void {
  if (!ok) throw new LeaseLostError(scope.run.id)
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

  const complete = async (result: T, resolvedByLookup: boolean): Promise<T> => {
    fenced(
      scope,
      await deps.store.stepComplete({
        ...lease,
        now: deps.clock.now(),
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
      }),
    )
    deps.observer.delivered({
      ...scope.event,
      step: name,
      target: spec.target,
      durationMs: deps.clock.now() - startedAt,
      resolvedByLookup,
    })
    return result
  }

  let sent = false
  try {
    const outcome = await deps.gates.runForKey(spec.target, spec.businessKey, signal, async () => {
      // Checked while holding the slot, right before sending, so a Retry-After that another
      // run received while this one waited for a slot is still honoured.
      deps.gates.checkKey(spec.target, spec.businessKey)
      // Read inside the key's slot: runs of one key are claimed one at a time, and the slot
      // keeps this check and the write below together within this process as well.
      if (spec.entityVersion !== undefined) {
        const applied = await deps.store.entityVersionGet({
          tenantId: run.tenantId,
          target: spec.target,
          businessKey: spec.businessKey,
        })
        // A forced replay (a new scope) re-applies the version already there on purpose;
        // an older version is stale all the same.
        const reapplied = run.replayScope !== null && spec.entityVersion === applied
        if (applied !== null && !reapplied && isSuperseded(spec.entityVersion, applied)) {
          throw new SupersededError(name, spec.entityVersion, applied)
        }
      }
      if (inDoubt) {
        const found = await spec.lookup({ signal })
        if (found !== null) return { result: found, resolvedByLookup: true }
      }
      fenced(
        scope,
        await deps.store.stepStart({
          ...lease,
          now: deps.clock.now(),
          name,
          kind: 'delivery',
          idempotencyKey,
          target: spec.target,
          operation: spec.operation,
        }),
      )
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
    return await complete(outcome.result, outcome.resolvedByLookup)
  } catch (error) {
    // Nothing was sent in this invocation (circuit open, no slot, lookup failed): the step keeps
    // the state it had, so an earlier doubt is still resolved by a lookup next time.
    if (error instanceof LeaseLostError || error instanceof SupersededError || !sent) throw error
    const doubtful = outcomeMayHaveApplied(error)
    if (doubtful) deps.observer.inDoubt({ ...scope.event, step: name, target: spec.target })
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
