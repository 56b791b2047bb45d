/** @module policies/consistency-policy-plan — what the engine runs for the policies: reconciliation jobs, alert rules and per-target governor budgets. */
import type { TargetLimits } from '../engine/target-gate.ts'
import {
  POLICY_DOMAINS,
  type AlertPolicy,
  type ConsistencyPolicies,
  type PolicyDomain,
  type SystemRole,
} from './consistency-policy-schema.ts'

export interface ReconciliationJob {
  domain: PolicyDomain
  everyMs: number
  /** Differences within both bounds are not mismatches. */
  tolerance: { units: number; percent: number }
  /** The side that wins when the two differ. */
  goldenSource: SystemRole
}

export interface AlertRule extends AlertPolicy {
  domain: PolicyDomain
}

export interface PolicyPlan {
  reconciliationJobs: ReconciliationJob[]
  alerts: AlertRule[]
  /**
   * Limits per system role, summed over the domains that use it: the composition root binds each
   * role to its connection's target (e.g. erp → `netsuite:1234567`) and configures the gate.
   */
  targetLimits: Partial<Record<SystemRole, Partial<TargetLimits>>>
}

export function planPolicies(policies: ConsistencyPolicies): PolicyPlan {
  const inventory = policies.inventory
  const reconciliationJobs: ReconciliationJob[] = [
    {
      domain: 'inventory',
      everyMs: inventory.reconciliation.everyMs,
      tolerance: inventory.reconciliation.tolerance,
      goldenSource: inventory.goldenSource,
    },
  ]
  const alerts = POLICY_DOMAINS.map((domain) => ({ domain, ...policies[domain].alerts }))
  const targetLimits: PolicyPlan['targetLimits'] = {}
  for (const domain of POLICY_DOMAINS) {
    for (const [role, budget] of Object.entries(policies[domain].budgets)) {
      const key = role as SystemRole
      const sum = targetLimits[key] ?? { concurrency: 0 }
      const perSecond = (sum.rate?.perSecond ?? 0) + (budget.perSecond ?? 0)
      targetLimits[key] = {
        concurrency: (sum.concurrency ?? 0) + budget.concurrency,
        ...(perSecond > 0 ? { rate: { perSecond } } : {}),
      }
    }
  }
  return { reconciliationJobs, alerts, targetLimits }
}
