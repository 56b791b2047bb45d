/** @module policies/consistency-policy-plan — what the engine runs for the policies: reconciliation jobs, alert rules and each domain's governor budgets. */
import {
  POLICY_DOMAINS,
  SYSTEM_ROLES,
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

/**
 * How hard one domain's flows may press the system in `role`: a cap on the domain's share of that
 * system's target, passed on top of the target's own limits (the account's). Never summed across
 * domains: a domain without `perSecond` has no rate cap of its own, and adding the domains' rates
 * would throttle it to the others' sum.
 */
export interface DomainBudget {
  domain: PolicyDomain
  role: SystemRole
  /** Calls of the domain's flows in flight at once to the target. */
  concurrency: number
  /** Calls of the domain's flows per second to the target; absent: no rate cap of the domain's own. */
  perSecond?: number
}

export interface PolicyPlan {
  reconciliationJobs: ReconciliationJob[]
  alerts: AlertRule[]
  /**
   * One per (domain, role) the policies name: the composition root binds each role to its
   * connections' targets (e.g. erp → `netsuite:1234567`) and gives the domain's flows a budget
   * gate there.
   */
  budgets: DomainBudget[]
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
  const budgets: DomainBudget[] = []
  for (const domain of POLICY_DOMAINS) {
    for (const role of SYSTEM_ROLES) {
      const budget = policies[domain].budgets[role]
      if (budget === undefined) continue
      budgets.push({
        domain,
        role,
        concurrency: budget.concurrency,
        ...(budget.perSecond === undefined ? {} : { perSecond: budget.perSecond }),
      })
    }
  }
  return { reconciliationJobs, alerts, budgets }
}
