/** @module engine/saga-compensation — undoing a run's completed deliveries when it fails for good.
 *
 * A delivery with a `compensate` registers its undo once it has completed. When the run then fails
 * with an error no retry can fix (or the flow calls `ctx.compensate`), the engine first records that
 * failure as the step `saga/failure`, then runs the registered undos newest first, each one a
 * delivery step `saga/undo/<forward step>`, and ends the run `compensated`.
 *
 * Everything is memoized like the forward path, so a crash anywhere resumes correctly: re-entered
 * from the top, the flow's completed deliveries return their results and register their undos
 * again; the first unfinished step finds `saga/failure` and stops the forward path instead of
 * calling the target that failed; finished undos are skipped, an unfinished one is read back
 * before it is sent again.
 */
import { HubError, toErrorRecord, type ErrorRecord } from '../errors/hub-error.ts'
import type { JsonValue, StepRecord } from '../store/store-contract.ts'
import {
  fenced,
  flushScope,
  LeaseLostError,
  performDelivery,
  type RunScope,
} from './delivery-step.ts'
import { SupersededError } from './entity-version-guard.ts'
import type { CompensationSpec, DeliveryCall } from './flow-definition.ts'
import { idempotencyKeyFor } from './idempotency-key.ts'
import { failsForGood } from './retry-policy.ts'
import {
  handedOver,
  resolveByHand,
  unresolvedError,
  type SagaEscalation,
} from './saga-escalation.ts'

/** Step names the engine writes for a saga; flows may not use the prefix. */
export const SAGA_STEP_PREFIX = 'saga/'
export const SAGA_FAILURE_STEP = 'saga/failure'

export function undoStepName(forwardStep: string): string {
  return `${SAGA_STEP_PREFIX}undo/${forwardStep}`
}

/** Thrown by `ctx.compensate(reason)`: the flow gave up on the run as a business decision. */
export class CompensationRequestedError extends HubError {
  constructor(reason: string) {
    super('validation', reason, { code: 'COMPENSATION_REQUESTED' })
    this.name = 'CompensationRequestedError'
  }
}

/**
 * Thrown at the first unfinished step of a run whose failure is already recorded: the forward path
 * ends there (the target that failed is not called again) and the engine goes on compensating.
 */
export class SagaUnwindError extends Error {
  /** `step`: the first unfinished step, or null when the flow returned past every one. */
  constructor(step: string | null) {
    super(
      `${step === null ? 'the flow returned' : `step ${step} not run`}: ` +
        'the run failed for good earlier and is being compensated',
    )
    this.name = 'SagaUnwindError'
  }
}

/**
 * An undo failed. It keeps the undo error's type (a retryable one is retried with the run's
 * backoff; a validation error dead-letters the run; an unexpected exception counts as retryable, as
 * an internal error would), wraps it as `cause`, and names both failures in its message, so the
 * dead letter says what failed and what could not be undone.
 */
export class CompensationFailedError extends HubError {
  readonly forwardError: ErrorRecord

  constructor(forwardStep: string, failure: SagaFailure, cause: unknown) {
    const undo = toErrorRecord(cause)
    const why = failure.step === null ? 'the flow gave up' : `step ${failure.step} failed`
    super(
      HubError.is(cause) ? cause.type : 'retryable',
      `compensation of step ${forwardStep} failed (${undo.type}: ${undo.message}); ` +
        `compensating because ${why} (${failure.error.type}: ${failure.error.message})`,
      {
        cause,
        ...(undo.code === undefined ? {} : { code: undo.code }),
        ...(undo.status === undefined ? {} : { status: undo.status }),
        ...(undo.retryAfterMs === undefined ? {} : { retryAfterMs: undo.retryAfterMs }),
        ...(undo.path === undefined ? {} : { path: undo.path }),
      },
    )
    this.name = 'CompensationFailedError'
    this.forwardError = failure.error
  }
}

/** The recorded output of `saga/failure`: why the run is being compensated. */
export interface SagaFailure {
  /** The step whose error ended the forward path, or null (e.g. `ctx.compensate`). */
  step: string | null
  error: ErrorRecord
}

interface Registration {
  step: string
  forwardKey: string
  /** Built only if the saga compensates; undefined only if the spec lost its `compensate`. */
  make: () => CompensationSpec | undefined
}

export interface SagaOutcome {
  error: ErrorRecord
  output: JsonValue
  compensations: number
}

/** The compensations one invocation of a run has registered, and the run's saga state. */
export class SagaLog {
  readonly #scope: RunScope
  readonly #memo: ReadonlyMap<string, StepRecord>
  /** In call order, not completion order, so parallel deliveries undo in a stable order. */
  readonly #slots: (Registration | undefined)[] = []
  #recorded: SagaFailure | null
  #failedStep: string | null = null

  constructor(scope: RunScope, memo: ReadonlyMap<string, StepRecord>) {
    this.#scope = scope
    this.#memo = memo
    this.#recorded = parseFailure(memo.get(SAGA_FAILURE_STEP))
  }

  /** True when an earlier invocation already recorded the failure: the forward path is over. */
  get compensating(): boolean {
    return this.#recorded !== null
  }

  /** Holds a place for a delivery's undo when the delivery is called. */
  reserve(): number {
    this.#slots.push(undefined)
    return this.#slots.length - 1
  }

  /** Fills the place once the delivery has completed (now, or memoized). */
  register(slot: number, registration: Registration): void {
    this.#slots[slot] = registration
  }

  /** The step whose error is propagating out of the flow. */
  noteFailure(step: string): void {
    this.#failedStep = step
  }

  /** Whether this error, out of the flow, ends the run by compensating rather than failing it. */
  shouldCompensate(error: unknown): boolean {
    if (this.#recorded !== null || error instanceof CompensationRequestedError) return true
    if (error instanceof SupersededError || error instanceof LeaseLostError) return false
    return failsForGood(toErrorRecord(error)) && this.#registered().length > 0
  }

  /**
   * Records the failure (first time only), then runs every undo not yet completed, newest first.
   * Throws `CompensationFailedError` when an undo fails, `LeaseLostError` when the run was lost,
   * `RunSuspendedError` when an undo that failed for good waits for a person (`escalation`).
   */
  async compensate(error: unknown, escalation?: SagaEscalation): Promise<SagaOutcome> {
    const { deps, lease } = this.#scope
    const registered = this.#registered()
    let failure = this.#recorded
    if (failure === null) {
      failure = {
        step: error instanceof CompensationRequestedError ? null : this.#failedStep,
        error: toErrorRecord(error),
      }
      fenced(
        this.#scope,
        await deps.store.stepComplete({
          ...lease,
          now: deps.clock.now(),
          name: SAGA_FAILURE_STEP,
          kind: 'local',
          output: failureJson(failure),
          // The forward deliveries' held results go with it: the undos are built from them.
          carried: await this.#scope.carried.take(),
        }),
      )
      this.#recorded = failure
      deps.observer.compensationStarted({
        ...this.#scope.event,
        step: failure.step,
        error: failure.error,
        compensations: registered.length,
      })
    }
    const undone: string[] = []
    const byHand: JsonValue[] = []
    let finishedOne = false
    for (const entry of [...registered].reverse()) {
      const name = undoStepName(entry.step)
      const recorded = this.#memo.get(name)
      if (recorded?.state !== 'completed') {
        // One undo is recorded and the next has not begun: a crash here must neither repeat the
        // first nor skip the second.
        if (finishedOne) deps.crashPoints.hit('mid_saga_compensation')
        const spec = this.#build(entry, failure)
        if (spec === undefined) continue
        // A person holds this undo since an earlier invocation: it is not sent again.
        const held = escalation !== undefined && handedOver(this.#memo, entry.step)
        const undoError = held ? null : await this.#undo(entry, spec, recorded, failure, escalation)
        if (escalation !== undefined && (held || undoError !== null)) {
          const decision = await resolveByHand(this.#scope, this.#memo, escalation, {
            forwardStep: entry.step,
            operation: spec.operation,
            target: spec.target,
            businessKey: spec.businessKey,
            undoError,
            failure,
          })
          if (decision.decision !== 'approved') {
            throw new CompensationFailedError(
              entry.step,
              failure,
              unresolvedError(entry.step, decision),
            )
          }
          byHand.push({
            step: entry.step,
            taskId: decision.taskId,
            by: decision.by,
            reason: decision.reason,
          })
        }
      }
      undone.push(entry.step)
      finishedOne = true
    }
    return {
      error: failure.error,
      compensations: undone.length,
      output: {
        compensated: {
          failedStep: failure.step,
          reason: failure.error.message,
          undone,
          ...(byHand.length === 0 ? {} : { undoneByHand: byHand }),
        },
      },
    }
  }

  /** The undo's spec; a flow whose undo cannot even be built fails the compensation. */
  #build(entry: Registration, failure: SagaFailure): CompensationSpec | undefined {
    try {
      return entry.make()
    } catch (cause) {
      throw new CompensationFailedError(entry.step, failure, cause)
    }
  }

  /**
   * Sends one undo. Returns null when it took effect, or its error when it failed for good and a
   * person can take it over; throws when the run should retry it (or has no one to hand it to).
   */
  async #undo(
    entry: Registration,
    spec: CompensationSpec,
    recorded: StepRecord | undefined,
    failure: SagaFailure,
    escalation: SagaEscalation | undefined,
  ): Promise<ErrorRecord | null> {
    const { run } = this.#scope
    const name = undoStepName(entry.step)
    try {
      const key =
        recorded?.idempotencyKey ??
        idempotencyKeyFor({
          tenantId: run.tenantId,
          target: spec.target,
          operation: spec.operation,
          businessKey: spec.businessKey,
          compensates: entry.forwardKey,
        })
      // Only the undo's own fields: it registers no undo, version or cross-reference itself.
      const delivery = {
        target: spec.target,
        operation: spec.operation,
        businessKey: spec.businessKey,
        perform: (call: DeliveryCall) => spec.perform(call),
        lookup: (call: { signal: AbortSignal }) => spec.lookup(call),
      }
      await performDelivery(this.#scope, name, delivery, recorded, key)
      // Compensation is the rare path: each undo is recorded before the next one begins,
      // rather than carried by its start.
      await flushScope(this.#scope)
      return null
    } catch (cause) {
      if (cause instanceof LeaseLostError || this.#scope.signal.aborted) throw cause
      const failed = new CompensationFailedError(entry.step, failure, cause)
      if (escalation?.exhausted(toErrorRecord(failed)) !== true) throw failed
      return toErrorRecord(cause)
    }
  }

  #registered(): Registration[] {
    return this.#slots.filter((r): r is Registration => r !== undefined)
  }
}

function failureJson(failure: SagaFailure): JsonValue {
  // ErrorRecord is plain JSON by construction; the round trip drops absent optional fields.
  return JSON.parse(JSON.stringify(failure)) as JsonValue
}

function parseFailure(step: StepRecord | undefined): SagaFailure | null {
  if (step?.state !== 'completed') return null
  const output = step.output as { step?: unknown; error?: unknown } | null
  const error = output?.error as ErrorRecord | undefined
  if (typeof error?.type !== 'string' || typeof error.message !== 'string') {
    throw new Error(`run ${step.runId}: the recorded ${SAGA_FAILURE_STEP} has no error`)
  }
  return { step: typeof output?.step === 'string' ? output.step : null, error }
}
