/** @module policies/alert-evaluator — the policies' alert rules applied to run health: which alerts fire, and which changed.
 *
 * Pure: the hub's loop (server/hub-alerting.ts) reads the store, calls this with the previous
 * state, and logs and exports what comes back. A rule changes state only when its condition
 * flips, so an alert that stays above its threshold is reported once, not at every evaluation.
 */
import type { AlertRule } from './consistency-policy-plan.ts'
import type { PolicyDomain } from './consistency-policy-schema.ts'

export const ALERT_RULE_NAMES = ['dead_letters', 'max_lag', 'failure_percent'] as const
export type AlertRuleName = (typeof ALERT_RULE_NAMES)[number]

/** One domain's runs as the rules see them. */
export interface DomainHealth {
  /** Runs dead-lettered now. */
  deadRuns: number
  /** Age of the oldest unprocessed run, ms; 0 when nothing waits. */
  oldestUnprocessedAgeMs: number
  /** Runs finished in the trailing window, and how many of them failed. */
  finished: number
  failed: number
}

/** One flow's health row, as the store reports it (store/flow-health-params.ts). */
export interface FlowHealthRow {
  flowName: string
  deadRuns: number
  oldestUnprocessedAt: number | null
  finished: number
  failed: number
}

export interface AlertStatus {
  domain: PolicyDomain
  rule: AlertRuleName
  firing: boolean
  /** Dead runs; lag in ms; failed share in percent (0 when nothing finished). */
  value: number
  threshold: number
  /** Epoch ms since which the alert has been in its current state (firing or not). */
  since: number
}

const EMPTY: DomainHealth = { deadRuns: 0, oldestUnprocessedAgeMs: 0, finished: 0, failed: 0 }

/**
 * Sums flows into their domains. `domainOf` answers null for a flow that serves no domain (not
 * alerted on); lag is the oldest of the domain's flows.
 */
export function healthByDomain(
  rows: readonly FlowHealthRow[],
  domainOf: (flowName: string) => PolicyDomain | null,
  now: number,
): Map<PolicyDomain, DomainHealth> {
  const byDomain = new Map<PolicyDomain, DomainHealth>()
  for (const row of rows) {
    const domain = domainOf(row.flowName)
    if (domain === null) continue
    const sum = byDomain.get(domain) ?? EMPTY
    const age = row.oldestUnprocessedAt === null ? 0 : Math.max(0, now - row.oldestUnprocessedAt)
    byDomain.set(domain, {
      deadRuns: sum.deadRuns + row.deadRuns,
      oldestUnprocessedAgeMs: Math.max(sum.oldestUnprocessedAgeMs, age),
      finished: sum.finished + row.finished,
      failed: sum.failed + row.failed,
    })
  }
  return byDomain
}

/** Value and threshold of each rule; "fires" is at or above the threshold except lag ("older than"). */
function measure(rule: AlertRule, health: DomainHealth) {
  const failedPercent = health.finished === 0 ? 0 : (100 * health.failed) / health.finished
  return [
    {
      rule: 'dead_letters',
      value: health.deadRuns,
      threshold: rule.deadLetters,
      firing: health.deadRuns >= rule.deadLetters,
    },
    {
      rule: 'max_lag',
      value: health.oldestUnprocessedAgeMs,
      threshold: rule.maxLagMs,
      firing: health.oldestUnprocessedAgeMs > rule.maxLagMs,
    },
    {
      rule: 'failure_percent',
      value: Math.round(failedPercent * 100) / 100,
      threshold: rule.failurePercent,
      // Without a finished run there is no share to judge.
      firing: health.finished > 0 && failedPercent >= rule.failurePercent,
    },
  ] as const satisfies ReadonlyArray<Omit<AlertStatus, 'domain' | 'since'>>
}

export interface AlertEvaluation {
  /** Every (domain, rule), in the order of the rules. */
  alerts: AlertStatus[]
  /** The alerts whose firing state changed in this evaluation (a first evaluation that fires counts). */
  transitions: AlertStatus[]
}

export function evaluateAlerts(input: {
  rules: readonly AlertRule[]
  health: ReadonlyMap<PolicyDomain, DomainHealth>
  previous: readonly AlertStatus[]
  now: number
}): AlertEvaluation {
  const before = new Map(input.previous.map((a) => [`${a.domain}|${a.rule}`, a]))
  const alerts: AlertStatus[] = []
  const transitions: AlertStatus[] = []
  for (const rule of input.rules) {
    for (const m of measure(rule, input.health.get(rule.domain) ?? EMPTY)) {
      const last = before.get(`${rule.domain}|${m.rule}`)
      const changed = last === undefined ? m.firing : last.firing !== m.firing
      const status: AlertStatus = {
        domain: rule.domain,
        ...m,
        since: last === undefined || changed ? input.now : last.since,
      }
      alerts.push(status)
      if (changed) transitions.push(status)
    }
  }
  return { alerts, transitions }
}
