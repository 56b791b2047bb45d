/** @module engine/run-approvals — human approval tasks a run opens and waits for.
 *
 * `ctx.approval` opens one task per (run, step) in the store, then waits for its decision as a
 * wait on `approval:<task id>` (run-waits.ts): the run holds no worker while a person decides.
 * Deciding the task (operator API) records who and why, signals the wait and audits it in one
 * transaction. A task nobody decides by its deadline is escalated once, to `escalateTo` with a new
 * deadline, and after that expires. Every part is a store write or a memoized wait, so a restart
 * anywhere resumes where it was: the task is found again by its step, the escalation is applied
 * once by number, and a decision that raced a timeout is kept and taken by the next wait.
 */
import {
  approvalCorrelationKey,
  type ApprovalTask,
  type JsonValue,
  type StepRecord,
} from '../store/store-contract.ts'
import { LeaseLostError, type RunScope } from './delivery-step.ts'
import { awaitWait } from './run-waits.ts'

export interface ApprovalRequest {
  /** What the person is asked, e.g. "New customer ACME Corp (credit limit 50,000)". */
  title: string
  /** The data to decide on, shown with the task. */
  subject: JsonValue
  assignee: string
  /** How long the assignee has. */
  timeoutMs: number
  /** Who gets the task when the first deadline passes; without it the task then expires. */
  escalateTo?: string
  /** How long the escalation assignee has (default: `timeoutMs`). */
  escalationTimeoutMs?: number
}

export type ApprovalDecision =
  | { decision: 'approved' | 'rejected'; reason: string | null; by: string; taskId: string }
  | { decision: 'expired'; taskId: string }

export async function awaitApproval(
  scope: RunScope,
  name: string,
  claim: (stepName: string) => StepRecord | undefined,
  request: ApprovalRequest,
): Promise<ApprovalDecision> {
  checkRequest(name, request)
  claim(name)
  const { deps, lease } = scope
  const open = async (): Promise<ApprovalTask> => {
    const now = deps.clock.now()
    const { held, task } = await deps.store.approvalOpen({
      ...lease,
      now,
      step: name,
      title: request.title,
      subject: request.subject,
      assignee: request.assignee,
      dueAt: now + request.timeoutMs,
    })
    if (!held || task === null) throw new LeaseLostError(scope.run.id)
    return task
  }
  let task = await open()
  const last = request.escalateTo === undefined ? 0 : 1
  for (let round = 0; ; round++) {
    const waitName = `${name}/decision-${round}`
    const outcome = await awaitWait<DecisionPayload>(scope, waitName, claim(waitName), {
      correlationKey: approvalCorrelationKey(task.id),
      // A task decided or expired meanwhile needs no waiting: the kept decision, if any, is taken.
      timeoutMs: task.state === 'open' ? Math.max(0, task.dueAt - deps.clock.now()) : 0,
    })
    if (outcome.kind === 'event') {
      const { decision, reason, by } = outcome.payload
      return { decision, reason, by, taskId: task.id }
    }
    if (task.state === 'expired') return { decision: 'expired', taskId: task.id }
    if (round < last && request.escalateTo !== undefined) {
      const now = deps.clock.now()
      await deps.store.approvalEscalate({
        ...lease,
        now,
        taskId: task.id,
        escalation: round + 1,
        assignee: request.escalateTo,
        dueAt: now + (request.escalationTimeoutMs ?? request.timeoutMs),
      })
      task = await open()
      continue
    }
    const expired = await deps.store.approvalExpire({
      ...lease,
      now: deps.clock.now(),
      taskId: task.id,
    })
    if (expired) return { decision: 'expired', taskId: task.id }
    // Decided at the last moment (or expired by an earlier attempt): read it once more.
    task = await open()
  }
}

interface DecisionPayload {
  [key: string]: JsonValue
  decision: 'approved' | 'rejected'
  reason: string | null
  by: string
}

function checkRequest(name: string, request: ApprovalRequest): void {
  for (const [field, value] of [
    ['timeoutMs', request.timeoutMs],
    ['escalationTimeoutMs', request.escalationTimeoutMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new RangeError(
        `step ${name}: ${field} must be a positive number of milliseconds, got ${value}`,
      )
    }
  }
  if (request.assignee.trim() === '') {
    throw new RangeError(`step ${name}: the approval needs an assignee`)
  }
}
