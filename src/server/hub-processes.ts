/** @module server/hub-processes — every business process the config binds: its flows, the targets they govern, and the loops that feed or check them.
 *
 * The flow bindings (orders, order to cash, the fulfilment saga, inventory) come from hub-flows;
 * the processes with a loop of their own (the customer master's change subscription, the
 * settlement extract, the reconciliation jobs) are started here once the engine exists, and
 * stopped before it, so the work in hand is committed first.
 */
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import type { PolicyPlan } from '../policies/consistency-policy-plan.ts'
import type { Store } from '../store/store-contract.ts'
import { applyDomainBudgets } from './hub-budgets.ts'
import type { HubConfig } from './hub-config.ts'
import type { ResolvedConnections } from './hub-connections.ts'
import { customerMasterBindings } from './hub-customer-master.ts'
import { financialPostingsBindings } from './hub-financial-postings.ts'
import { buildFlows, type SliOperations } from './hub-flows.ts'
import type { GovernedTarget } from './hub-governed-target.ts'
import { inventoryReconciliationJob } from './hub-inventory.ts'
import { orderReconciliationJob } from './hub-order-reconciliation.ts'
import { startHubReconciliation, type HubReconciliation } from './hub-reconciliation.ts'

export interface HubProcesses {
  flows: FlowDefinition[]
  targets: GovernedTarget[]
  sli: SliOperations
  /**
   * Starts the processes' own loops on `engine`; returns their stops (to run before the engine's)
   * and the reconciliation jobs the operator API triggers.
   */
  start(engine: HubEngine): { stops: Array<() => Promise<void>>; reconciliation: HubReconciliation }
}

export function composeProcesses(parts: {
  config: HubConfig
  connections: ResolvedConnections
  store: Store
  clock: Clock
  logger: Logger
}): HubProcesses {
  const { config, connections, store, clock, logger } = parts
  const tenantId = config.tenantId
  // One copy of each OAuth token for every hub process on the store, refreshed by one at a time.
  const sharedTokens: SharedTokenStore = {
    tokenGet: (p) => store.credentialTokenGet({ tenantId, ...p }),
    tokenPut: (p) => store.credentialTokenPut({ tenantId, ...p }),
    refreshLock: (p, work) => store.credentialTokenLock({ tenantId, ...p }, work),
  }
  const { flows, targets, sli } = buildFlows(connections, clock, sharedTokens)
  const context = {
    connections,
    policies: config.policies,
    store,
    sharedTokens,
    tenantId,
    clock,
    logger,
  }
  const customerMaster = customerMasterBindings(context)
  const postings = financialPostingsBindings(context)
  for (const more of [customerMaster, postings]) {
    flows.push(...more.flows)
    // A connection bound by two processes is one target with one governor.
    targets.push(...more.targets.filter((t) => !targets.some((known) => known.key === t.key)))
  }
  return {
    flows,
    targets,
    sli,
    start(engine) {
      const stops: Array<() => Promise<void>> = []
      for (const cdc of customerMaster.subscribe(engine)) stops.push(() => cdc.stop())
      for (const extract of postings.start(engine)) stops.push(() => extract.stop())
      const reconciliation = startHubReconciliation({
        engine,
        logger,
        jobs: [
          orderReconciliationJob({ config, connections, engine, clock, sharedTokens }),
          inventoryReconciliationJob({ config, connections, engine, clock, sharedTokens }),
        ].flatMap((job) => job ?? []),
      })
      stops.push(() => reconciliation.stop())
      return { stops, reconciliation }
    },
  }
}

/**
 * Configures each target's gate from the limits the account reports (or the connection's own
 * caps when it cannot be read), then the domains' budgets on top.
 */
export async function governTargets(parts: {
  engine: HubEngine
  targets: readonly GovernedTarget[]
  flows: readonly FlowDefinition[]
  budgets: PolicyPlan['budgets']
  logger: Logger
}): Promise<void> {
  const { engine, logger } = parts
  for (const target of parts.targets) {
    const limit = await target.concurrencyLimit().catch((error: unknown) => {
      logger.warn(
        { err: error, target: target.key },
        'could not read the target limits; using the default',
      )
      return undefined
    })
    const concurrency = limit ?? target.configured.concurrency
    const perSecond = target.configured.deliveriesPerSecond
    engine.gates.configure(target.key, {
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(perSecond === undefined ? {} : { rate: { perSecond } }),
    })
    logger.info(
      {
        target: target.key,
        concurrency: engine.gates.governor(target.key).limit,
        deliveriesPerSecond: engine.gates.rateLimit(target.key)?.perSecond ?? null,
      },
      'target governed',
    )
  }
  applyDomainBudgets({
    gates: engine.gates,
    budgets: parts.budgets,
    targets: parts.targets,
    flows: parts.flows,
    logger,
  })
}
