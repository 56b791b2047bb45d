/** @module reconciliation/heal-policy — which breaks the hub repairs by itself and which go to a person. */
import { z } from 'zod'
import { BREAK_CLASSES, type BreakClass, type NewBreak } from '../store/store-contract.ts'

export const HealPolicy = z
  .object({
    /** Break classes repaired automatically (through the engine's delivery path). */
    autoHeal: z
      .array(z.enum(BREAK_CLASSES, { error: `use any of ${BREAK_CLASSES.join(', ')}` }))
      .default(['missing_in_target', 'field_mismatch']),
    /**
     * A field mismatch whose largest difference exceeds this is not healed blindly but assigned:
     * a big jump is more often a real event (a count, a receipt) than drift. Null: no ceiling.
     */
    maxAutoHealDiff: z
      .number()
      .min(0, 'maxAutoHealDiff is a number of units, 0 or more; null for no ceiling')
      .nullable()
      .default(null),
    /** Who gets the breaks not healed automatically. */
    assignee: z.string().min(1, 'name the person or queue that owns unhealed breaks, e.g. "ops"'),
  })
  .strict()
export type HealPolicy = z.infer<typeof HealPolicy>

export const HEAL_DECISIONS = ['heal', 'assign'] as const
export type HealDecision = (typeof HEAL_DECISIONS)[number]

export function decideHeal(policy: HealPolicy, found: NewBreak): HealDecision {
  if (!(policy.autoHeal as readonly BreakClass[]).includes(found.breakClass)) return 'assign'
  if (
    found.breakClass === 'field_mismatch' &&
    policy.maxAutoHealDiff !== null &&
    (found.diff === null || found.diff > policy.maxAutoHealDiff)
  ) {
    return 'assign'
  }
  return 'heal'
}
