/** @module observability/summary-line — the one human line the hub prints every so often. */
import type { EngineSummary } from './engine-metrics.ts'

const count = new Intl.NumberFormat('en-US')

/** `840 ms` below ten seconds, `12.4 s` above: the unit a reader compares at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${count.format(Math.round(ms))} ms`
  return `${(ms / 1000).toFixed(1)} s`
}

/** `3h 05m`, `12m 07s` or `42s`: uptime only needs its two largest units. */
export function formatUptime(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (hours > 0) return `${hours}h ${pad(minutes)}m`
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`
  return `${seconds}s`
}

export function formatSummaryLine(summary: EngineSummary, uptimeMs: number): string {
  const p95 = summary.p95PropagationMs === null ? 'n/a' : formatDuration(summary.p95PropagationMs)
  return [
    `up ${formatUptime(uptimeMs)}`,
    `received ${count.format(summary.received)}`,
    `duplicates ${count.format(summary.duplicates)}`,
    `delivered ${count.format(summary.delivered)}`,
    `retrying ${count.format(summary.retrying)}`,
    `dead-lettered ${count.format(summary.deadLettered)}`,
    `p95 propagation ${p95}`,
  ].join(' · ')
}
