/** @module engine/run-waits — durable timers and waits for events.
 *
 * A wait is a step of kind `wait`. Its first call records the step and suspends the run in the same
 * transaction (`Store.runWait`): the run becomes `waiting`, gives its lease and worker back, and is
 * due again at its deadline. A signal (`HubEngine.signal`, `Store.eventSignal`) completes the step
 * with the event and makes the run due at once; an event that arrived before the wait is taken by
 * it straight away. The re-entered flow finds the step completed and goes on; past the deadline it
 * gets a timeout instead. Nothing is held in memory, so waits of days survive restarts.
 */
import type { JsonValue, StepRecord, WaitEvent } from '../store/store-contract.ts'
import { LeaseLostError, type RunScope } from './delivery-step.ts'

/** What a wait ended with: the event, or the deadline. */
export type WaitOutcome<T extends JsonValue = JsonValue> =
  | { kind: 'event'; eventId: string; name: string; payload: T; receivedAt: number }
  | { kind: 'timeout' }

export interface WaitSpec {
  /** Signals with this key end the wait; null for a timer. */
  correlationKey: string | null
  timeoutMs: number
}

/**
 * Thrown out of `ctx.sleep` / `ctx.waitForEvent` once the run is suspended: the flow stops here and
 * the executor lets the run go without another write. A flow must not catch it (a caught one
 * leaves the flow writing without a lease, which the store refuses).
 */
export class RunSuspendedError extends Error {
  readonly step: string
  readonly deadline: number

  constructor(runId: string, step: string, deadline: number) {
    super(`run ${runId} is waiting at step ${step} until ${new Date(deadline).toISOString()}`)
    this.name = 'RunSuspendedError'
    this.step = step
    this.deadline = deadline
  }
}

const TIMED_OUT = { timedOut: true } as const

/** Runs the wait step `name` to its outcome, or suspends the run (throws RunSuspendedError). */
export async function awaitWait<T extends JsonValue>(
  scope: RunScope,
  name: string,
  recorded: StepRecord | undefined,
  spec: WaitSpec,
): Promise<WaitOutcome<T>> {
  if (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs < 0) {
    throw new RangeError(
      `step ${name}: the wait's timeout must be a number of milliseconds ≥ 0, got ${spec.timeoutMs}`,
    )
  }
  if (recorded?.state === 'completed') return outcomeOf<T>(recorded)
  const { deps, run } = scope
  const now = deps.clock.now()
  const deadline = recorded === undefined ? now + spec.timeoutMs : deadlineOf(recorded)
  if (recorded !== undefined && now >= deadline) {
    // Carried like any result: the run's next write records that the wait timed out.
    scope.carried.add({ name, kind: 'wait', output: TIMED_OUT })
    return { kind: 'timeout' }
  }
  const result = await deps.store.runWait({
    ...scope.lease,
    now,
    name,
    correlationKey: spec.correlationKey,
    deadline,
    carried: await scope.carried.take(),
  })
  if (!result.held) throw new LeaseLostError(run.id)
  if (result.event !== null) return eventOutcome<T>(result.event)
  throw new RunSuspendedError(run.id, name, deadline)
}

function outcomeOf<T extends JsonValue>(step: StepRecord): WaitOutcome<T> {
  const output = step.output as { event?: WaitEvent; timedOut?: boolean } | null
  if (output?.event !== undefined) return eventOutcome<T>(output.event)
  if (output?.timedOut === true) return { kind: 'timeout' }
  throw new Error(`run ${step.runId}: wait step ${step.name} completed without an event or timeout`)
}

function eventOutcome<T extends JsonValue>(event: WaitEvent): WaitOutcome<T> {
  return {
    kind: 'event',
    eventId: event.eventId,
    name: event.name,
    payload: event.payload as T,
    receivedAt: event.receivedAt,
  }
}

function deadlineOf(step: StepRecord): number {
  const output = step.output as { waiting?: { deadline?: unknown } } | null
  const deadline = output?.waiting?.deadline
  if (typeof deadline !== 'number') {
    throw new Error(`run ${step.runId}: wait step ${step.name} has no recorded deadline`)
  }
  return deadline
}
