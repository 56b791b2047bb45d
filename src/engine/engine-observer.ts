/** @module engine/engine-observer — what the engine reports as it works.
 *
 * The engine knows no metrics library: observability (src/observability) implements this
 * interface with Prometheus counters and histograms, tests implement it with arrays.
 */
import type { ErrorRecord } from '../errors/hub-error.ts'

export interface RunEvent {
  tenantId: string
  runId: string
  flowName: string
  businessKey: string
  attempt: number
}

export interface EngineObserver {
  /** A new inbound message was committed (not called for duplicates). */
  ingested(event: { tenantId: string; sourceSystem: string; topic: string; runs: number }): void
  /** A duplicate inbound message was acknowledged again with no new effect. */
  duplicate(event: { tenantId: string; sourceSystem: string; topic: string }): void
  /** A delivery step reached its target and its result is recorded. */
  delivered(
    event: RunEvent & {
      step: string
      target: string
      durationMs: number
      resolvedByLookup: boolean
    },
  ): void
  /** A delivery's outcome became unknown (timeout, dropped connection after send). */
  inDoubt(event: RunEvent & { step: string; target: string }): void
  /** A run failed an attempt and was rescheduled. */
  retried(event: RunEvent & { error: ErrorRecord; delayMs: number; throttled: boolean }): void
  /** A run was moved to the dead-letter queue. */
  deadLettered(event: RunEvent & { error: ErrorRecord; reason: string }): void
  /** A delivery was skipped: the target already had its entity version or a newer one. */
  superseded(event: RunEvent & { step: string; version: number; appliedVersion: number }): void
  /** A run finished; `propagationMs` is from the message's receipt to completion. */
  completed(event: RunEvent & { propagationMs: number }): void
  /**
   * A run failed for good (or its flow gave up) and began undoing its completed deliveries: once per
   * run, when the failure is recorded. `step` is the step that failed, null for `ctx.compensate`.
   */
  compensationStarted(
    event: RunEvent & { step: string | null; error: ErrorRecord; compensations: number },
  ): void
  /** Every undo of a run is applied; the run ended `compensated`. */
  compensationCompleted(event: RunEvent & { compensations: number; propagationMs: number }): void
  /** A circuit changed state. */
  circuit(event: { target: string; state: 'closed' | 'open' | 'half_open' }): void
}

export const silentObserver: EngineObserver = {
  ingested: () => {},
  duplicate: () => {},
  delivered: () => {},
  inDoubt: () => {},
  retried: () => {},
  deadLettered: () => {},
  superseded: () => {},
  completed: () => {},
  compensationStarted: () => {},
  compensationCompleted: () => {},
  circuit: () => {},
}

/** One observer that forwards every event to each of `observers`, in order. */
export function combineObservers(...observers: EngineObserver[]): EngineObserver {
  return {
    ingested: (e) => observers.forEach((o) => o.ingested(e)),
    duplicate: (e) => observers.forEach((o) => o.duplicate(e)),
    delivered: (e) => observers.forEach((o) => o.delivered(e)),
    inDoubt: (e) => observers.forEach((o) => o.inDoubt(e)),
    retried: (e) => observers.forEach((o) => o.retried(e)),
    deadLettered: (e) => observers.forEach((o) => o.deadLettered(e)),
    superseded: (e) => observers.forEach((o) => o.superseded(e)),
    completed: (e) => observers.forEach((o) => o.completed(e)),
    compensationStarted: (e) => observers.forEach((o) => o.compensationStarted(e)),
    compensationCompleted: (e) => observers.forEach((o) => o.compensationCompleted(e)),
    circuit: (e) => observers.forEach((o) => o.circuit(e)),
  }
}
