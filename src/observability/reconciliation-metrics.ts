/** @module observability/reconciliation-metrics — reconciliation's business SLIs on /metrics: closure rate, unresolved breaks and their age, breaks by cause.
 *
 * Each scrape reads one summary from the store over a trailing window (reconciliationSlis), so
 * every hub process reports the database's figures. A failed read leaves the series empty for
 * that scrape (never stale numbers) and counts the failure. Labels are targets, break classes and
 * causes: a handful of values, never entity keys.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { ReconciliationSlis } from '../reconciliation/closure-sli.ts'

export type ReconciliationSliCollector = () => Promise<ReconciliationSlis>

export function registerReconciliationMetrics(
  registry: Registry,
  collect: ReconciliationSliCollector,
  options: { windowMs: number },
): void {
  const registers = [registry]
  // One read per scrape for all series: prom-client collects metrics in registration order, so
  // the window gauge (first) drops the last scrape's read and the next series starts this one's.
  let pending: Promise<ReconciliationSlis | null> | null = null
  let failed = 0
  const read = (): Promise<ReconciliationSlis | null> => {
    pending ??= collect().catch(() => {
      failed += 1
      return null
    })
    return pending
  }
  new Gauge({
    name: 'syncline_reconciliation_window_seconds',
    help: 'The trailing window the syncline_reconciliation_* series are computed over.',
    registers,
    collect() {
      pending = null
      this.set(options.windowMs / 1000)
    },
  })
  new Gauge({
    name: 'syncline_reconciliation_closure_ratio',
    help: 'Breaks opened in the window that are healed or closed, over all opened (1 when none).',
    registers,
    async collect() {
      this.reset()
      const s = await read()
      if (s) this.set(s.closureRate)
    },
  })
  new Gauge({
    name: 'syncline_reconciliation_breaks',
    help: 'Breaks opened in the window, by state group.',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      this.reset()
      const s = await read()
      if (!s) return
      this.set({ state: 'opened' }, s.opened)
      this.set({ state: 'closed' }, s.closed)
      this.set({ state: 'unresolved' }, s.unresolved)
    },
  })
  new Gauge({
    name: 'syncline_reconciliation_oldest_unresolved_seconds',
    help: 'Age of the oldest break not yet healed or closed (absent when none is open).',
    registers,
    async collect() {
      this.reset()
      const s = await read()
      if (s?.oldestUnresolvedAgeMs != null) this.set(s.oldestUnresolvedAgeMs / 1000)
    },
  })
  new Gauge({
    name: 'syncline_reconciliation_breaks_by_cause',
    help: 'Breaks opened in the window, by target, break class and cause.',
    labelNames: ['target', 'break_class', 'cause'] as const,
    registers,
    async collect() {
      this.reset()
      const s = await read()
      for (const c of s?.byCause ?? []) {
        this.set({ target: c.target, break_class: c.breakClass, cause: c.cause }, c.count)
      }
    },
  })
  // Registered last, so it reports this scrape's failure too.
  new Counter({
    name: 'syncline_reconciliation_collect_failures_total',
    help: 'Scrapes whose reconciliation summary could not be read from the store.',
    registers,
    async collect() {
      await read()
      this.reset()
      this.inc(failed)
    },
  })
}
