/** @module engine/saga-escalation — an undo that cannot be made becomes a task for a person.
 *
 * When a compensation fails for good (the target refuses the undo, or its retries are spent), a
 * flow with a `compensationTask` does not dead-letter the run at once: the engine opens an approval
 * task asking a person to undo the step by hand, and the run waits for it without a worker.
 * Approved means "undone by hand": the saga goes on with the next undo. Rejected or expired means
 * nobody will: the run is dead-lettered naming both failures and the task, for an operator.
 *
 * The task is step `saga/resolve/<forward step>` and its waits are memoized like any other, so a
 * restart finds the same task and the same decision, and the failed undo is not sent again once a
 * person holds it.
 */
import { HubError, type ErrorRecord } from '../errors/hub-error.ts'
import type { StepRecord } from '../store/store-contract.ts'
import type { RunScope } from './delivery-step.ts'
import type { CompensationTaskPolicy } from './flow-definition.ts'
import { awaitApproval, type ApprovalDecision } from './run-approvals.ts'
import { decideAfterFailure, type RetryPolicy } from './retry-policy.ts'

export const SAGA_RESOLVE_PREFIX = 'saga/resolve/'

export function resolveStepName(forwardStep: string): string {
  return `${SAGA_RESOLVE_PREFIX}${forwardStep}`
}

/** What the saga needs to hand an undo to a person: when, and the task to open. */
export interface SagaEscalation {
  /** True when this undo error will not be retried again (the run would be dead-lettered). */
  exhausted(error: ErrorRecord): boolean
  policy: CompensationTaskPolicy
}

/** Escalation for a run on its `attempt`, or undefined when the flow has no compensation task. */
export function sagaEscalation(
  policy: CompensationTaskPolicy | undefined,
  retryPolicy: RetryPolicy,
  attempt: number,
): SagaEscalation | undefined {
  if (policy === undefined) return undefined
  return {
    policy,
    // Jitter does not change whether the run is dead, only when it is retried.
    exhausted: (error) =>
      decideAfterFailure(retryPolicy, error, attempt, () => 0).action === 'dead',
  }
}

/** A task for this undo was opened by an earlier invocation: wait for it, never resend the undo. */
export function handedOver(memo: ReadonlyMap<string, StepRecord>, forwardStep: string): boolean {
  return memo.has(`${resolveStepName(forwardStep)}/decision-0`)
}

export interface HandOver {
  forwardStep: string
  operation: string
  target: string
  businessKey: string
  /** The undo's last error; null when re-entering a task opened earlier (the task has it). */
  undoError: ErrorRecord | null
  failure: { step: string | null; error: ErrorRecord }
}

/** Opens (or finds) the task for one undo and waits for its decision. */
export function resolveByHand(
  scope: RunScope,
  memo: ReadonlyMap<string, StepRecord>,
  escalation: SagaEscalation,
  handOver: HandOver,
): Promise<ApprovalDecision> {
  const { policy } = escalation
  const { run } = scope
  const why =
    handOver.failure.step === null
      ? 'the flow gave up'
      : `step ${handOver.failure.step} failed (${handOver.failure.error.message})`
  return awaitApproval(scope, resolveStepName(handOver.forwardStep), (name) => memo.get(name), {
    title:
      `Undo ${handOver.operation} on ${handOver.target} for ${handOver.businessKey} by hand, ` +
      `then approve; the engine could not (${handOver.undoError?.message ?? 'see the run'})`,
    subject: {
      runId: run.id,
      flowName: run.flowName,
      businessKey: run.businessKey,
      step: handOver.forwardStep,
      operation: handOver.operation,
      target: handOver.target,
      undoBusinessKey: handOver.businessKey,
      undoError: handOver.undoError === null ? null : { ...handOver.undoError },
      compensatingBecause: why,
    },
    assignee: policy.assignee,
    timeoutMs: policy.timeoutMs,
    ...(policy.escalateTo === undefined ? {} : { escalateTo: policy.escalateTo }),
    ...(policy.escalationTimeoutMs === undefined
      ? {}
      : { escalationTimeoutMs: policy.escalationTimeoutMs }),
  })
}

/** The error a run is dead-lettered with when nobody undid the step by hand. */
export function unresolvedError(forwardStep: string, decision: ApprovalDecision): HubError {
  const how =
    decision.decision === 'expired'
      ? `expired undecided`
      : `was ${decision.decision} by ${decision.by}${decision.reason === null ? '' : `: ${decision.reason}`}`
  return new HubError(
    'validation',
    `nobody undid step ${forwardStep} by hand: task ${decision.taskId} ${how}`,
    { code: 'COMPENSATION_UNRESOLVED' },
  )
}
