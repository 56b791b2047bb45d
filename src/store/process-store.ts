/** @module store/process-store — the part of the store the business processes use.
 *
 * Approval tasks, reconciliation runs and breaks, echo-suppression watermarks, audit entries of a
 * flow's own decisions and the business SLIs: split from the run ledger's contract
 * (store-contract.ts) so each stays readable. `Store` extends it; one SQL implementation serves
 * both drivers, and the conformance suite covers it like the rest.
 */
import type {
  ApprovalDecideParams,
  ApprovalDecideResult,
  ApprovalEscalateParams,
  ApprovalListParams,
  ApprovalOpenParams,
  ApprovalTask,
} from './approval-task-params.ts'
import type { AuditAppendParams } from './audit-append-params.ts'
import type {
  ReconciliationBreak,
  ReconciliationBreakAddParams,
  ReconciliationBreakListParams,
  ReconciliationBreakMoveParams,
  ReconciliationRun,
  ReconciliationRunBeginParams,
  ReconciliationRunBeginResult,
  ReconciliationRunFinishParams,
  ReconciliationRunStartParams,
  ReconciliationSummary,
  ReconciliationSummaryParams,
} from './reconciliation-params.ts'
import type { FlowHealth, FlowHealthParams } from './flow-health-params.ts'
import type { SliSnapshot, SliSnapshotParams } from './sli-params.ts'
import type { LeaseParams } from './store-params.ts'
import type {
  SyncWatermark,
  SyncWatermarkKey,
  SyncWatermarkPutParams,
} from './sync-watermark-params.ts'

export interface ProcessStore {
  /** Opens the run's approval task for `step`, or returns the one it opened before. */
  approvalOpen(params: ApprovalOpenParams): Promise<{ held: boolean; task: ApprovalTask | null }>
  /**
   * Hands an open task to `assignee` with a new deadline as escalation number `escalation`; false
   * if not held, not open, or escalated that far already.
   */
  approvalEscalate(params: ApprovalEscalateParams): Promise<boolean>
  /** Ends an open task undecided; false if not held or no longer open (decided meanwhile). */
  approvalExpire(params: LeaseParams & { taskId: string }): Promise<boolean>
  approvalList(params: ApprovalListParams): Promise<ApprovalTask[]>
  /** Decides an open task, signals its run (`approval:<id>`) and audits it, in one transaction. */
  approvalDecide(params: ApprovalDecideParams): Promise<ApprovalDecideResult>

  /** Opens a reconciliation run (state `running`) of `source` against `target`. */
  reconciliationRunStart(params: ReconciliationRunStartParams): Promise<ReconciliationRun>
  /**
   * Opens a run of `domain` only if none of the tenant's is running (one younger than
   * `staleAfterMs`): checked and inserted under a lock on (tenant, domain), so hub processes
   * sharing the database never run one domain's reconciliation twice at once.
   */
  reconciliationRunBegin(
    params: ReconciliationRunBeginParams,
  ): Promise<ReconciliationRunBeginResult>
  /** The run, or null if the tenant has no run with this id. */
  reconciliationRunGet(params: {
    tenantId: string
    runId: string
  }): Promise<ReconciliationRun | null>
  /** Ends a running run with its stats; null if there is no such running run. */
  reconciliationRunFinish(params: ReconciliationRunFinishParams): Promise<ReconciliationRun | null>
  /** Records a run's breaks, state `open`, one per (run, key): a repeat returns the ones recorded. */
  reconciliationBreakAdd(params: ReconciliationBreakAddParams): Promise<ReconciliationBreak[]>
  /**
   * Moves a break from `from` to `to` if it is still in `from` and BREAK_TRANSITIONS allows it;
   * null otherwise (nothing changes). Reaching `healed` or `closed` sets `closedAt`.
   */
  reconciliationBreakMove(
    params: ReconciliationBreakMoveParams,
  ): Promise<ReconciliationBreak | null>
  /** Newest first. */
  reconciliationBreakList(params: ReconciliationBreakListParams): Promise<ReconciliationBreak[]>
  /** Counts of breaks opened since `since`: closed, unresolved, oldest age, and by cause. */
  reconciliationSummary(params: ReconciliationSummaryParams): Promise<ReconciliationSummary>

  /** What the hub last wrote to `system` for the entity (echo suppression), or null. */
  syncWatermarkGet(params: SyncWatermarkKey): Promise<SyncWatermark | null>
  /** Replaces the entity's watermark in `system` with the hub's latest write. */
  syncWatermarkPut(params: SyncWatermarkPutParams): Promise<void>
  /**
   * Appends one audit entry outside any other action, e.g. a flow's record that it refused a
   * change from a system that does not own the fields. Returns the entry's id.
   */
  auditAppend(params: AuditAppendParams): Promise<string>

  /** Business SLIs over the ledger for a trailing window (see sli-params.ts). */
  sliSnapshot(params: SliSnapshotParams): Promise<SliSnapshot>
  /** Per flow: dead runs, the oldest unprocessed run, runs finished and failed in a window (see flow-health-params.ts). */
  flowHealth(params: FlowHealthParams): Promise<FlowHealth[]>
}
