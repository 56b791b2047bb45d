// The fake target (a test double of an external system: plain functions with counters), latches and small helpers for the engine tests.
import {
  defineFlow,
  type DeliverySpec,
  type FlowDefinition,
  type RunContext,
} from '../../src/engine/flow-definition.ts'
import type { StepRecord } from '../../src/store/store-contract.ts'

export const SOURCE = 'shop'
export const TOPIC = 'orders/create'

/** A promise the test opens (or fails) by hand; still-closed latches are failed after each test. */
export interface Latch {
  readonly promise: Promise<void>
  readonly settled: boolean
  open(): void
  fail(error: Error): void
}

export function latch(): Latch {
  let settled = false
  let resolve!: () => void
  let reject!: (error: Error) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A latch failed during cleanup may have no listener left.
  promise.catch(() => undefined)
  return {
    promise,
    get settled() {
      return settled
    },
    open() {
      settled = true
      resolve()
    },
    fail(error) {
      settled = true
      reject(error)
    },
  }
}

/** Deterministic `random`: returns `values` in turn, cycling. */
export function sequenceRandom(...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length] ?? 0
}

/** Polls `check` every 2 ms of real time; throws after `timeoutMs` naming what was awaited. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

export type Receipt = { id: string; by: string }

/** What the next `perform` does; consumed in call order, `ok` when the script is empty. */
export type PerformPlan =
  | { kind: 'ok' }
  | { kind: 'fail'; error: Error; applied?: boolean }
  | { kind: 'wait'; latch: Latch; applyBeforeWaiting?: boolean }

export interface TargetEffect extends Receipt {
  businessKey: string
  idempotencyKey: string
}

/** A test double for an external system: plain functions with counters, no storage. */
export interface FakeTarget {
  readonly name: string
  readonly effects: TargetEffect[]
  /** `perform:<worker>` and `lookup:<worker>` in call order. */
  readonly calls: string[]
  readonly keys: string[]
  /** `start:<label>` / `end:<label>` around every perform. */
  readonly events: string[]
  readonly inFlight: number
  readonly maxInFlight: number
  readonly performs: number
  readonly lookups: number
  plan(...plans: PerformPlan[]): void
  delivery(businessKey: string, by: string, label?: string): DeliverySpec<Receipt>
}

export function fakeTarget(name = 't'): FakeTarget {
  const effects: TargetEffect[] = []
  const calls: string[] = []
  const keys: string[] = []
  const events: string[] = []
  const plans: PerformPlan[] = []
  let inFlight = 0
  let maxInFlight = 0
  const count = (prefix: string): number => calls.filter((c) => c.startsWith(prefix)).length
  return {
    name,
    effects,
    calls,
    keys,
    events,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    get performs() {
      return count('perform:')
    },
    get lookups() {
      return count('lookup:')
    },
    plan: (...more) => void plans.push(...more),
    delivery(businessKey, by, label = businessKey) {
      const apply = (idempotencyKey: string): Receipt => {
        const effect = { id: `${name}-${effects.length + 1}`, by, businessKey, idempotencyKey }
        effects.push(effect)
        return { id: effect.id, by }
      }
      return {
        target: name,
        operation: 'order.upsert',
        businessKey,
        async perform({ idempotencyKey }) {
          const plan = plans.shift() ?? { kind: 'ok' }
          calls.push(`perform:${by}`)
          keys.push(idempotencyKey)
          events.push(`start:${label}`)
          inFlight += 1
          maxInFlight = Math.max(maxInFlight, inFlight)
          try {
            if (plan.kind === 'fail') {
              if (plan.applied === true) apply(idempotencyKey)
              throw plan.error
            }
            if (plan.kind === 'wait') {
              const early = plan.applyBeforeWaiting === true ? apply(idempotencyKey) : undefined
              await plan.latch.promise
              return early ?? apply(idempotencyKey)
            }
            return apply(idempotencyKey)
          } finally {
            inFlight -= 1
            events.push(`end:${label}`)
          }
        },
        lookup() {
          calls.push(`lookup:${by}`)
          const found = effects.find((e) => e.businessKey === businessKey)
          return Promise.resolve(found === undefined ? null : { id: found.id, by: found.by })
        },
      }
    },
  }
}

export interface DeliveryFlowOptions {
  /** Labels this engine's calls at the target (`perform:<by>`). */
  by?: string
  name?: string
  /** Receives `ctx.attempt` each time the flow body starts. */
  attempts?: number[]
  /** Awaited after the delivery, before the run completes. */
  after?: (ctx: RunContext) => Promise<void>
}

/** One delivery of the message's business key to `target`; the output is `{ receipt }`. */
export function deliveryFlow(
  target: FakeTarget,
  options: DeliveryFlowOptions = {},
): FlowDefinition {
  return defineFlow({
    name: options.name ?? 'push-order',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx, message) {
      options.attempts?.push(ctx.attempt)
      const spec = target.delivery(ctx.businessKey, options.by ?? 'w', message.sourceMessageId)
      const receipt = await ctx.deliver('push', spec)
      await options.after?.(ctx)
      return { receipt }
    },
  })
}

export function stepNamed(run: { steps: StepRecord[] }, name: string): StepRecord {
  const step = run.steps.find((s) => s.name === name)
  if (step === undefined) throw new Error(`run has no step ${name}`)
  return step
}
