/** @module reliability/load/load-report — one-line and Markdown summaries of open-model runs, for test logs and campaign reports. */

import type { OpenModelResult } from './open-model-load.ts'

/** A labelled run, one row of the Markdown table. */
export interface LoadReportRow {
  readonly label: string
  readonly result: OpenModelResult
}

/** Milliseconds with precision that suits their size: `0.042`, `3.71`, `20.4`, `312`. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0'
  if (ms < 1) return ms.toFixed(3)
  if (ms < 10) return ms.toFixed(2)
  if (ms < 100) return ms.toFixed(1)
  return ms.toFixed(0)
}

/** Outcome counts, most frequent first: `2xx=190 503=8 error:ECONNRESET=2`. */
export function formatOutcomes(byOutcome: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byOutcome).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k}=${n}`).join(' ')
}

/**
 * One line for a log: target and achieved rate, counts, the percentiles, outcomes and the
 * generator's own health (late starts mean its numbers understate the latency).
 */
export function formatLoadLine(result: OpenModelResult, label = 'open-model'): string {
  const l = result.latency
  const parts = [
    `${label}: ${result.ratePerSecond}/s for ${result.durationMs} ms`,
    `sent ${result.sent}/${result.scheduled} (achieved ${result.achievedRate.toFixed(1)}/s)`,
    `completed ${result.completed}`,
    ...(result.dropped > 0 ? [`dropped ${result.dropped}`] : []),
    ...(result.unfinished > 0 ? [`unfinished ${result.unfinished}`] : []),
    `latency ms p50 ${formatMs(l.percentile(50))} p90 ${formatMs(l.percentile(90))}` +
      ` p99 ${formatMs(l.percentile(99))} p99.9 ${formatMs(l.percentile(99.9))}` +
      ` max ${formatMs(l.max)}`,
    `outcomes ${formatOutcomes(result.byOutcome)}`,
    `late starts ${result.lateStarts} (max ${formatMs(result.maxStartDelayMs)} ms)`,
  ]
  return parts.join(' | ')
}

/** A Markdown table, one row per run, latencies in ms from the scheduled send time. */
export function formatLoadMarkdown(rows: readonly LoadReportRow[]): string {
  const header = [
    'run',
    'rate/s',
    'achieved/s',
    'sent',
    'completed',
    'dropped',
    'p50',
    'p90',
    'p99',
    'p99.9',
    'max',
    'late starts',
    'outcomes',
  ]
  const lines = [row(header), row(header.map((_, i) => (i === 0 || i === 12 ? '---' : '---:')))]
  for (const { label, result: r } of rows) {
    const l = r.latency
    lines.push(
      row([
        label.replaceAll('|', '\\|'),
        String(r.ratePerSecond),
        r.achievedRate.toFixed(1),
        String(r.sent),
        String(r.completed),
        String(r.dropped),
        formatMs(l.percentile(50)),
        formatMs(l.percentile(90)),
        formatMs(l.percentile(99)),
        formatMs(l.percentile(99.9)),
        formatMs(l.max),
        String(r.lateStarts),
        formatOutcomes(r.byOutcome),
      ]),
    )
  }
  return lines.join('\n')
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}
