/** @module test/bench/benchmark-report — the generated table: ratios to same-run baselines,
 * target verdicts, and the hand-written findings carried into docs/benchmarks.md. */
import { describe, expect, it } from 'vitest'
import type { BenchFigure, BenchRun, BenchTarget } from '../../bench/harness/bench-contract.ts'
import {
  findingsSection,
  renderBenchmarkReport,
  targetVerdict,
} from '../../bench/harness/benchmark-report.ts'

const run: BenchRun = {
  startedAt: '2026-11-28T04:00:00.000Z',
  finishedAt: '2026-11-28T04:25:00.000Z',
  quick: false,
  command: 'npm run bench',
  machine: {
    cpus: 2,
    cpuModel: 'Test CPU',
    memoryGiB: 24,
    node: 'v20.20.2',
    postgres: '15.14',
    synchronousCommit: 'on',
  },
  workloads: [
    {
      id: 'W0',
      title: 'Limits',
      durationMs: 20_000,
      notes: [],
      figures: [
        { key: 'w0.pg.insert-8', label: 'inserts/s, 8 connections', value: 10_000, unit: '/s' },
      ],
    },
    {
      id: 'W1',
      title: 'Ingest',
      durationMs: 60_000,
      notes: ['1 KB orders'],
      figures: [
        {
          key: 'w1.1kb.sustainable',
          label: 'webhooks/s acknowledged',
          value: 2_000,
          unit: '/s',
          baseline: 'w0.pg.insert-8',
          target: {
            op: '>=',
            timesFigure: { key: 'w0.pg.insert-8', times: 1 },
            text: '≥ the insert ceiling',
          },
        },
      ],
    },
  ],
}

const method = `# Benchmarks: method

## Workloads

- W0.

## Findings so far

- **The hub pays per statement.** A profile says so.

## Later section

not carried
`

describe('benchmark report', () => {
  it('prints each figure beside its same-run baseline, the ratio, and a missed target by how much', () => {
    const report = renderBenchmarkReport(run)
    expect(report).toContain('Machine: 2 cores (Test CPU), 24 GiB, Node v20.20.2, PostgreSQL 15.14')
    expect(report).toContain('Reproduce: `npm run bench`')
    expect(report).toMatch(
      /\| webhooks\/s acknowledged \| 2,000 \/s \| inserts\/s, 8 connections: 10,000 \/s \| 0\.2× \| ≥ the insert ceiling: \*\*missed by 80%\*\*/,
    )
    expect(report).toContain('(a baseline itself)')
  })

  it("carries the method's findings section, and only it, into the report", () => {
    const findings = findingsSection(method)
    expect(findings).toBe(
      '## Findings so far\n\n- **The hub pays per statement.** A profile says so.',
    )
    const report = renderBenchmarkReport(run, findings)
    expect(report).toContain(
      '## Findings (from benchmarks-method.md)\n\n- **The hub pays per statement.**',
    )
    expect(report).not.toContain('not carried')
    expect(findingsSection('# no findings here')).toBeUndefined()
  })
})

describe('targets against zero', () => {
  const figure = (value: number, target: BenchTarget): BenchFigure => ({
    key: 'x',
    label: 'x',
    value,
    unit: 'count',
    target,
  })
  const peer: BenchFigure = { key: 'peer.rate', label: 'peer', value: 0, unit: '/s' }
  const byKey = new Map([[peer.key, peer]])

  it('judges an absolute zero target ("0 duplicates") instead of calling it unmeasured', () => {
    const none: BenchTarget = { op: '<=', value: 0, text: 'exactly once' }
    expect(targetVerdict(figure(0, none), byKey)).toBe('exactly once: met')
    expect(targetVerdict(figure(3, none), byKey)).toBe('exactly once: **missed** (target 0 count)')
  })

  it('reports no ratio when the figure a target multiplies measured 0', () => {
    const times: BenchTarget = {
      op: '>=',
      timesFigure: { key: 'peer.rate', times: 20 },
      text: '≥ 20× the peer',
    }
    expect(targetVerdict(figure(50, times), byKey)).toBe(
      '≥ 20× the peer: peer.rate measured 0 in this run, so there is no ratio',
    )
    expect(targetVerdict(figure(50, times), new Map())).toBe(
      '≥ 20× the peer: not measured in this run',
    )
  })
})
