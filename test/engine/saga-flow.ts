// A five-delivery saga flow over the fake target for the engine's compensation tests: each step registers an undo at a second fake target.
import { defineFlow, type FlowDefinition } from '../../src/engine/flow-definition.ts'
import { SOURCE, TOPIC, type FakeTarget } from './fake-target.ts'

export const SAGA_STEPS = ['step-1', 'step-2', 'step-3', 'step-4', 'step-5'] as const

export interface SagaFlowOptions {
  /** Labels this engine's calls at both targets (`perform:<by>`). */
  by?: string
  /** After this many steps the flow gives up itself with `ctx.compensate`. */
  giveUpAfter?: number
  /** Steps 1..n carry no `compensate` (they have nothing to undo). */
  withoutUndoUpTo?: number
}

/** The business key of step `i`'s effect: the run's key and the step number. */
export function stepKey(runKey: string, i: number): string {
  return `${runKey}:${i}`
}

/**
 * Step i delivers `stepKey(key, i)` to `target`; its undo delivers the same key to `undo`, but
 * names `target`, its operation and business key, so only the saga's part of the idempotency key
 * tells the two apart.
 */
export function sagaFlow(
  target: FakeTarget,
  undo: FakeTarget,
  options: SagaFlowOptions = {},
): FlowDefinition {
  const by = options.by ?? 'w'
  return defineFlow({
    name: 'saga-order',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx) {
      const receipts = []
      for (const [index, name] of SAGA_STEPS.entries()) {
        const i = index + 1
        if (options.giveUpAfter !== undefined && index === options.giveUpAfter) {
          await ctx.compensate('credit check refused the order')
        }
        const key = stepKey(ctx.businessKey, i)
        const forward = target.delivery(key, by, `s${i}`)
        const compensable = options.withoutUndoUpTo === undefined || i > options.withoutUndoUpTo
        receipts.push(
          await ctx.deliver(name, {
            ...forward,
            ...(compensable
              ? {
                  compensate: () => ({
                    ...undo.delivery(key, by, `undo-s${i}`),
                    target: forward.target,
                    operation: forward.operation,
                  }),
                }
              : {}),
          }),
        )
      }
      return { receipts }
    },
  })
}
