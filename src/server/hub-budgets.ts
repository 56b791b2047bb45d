/** @module server/hub-budgets — the policies' governor budgets bound to the targets the hub calls.
 *
 * Each domain's budget for a system role (e.g. orders → erp: 8 in flight) becomes a budget gate
 * at every target playing that role (e.g. `netsuite:1234567`), and each flow that declares the
 * domain passes it on top of the target's own limits (engine/budget-gates.ts). A target without a
 * role, or a flow without a domain, is under no budget.
 */
import type { Logger } from 'pino'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { TargetGates } from '../engine/target-gate.ts'
import type { DomainBudget } from '../policies/consistency-policy-plan.ts'
import { POLICY_DOMAINS } from '../policies/consistency-policy-schema.ts'
import type { GovernedTarget } from './hub-governed-target.ts'

export function applyDomainBudgets(parts: {
  gates: TargetGates
  budgets: readonly DomainBudget[]
  targets: readonly GovernedTarget[]
  flows: readonly FlowDefinition[]
  logger: Logger
}): void {
  const { gates, logger } = parts
  for (const flow of parts.flows) {
    const domain = POLICY_DOMAINS.find((d) => d === flow.domain)
    if (domain !== undefined) gates.budgets.assign(flow.name, domain)
  }
  // Two bindings may list one target (one ERP account for orders and customers): once each.
  const targets = new Map(parts.targets.map((t) => [t.key, t]))
  for (const budget of parts.budgets) {
    for (const target of targets.values()) {
      if (target.role !== budget.role) continue
      gates.budgets.configure(target.key, budget.domain, {
        concurrency: budget.concurrency,
        ...(budget.perSecond === undefined ? {} : { rate: { perSecond: budget.perSecond } }),
      })
      logger.info(
        {
          target: target.key,
          domain: budget.domain,
          concurrency: budget.concurrency,
          deliveriesPerSecond: budget.perSecond ?? null,
        },
        'domain budget governed',
      )
    }
  }
}
