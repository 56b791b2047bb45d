import { describe, expect, it } from 'vitest'
import { renderReliabilityReport } from '../../../src/reliability/report/reliability-report.ts'
import type { ReliabilityResult } from '../../../src/reliability/report/reliability-result.ts'

function result(test: string, tier: number, seed: number, passed = true): ReliabilityResult {
  return {
    test,
    name: `test ${test}`,
    tier,
    seed,
    passed,
    events: 1_000,
    faults: { kill9: 3 },
    lost: 0,
    duplicated: passed ? 0 : 2,
    stale: 0,
    stuck: 0,
    regressions: 0,
    recoveryMs: null,
    peakRssMb: 200,
    durationMs: 1_000,
    notes: [],
    command: 'npx vitest run',
    finishedAt: '2026-11-27T00:00:00.000Z',
  }
}

const context = { machine: 'test machine', generatedAt: '2026-11-27T00:00:00.000Z' }

describe('reliability report', () => {
  it('orders rows by tier, test number and seed, and names the tests it lacks', () => {
    const report = renderReliabilityReport(
      [result('14', 1, 14), result('2', 2, 1002), result('2', 1, 2), result('2', 2, 2)],
      context,
    )
    const rows = report.split('\n').filter((l) => /^\| \d/.test(l))
    expect(
      rows.map((r) => r.split('|').map((c) => c.trim())[1] + '/' + r.split('|').at(-2)?.trim()),
    ).toEqual(['2/2', '14/14', '2/2', '2/1002'])
    expect(report).toContain('Not in this report: 1, 3,')
  })

  it('shows how many of the 5 tier-2 seeds each test has recorded, failures included', () => {
    const report = renderReliabilityReport(
      [result('1', 2, 1), result('1', 2, 1001, false), result('2', 2, 2)],
      context,
    )
    expect(report).toContain(
      '- Test 1: 2 of 5 seeds recorded, 1 passed; 2,000 events, 0 lost, 2 duplicated (seeds 1, 1001)',
    )
    expect(report).toContain('- Test 2: 1 of 5 seeds recorded, 1 passed')
  })

  it('says tier 2 is not recorded when only tier 1 ran', () => {
    expect(renderReliabilityReport([result('1', 1, 1)], context)).toContain(
      'Tier 2 (full sizes, 5 seeds): not recorded.',
    )
  })
})
