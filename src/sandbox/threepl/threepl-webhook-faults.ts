/** @module sandbox/threepl/threepl-webhook-faults — seeded faults on outbound webhooks: a delivery sent twice, one held back behind a newer event, one with a signature that does not verify. */

import { z } from 'zod'
import { seededRandom } from '../kit/seeded-random.ts'
import type { SeededRandom } from '../kit/seeded-random.ts'

export const WEBHOOK_FAULT_KINDS = ['duplicate', 'outOfOrder', 'badSignature'] as const
export type WebhookFaultKind = (typeof WEBHOOK_FAULT_KINDS)[number]

export interface WebhookFaultScenario {
  readonly seed: number
  /** Probability per delivery (one event to one endpoint); the rates sum to at most 1. */
  readonly faults: Readonly<Record<WebhookFaultKind, number>>
  /** Faults forced on the next deliveries, in order, before the rates apply. */
  readonly sequence: readonly (WebhookFaultKind | 'none')[]
  /** How long after the successful attempt the duplicate is sent (real ms). */
  readonly duplicateDelayMs: number
  /** The longest an out-of-order delivery waits for a newer one to overtake it (real ms). */
  readonly holdMs: number
}

const rate = z.number().min(0).max(1)
const input = z.strictObject({
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  faults: z
    .strictObject({
      duplicate: rate.optional(),
      outOfOrder: rate.optional(),
      badSignature: rate.optional(),
    })
    .optional(),
  sequence: z.array(z.enum([...WEBHOOK_FAULT_KINDS, 'none'])).optional(),
  duplicateDelayMs: z.number().int().min(0).max(600_000).optional(),
  holdMs: z.number().int().min(0).max(600_000).optional(),
})

export type WebhookFaultInput = z.input<typeof input>

export type WebhookFaultParse =
  | { readonly ok: true; readonly scenario: WebhookFaultScenario }
  | { readonly ok: false; readonly error: string }

/** Like POST /__sim/scenario: what is omitted takes the defaults, not the previous values. */
export function parseWebhookFaults(
  given: unknown,
  defaults: WebhookFaultScenario,
): WebhookFaultParse {
  const parsed = input.safeParse(given ?? {})
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) }
  const g = parsed.data
  const faults = { ...defaults.faults }
  for (const kind of WEBHOOK_FAULT_KINDS) faults[kind] = g.faults?.[kind] ?? faults[kind]
  const total = WEBHOOK_FAULT_KINDS.reduce((sum, k) => sum + faults[k], 0)
  if (total > 1 + 1e-9) return { ok: false, error: `webhook fault rates sum to ${total}, above 1` }
  return {
    ok: true,
    scenario: {
      seed: g.seed ?? defaults.seed,
      faults,
      sequence: g.sequence ?? defaults.sequence,
      duplicateDelayMs: g.duplicateDelayMs ?? defaults.duplicateDelayMs,
      holdMs: g.holdMs ?? defaults.holdMs,
    },
  }
}

export class WebhookFaultScript {
  readonly scenario: WebhookFaultScenario
  readonly #random: SeededRandom
  #decided = 0

  constructor(scenario: WebhookFaultScenario) {
    this.scenario = scenario
    // Salted so that the same seed gives the API faults and the webhook faults different streams.
    this.#random = seededRandom(scenario.seed).fork(0x3e1)
  }

  get decided(): number {
    return this.#decided
  }

  /** One draw per delivery whatever the outcome, so changing one rate does not shift the others' picks. */
  decide(): WebhookFaultKind | 'none' {
    const u = this.#random.next()
    const forced = this.scenario.sequence[this.#decided]
    this.#decided += 1
    if (forced !== undefined) return forced
    let edge = 0
    for (const kind of WEBHOOK_FAULT_KINDS) {
      edge += this.scenario.faults[kind]
      if (u < edge) return kind
    }
    return 'none'
  }
}
