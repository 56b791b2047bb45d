/** @module store/approval-task-params — human approval tasks: their states, parameters and results. */
import type { JsonValue } from './store-contract.ts'
import type { AuditActor, LeaseParams } from './store-params.ts'

export const APPROVAL_STATES = [
  /** Waiting for a person's decision (escalated ones too: `escalations` counts). */
  'open',
  /** Decided: approved, with who and why. Terminal. */
  'approved',
  /** Decided: rejected, with who and why. Terminal. */
  'rejected',
  /** Nobody decided by the last deadline. Terminal. */
  'expired',
] as const
export type ApprovalState = (typeof APPROVAL_STATES)[number]

/** The correlation key a task's decision is signalled on, and its run's wait listens on. */
export function approvalCorrelationKey(taskId: string): string {
  return `approval:${taskId}`
}

/** An approval task as the operator sees it. */
export interface ApprovalTask {
  id: string
  runId: string
  step: string
  title: string
  subject: JsonValue
  assignee: string
  state: ApprovalState
  escalations: number
  createdAt: number
  dueAt: number
  decidedAt: number | null
  decidedBy: string | null
  reason: string | null
}

export interface ApprovalOpenParams extends LeaseParams {
  /** The run's step that opens it: one task per (run, step), so a re-entered run finds its own. */
  step: string
  title: string
  subject: JsonValue
  assignee: string
  dueAt: number
}

export interface ApprovalEscalateParams extends LeaseParams {
  taskId: string
  /** The escalation this is (1 for the first): applied once, so a re-entered run cannot repeat it. */
  escalation: number
  assignee: string
  dueAt: number
}

export interface ApprovalListParams {
  tenantId: string
  state?: ApprovalState
  assignee?: string
  limit: number
  /** Tasks with id below this (newest first paging). */
  beforeId?: string
}

export interface ApprovalDecideParams {
  tenantId: string
  taskId: string
  decision: 'approved' | 'rejected'
  reason: string | null
  /** Who decided, recorded on the task as `decidedBy` (a person, where the caller knows one). */
  by: string
  now: number
  /** The caller and request the audit log records. */
  audit: AuditActor
}

/**
 * `decided`: the task was open and now carries the decision, and its run was woken (if waiting).
 * `not_open`: it was decided, or expired, before; nothing changed. `not_found`: no such task.
 */
export type ApprovalDecideResult =
  | { outcome: 'decided'; task: ApprovalTask; woke: string[] }
  | { outcome: 'not_open'; task: ApprovalTask }
  | { outcome: 'not_found' }
