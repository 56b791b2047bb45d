/** @module reconciliation/tolerance-rules — per-field tolerances: how far apart two readings may be and still agree. */
import { z } from 'zod'
import type { ComparableFields } from './reconciliation-port.ts'

/**
 * A numeric field agrees when |source − target| ≤ max(absolute, relative × |source|). Both
 * default to 0 (exact). Fields without a rule, and non-numeric fields, must be equal.
 */
export const ToleranceRule = z
  .object({
    field: z.string().min(1, 'name the field the tolerance applies to, e.g. "onHand"'),
    absolute: z
      .number()
      .min(0, 'absolute tolerance is a distance: use 0 or more, e.g. 2 units')
      .default(0),
    relative: z
      .number()
      .min(0, 'relative tolerance is a fraction: use 0 to 1, e.g. 0.01 for 1%')
      .max(1, 'relative tolerance is a fraction: use 0 to 1, e.g. 0.01 for 1%')
      .default(0),
  })
  .strict()
export type ToleranceRule = z.infer<typeof ToleranceRule>

export const ToleranceRules = z.array(ToleranceRule)
export type ToleranceRules = z.infer<typeof ToleranceRules>

export interface FieldDiff {
  readonly field: string
  readonly source: number | string | boolean | null
  readonly target: number | string | boolean | null
  /** |source − target| for numbers, else null. */
  readonly distance: number | null
}

/** The fields outside tolerance, in field-name order; empty when the records agree. */
export function fieldsOutsideTolerance(
  source: ComparableFields,
  target: ComparableFields,
  rules: readonly ToleranceRule[],
): FieldDiff[] {
  const byField = new Map(rules.map((r) => [r.field, r]))
  const names = [...new Set([...Object.keys(source), ...Object.keys(target)])].sort()
  const diffs: FieldDiff[] = []
  for (const field of names) {
    const s = source[field] ?? null
    const t = target[field] ?? null
    if (typeof s === 'number' && typeof t === 'number') {
      const distance = Math.abs(s - t)
      const rule = byField.get(field)
      const allowed = rule ? Math.max(rule.absolute, rule.relative * Math.abs(s)) : 0
      if (distance > allowed) diffs.push({ field, source: s, target: t, distance })
    } else if (s !== t) {
      diffs.push({ field, source: s, target: t, distance: null })
    }
  }
  return diffs
}
