/** @module engine/flow-definition — a flow is TypeScript code over memoized steps.
 *
 * The run function is re-entered from the top after a crash or retry; every `step` and `deliver`
 * whose result is already recorded returns that result without running again, so the code between
 * steps must be deterministic (derive everything from the message and earlier step results).
 * Step names are unique within a run; names starting with `saga/` are the engine's own (the
 * records of a saga's failure and undos, see `saga-compensation.ts`).
 */
import type { CrossReference, InboxMessage, JsonValue } from '../store/store-contract.ts'
import type { ApprovalDecision, ApprovalRequest } from './run-approvals.ts'
import type { WaitOutcome } from './run-waits.ts'

export interface FlowTrigger {
  sourceSystem: string
  topics: readonly string[]
}

export interface DeliveryCall {
  /** Stable for this delivery: created once, sent on every attempt and replay. */
  idempotencyKey: string
  /** Aborted when the run's lease is lost or the worker stops. */
  signal: AbortSignal
}

export interface DeliverySpec<T extends JsonValue> {
  /** The governed account, e.g. `netsuite:TSTDRV1`: slots and the circuit are shared per target. */
  target: string
  /** What is done, e.g. `salesOrder.upsert`; part of the idempotency key. */
  operation: string
  /** The business key the target can be read by (e.g. the external id). */
  businessKey: string
  /** The entity's source version; part of the idempotency key so a newer version is a new effect. */
  version?: string
  /**
   * The per-entity version guard: a number that grows with the source version (e.g. the source's
   * `updated_at` in epoch ms). When set, the delivery is skipped as superseded if the target
   * already has this version or a newer one for `businessKey` (the run completes, marked
   * superseded), and reaching the target raises the recorded version with the step's completion.
   * Lets duplicate and out-of-order events collapse instead of applying stale state.
   */
  entityVersion?: number
  /**
   * With `entityVersion`: the version already recorded is applied again instead of skipped (an
   * older one is still stale). For a repair that rewrites the current version on purpose, e.g. a
   * reconciliation heal of a record changed or deleted out of band; a forced replay does the same.
   */
  reapplyEqualVersion?: boolean
  /** Makes the change. Must be safe to repeat with the same idempotency key. */
  perform(call: DeliveryCall): Promise<T>
  /**
   * Read-before-retry: asks the target whether the effect already happened. Returns its result,
   * or null when the target has no trace of it. Called whenever an earlier attempt's outcome is
   * unknown (crash, timeout, dropped connection, conflict) before anything is sent again.
   */
  lookup(call: { signal: AbortSignal }): Promise<T | null>
  /** Cross-references to record in the sync ledger atomically with the step's completion. */
  crossReferences?(result: T): CrossReference[]
  /**
   * Saga compensation: the delivery that undoes this one, built from its result (e.g. cancel the
   * sales order this created). Registered once the delivery has completed, and run, newest first,
   * only if the run later fails for good (a validation error) or the flow calls `ctx.compensate`.
   * The run then ends `compensated` instead of dead-lettered.
   */
  compensate?(result: T): CompensationSpec
}

/**
 * The undo of a completed delivery. It is a delivery itself (governed, fenced, recorded before the
 * call) with its own idempotency key, derived from the forward delivery's, so the target never
 * takes it for a repeat of the change it undoes.
 */
export interface CompensationSpec<U extends JsonValue = JsonValue> {
  /** The governed account, usually the forward delivery's. */
  target: string
  /** What the undo does, e.g. `salesOrder.cancel`; part of its idempotency key. */
  operation: string
  /** The business key the target can be read by. */
  businessKey: string
  /** Makes the undo. Must be safe to repeat with the same idempotency key. */
  perform(call: DeliveryCall): Promise<U>
  /**
   * Read-before-retry for the undo: its result when the target shows it already took effect (the
   * order is cancelled), else null. Called whenever an earlier attempt's outcome is unknown.
   */
  lookup(call: { signal: AbortSignal }): Promise<U | null>
}

export interface RunContext {
  readonly tenantId: string
  readonly runId: string
  readonly flowName: string
  readonly businessKey: string
  /** Failed attempts before this one. */
  readonly attempt: number
  readonly signal: AbortSignal
  /** A local, deterministic step; its JSON result is memoized. */
  step<T extends JsonValue>(name: string, fn: () => T | Promise<T>): Promise<T>
  /** A step with an effect on an external system: governed, fenced, idempotent, read-before-retry. */
  deliver<T extends JsonValue>(name: string, spec: DeliverySpec<T>): Promise<T>
  /**
   * A durable timer: the run gives its worker back and resumes after `ms`, across restarts.
   * Must not be caught: it ends this invocation of the flow (see run-waits.ts).
   */
  sleep(name: string, ms: number): Promise<void>
  /**
   * Waits for an event signalled with `correlationKey` (e.g. `shipment-confirmed:<order>`), or
   * until `timeoutMs` has passed; the run gives its worker back meanwhile. An event signalled
   * before the wait began is taken at once.
   */
  waitForEvent<T extends JsonValue = JsonValue>(
    name: string,
    options: { correlationKey: string; timeoutMs: number },
  ): Promise<WaitOutcome<T>>
  /**
   * Opens a human approval task and waits for its decision without holding a worker: approved or
   * rejected (with who and why, from the operator API), or expired after its deadline and one
   * optional escalation (see run-approvals.ts). Survives restarts.
   */
  approval(name: string, request: ApprovalRequest): Promise<ApprovalDecision>
  /**
   * Gives up on the run as a business decision (a credit check said no): undoes every completed
   * delivery that has a `compensate`, newest first, and ends the run `compensated`. Never returns.
   * `reason` is recorded as the run's error (type `validation`: it will not change on a retry).
   */
  compensate(reason: string): Promise<never>
}

/**
 * Who undoes a step by hand when the engine cannot: the task a failed compensation opens (see
 * saga-escalation.ts) instead of dead-lettering the run at once.
 */
export interface CompensationTaskPolicy {
  assignee: string
  timeoutMs: number
  escalateTo?: string
  escalationTimeoutMs?: number
}

export interface FlowDefinition {
  name: string
  /**
   * The business domain the flow serves (e.g. `orderLifecycle`), set by its factory. The engine
   * does not read it: the composition root uses it to apply that domain's policy (alerts) to the
   * flow's runs. A flow without one is under no domain's policy.
   */
  domain?: string
  trigger: FlowTrigger
  run(ctx: RunContext, message: InboxMessage): Promise<JsonValue>
  /**
   * When set, an undo that fails for good opens a task for `assignee` to undo it by hand; the saga
   * goes on once it is approved. Without it (or when the task is rejected or expires) the run is
   * dead-lettered naming both failures.
   */
  compensationTask?: CompensationTaskPolicy
}

export function defineFlow(definition: FlowDefinition): FlowDefinition {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(definition.name)) {
    throw new Error(
      `flow name "${definition.name}" must be lower-case letters, digits and dashes, e.g. "shopify-order-to-netsuite"`,
    )
  }
  return definition
}
