/** @module test/canonical/canonical-issues — what a refused canonical object says, as `path: message` lines a test can match. */
import type { z } from 'zod'

/** Parses `input` expecting a refusal; returns each issue as `path: message`. */
export function refusal(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input)
  if (result.success) throw new Error(`expected a refusal, parsed ${JSON.stringify(result.data)}`)
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
}
