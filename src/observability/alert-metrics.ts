/** @module observability/alert-metrics — the policies' alerts on /metrics: `syncline_alert_firing` and `syncline_alert_value` per domain and rule.
 *
 * The series mirror the alert loop's last evaluation (server/hub-alerting.ts) rather than reading
 * the store at scrape time, so /metrics, GET /api/v1/alerts and the logged transitions always agree.
 * Labels are the four policy domains and three rules: twelve series at most.
 */
import { Gauge, type Registry } from 'prom-client'
import type { AlertStatus } from '../policies/alert-evaluator.ts'

export function registerAlertMetrics(
  registry: Registry,
  current: () => readonly AlertStatus[],
): void {
  const registers = [registry]
  new Gauge({
    name: 'syncline_alert_firing',
    help: 'Whether the consistency policy alert is firing (1) or not (0), by domain and rule.',
    labelNames: ['domain', 'rule'] as const,
    registers,
    collect() {
      this.reset()
      for (const a of current()) this.set({ domain: a.domain, rule: a.rule }, a.firing ? 1 : 0)
    },
  })
  new Gauge({
    name: 'syncline_alert_value',
    help: 'The value the alert rule compares with its threshold: dead-lettered runs (dead_letters), age in ms of the oldest unprocessed run (max_lag), percent of finished runs that failed (failure_percent).',
    labelNames: ['domain', 'rule'] as const,
    registers,
    collect() {
      this.reset()
      for (const a of current()) this.set({ domain: a.domain, rule: a.rule }, a.value)
    },
  })
}
