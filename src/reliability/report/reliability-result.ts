/** @module reliability/report/reliability-result — what one campaign test reports, as data.
 *
 * Tests write one JSON file each; the report generator turns the folder into
 * docs/reliability.md, so every figure in the report comes from a run, none is typed by hand.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

export const ReliabilityResult = z.object({
  /** The campaign's test number (reliability-campaign.md §C2), e.g. "1" or "13a". */
  test: z.string(),
  name: z.string(),
  tier: z.number().int().min(1).max(3),
  seed: z.number().int(),
  passed: z.boolean(),
  events: z.number().int(),
  /** Faults injected by kind, e.g. `{ kill9: 5, commitThenDrop: 41 }`. */
  faults: z.record(z.string(), z.number()),
  lost: z.number().int(),
  duplicated: z.number().int(),
  stale: z.number().int(),
  stuck: z.number().int(),
  regressions: z.number().int(),
  recoveryMs: z.object({ p50: z.number(), max: z.number() }).nullable(),
  peakRssMb: z.number().nullable(),
  durationMs: z.number(),
  /** Anything else the test measured, shown in the details section. */
  notes: z.array(z.string()).default([]),
  command: z.string(),
  finishedAt: z.string(),
  /**
   * The code measured: the commit, with `+changes` when src/, bin/ or test/ differed from it.
   * Tier 2 spans sittings; this says which results a code change has made stale.
   */
  commit: z.string().optional(),
})
export type ReliabilityResult = z.infer<typeof ReliabilityResult>

export function writeReliabilityResult(dir: string, result: ReliabilityResult): void {
  mkdirSync(dir, { recursive: true })
  // One file per test and seed: tier 2 runs every test under several seeds.
  const file = join(dir, `test-${result.test.padStart(3, '0')}-seed-${result.seed}.json`)
  writeFileSync(file, `${JSON.stringify(ReliabilityResult.parse(result), null, 2)}\n`)
}

export function readReliabilityResults(dir: string): ReliabilityResult[] {
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  return files
    .sort()
    .map((f) => ReliabilityResult.parse(JSON.parse(readFileSync(join(dir, f), 'utf8'))))
}
