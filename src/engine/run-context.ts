/** @module engine/run-context — memoized steps and fenced, read-before-retry deliveries. */
import type { ClaimedRun, JsonValue, StepRecord } from '../store/store-contract.ts'
import { CarriedCompletions } from './carried-completions.ts'
import {
  LeaseLostError,
  performDelivery,
  type RunContextDeps,
  type RunScope,
} from './delivery-step.ts'
import { SupersededError } from './entity-version-guard.ts'
import type { DeliverySpec, RunContext } from './flow-definition.ts'
import { idempotencyKeyFor } from './idempotency-key.ts'
import { awaitWait, type WaitOutcome } from './run-waits.ts'
import { awaitApproval, type ApprovalDecision, type ApprovalRequest } from './run-approvals.ts'
import {
  CompensationRequestedError,
  SAGA_STEP_PREFIX,
  SagaLog,
  SagaUnwindError,
} from './saga-compensation.ts'

export { LeaseLostError, type RunContextDeps } from './delivery-step.ts'

/** The flow's context, and the saga state and held results the executor finishes the run with. */
export interface RunContextHandle {
  context: RunContext
  saga: SagaLog
  carried: CarriedCompletions
}

export function createRunContext(
  deps: RunContextDeps,
  run: ClaimedRun,
  signal: AbortSignal,
  leaseHeld: () => boolean = () => true,
): RunContextHandle {
  const memo = new Map<string, StepRecord>(run.steps.map((s) => [s.name, s]))
  const seen = new Set<string>()
  const lease = { tenantId: run.tenantId, runId: run.id, leaseVersion: run.leaseVersion }
  const carried = new CarriedCompletions({ store: deps.store, lease, now: () => deps.clock.now() })
  const scope: RunScope = {
    carried,
    deps,
    run,
    signal,
    leaseHeld,
    lease,
    event: {
      tenantId: run.tenantId,
      runId: run.id,
      flowName: run.flowName,
      businessKey: run.businessKey,
      attempt: run.attempt,
    },
  }
  const saga = new SagaLog(scope, memo)

  const claimName = (name: string): StepRecord | undefined => {
    if (name.startsWith(SAGA_STEP_PREFIX)) {
      throw new Error(
        `step name "${name}" in flow ${run.flowName} starts with "${SAGA_STEP_PREFIX}", which the engine keeps for saga compensation; rename the step`,
      )
    }
    if (seen.has(name)) throw new Error(`step name "${name}" is used twice in flow ${run.flowName}`)
    seen.add(name)
    const recorded = memo.get(name)
    // The run failed for good in an earlier invocation: every step that had finished returns its
    // result (so undos register again), and the forward path ends at the first one that had not.
    if (recorded?.state !== 'completed' && saga.compensating) throw new SagaUnwindError(name)
    return recorded
  }

  /** Notes which step's error leaves the flow, for the saga's record of the failure. */
  const noting = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof LeaseLostError || error instanceof SupersededError)) {
        saga.noteFailure(name)
      }
      throw error
    }
  }

  async function step<T extends JsonValue>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const recorded = claimName(name)
    if (recorded?.state === 'completed') return recorded.output as T
    signal.throwIfAborted()
    return noting(name, async () => {
      const output = await fn()
      // Memoized with the run's next write, which comes before anything else leaves the worker
      // (or on its own once the event loop turns, see carried-completions.ts).
      carried.add({ name, kind: 'local', output })
      return output
    })
  }

  async function deliver<T extends JsonValue>(name: string, spec: DeliverySpec<T>): Promise<T> {
    const recorded = claimName(name)
    const slot = spec.compensate === undefined ? undefined : saga.reserve()
    const idempotencyKey =
      recorded?.idempotencyKey ??
      idempotencyKeyFor({
        tenantId: run.tenantId,
        target: spec.target,
        operation: spec.operation,
        businessKey: spec.businessKey,
        version: spec.version,
        scope: run.replayScope,
      })
    const result =
      recorded?.state === 'completed'
        ? (recorded.output as T)
        : await noting(name, () => performDelivery(scope, name, spec, recorded, idempotencyKey))
    if (slot !== undefined) {
      saga.register(slot, {
        step: name,
        forwardKey: idempotencyKey,
        make: () => spec.compensate?.(result),
      })
    }
    return result
  }

  async function sleep(name: string, ms: number): Promise<void> {
    await awaitWait(scope, name, claimName(name), { correlationKey: null, timeoutMs: ms })
  }

  function waitForEvent<T extends JsonValue = JsonValue>(
    name: string,
    options: { correlationKey: string; timeoutMs: number },
  ): Promise<WaitOutcome<T>> {
    return awaitWait<T>(scope, name, claimName(name), options)
  }

  function approval(name: string, request: ApprovalRequest): Promise<ApprovalDecision> {
    return awaitApproval(scope, name, claimName, request)
  }

  function compensate(reason: string): Promise<never> {
    return Promise.reject(new CompensationRequestedError(reason))
  }

  return {
    saga,
    carried,
    context: {
      tenantId: run.tenantId,
      runId: run.id,
      flowName: run.flowName,
      businessKey: run.businessKey,
      attempt: run.attempt,
      signal,
      step,
      deliver,
      sleep,
      waitForEvent,
      approval,
      compensate,
    },
  }
}
