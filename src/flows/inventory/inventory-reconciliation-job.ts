/** @module flows/inventory/inventory-reconciliation-job — the periodic inventory reconciliation: the 3PL's on-hand against each mirror, heal within policy, settle heals. */
import type { ThreePlClient } from '../../connectors/threepl/threepl-client.ts'
import type { HubEngine } from '../../engine/hub-engine.ts'
import {
  reconcile,
  settleHeals,
  type HealPort,
  type ReconcileOutcome,
} from '../../reconciliation/reconciler.ts'
import type { ReconciliationSide } from '../../reconciliation/reconciliation-port.ts'
import type { InventorySyncConfig } from './inventory-sync-config.ts'
import { engineHealPort } from './inventory-heal-port.ts'
import type { InventoryTargetPort } from './inventory-target-port.ts'
import { threePlInventorySide } from './threepl-inventory-side.ts'

export const INVENTORY_DOMAIN = 'inventory'

export interface InventoryReconciliationDeps {
  engine: HubEngine
  threepl: ThreePlClient
  targets: readonly InventoryTargetPort[]
  config: InventorySyncConfig
}

/**
 * One pass: per target, the 3PL (golden for on-hand) at the warehouses that target mirrors,
 * compared with the target's levels. Heals are started through the engine; call `settle` once
 * the engine has worked them off to move their breaks to healed.
 */
export async function reconcileInventory(
  deps: InventoryReconciliationDeps,
  signal?: AbortSignal,
): Promise<ReconcileOutcome[]> {
  const outcomes: ReconcileOutcome[] = []
  for (const leg of inventoryReconciliationLegs(deps)) {
    outcomes.push(
      await reconcile({
        store: deps.engine.store,
        tenantId: deps.engine.tenantId,
        clock: deps.engine.clock,
        domain: INVENTORY_DOMAIN,
        ...leg,
        tolerance: deps.config.tolerance,
        policy: deps.config.policy,
        pageSize: deps.config.pageSize,
        ...(signal === undefined ? {} : { signal }),
      }),
    )
  }
  return outcomes
}

/** One compare per target that mirrors any warehouse: what `reconcileInventory` runs, for a caller that opens the runs itself (the hub, under its run lock). */
export function inventoryReconciliationLegs(
  deps: Pick<InventoryReconciliationDeps, 'engine' | 'threepl' | 'targets' | 'config'>,
): { source: ReconciliationSide; target: ReconciliationSide; heal: HealPort }[] {
  return deps.targets.flatMap((target) => {
    const warehouses = Object.keys(deps.config.warehouses).filter((w) => target.handles(w))
    if (warehouses.length === 0) return []
    return [
      {
        source: threePlInventorySide(deps.threepl, warehouses),
        target: target.side(),
        heal: engineHealPort(deps.engine, target.system),
      },
    ]
  })
}

/** Moves breaks whose heal run finished to healed (or, if it died, to the policy's owner). */
export function settleInventoryHeals(deps: Pick<InventoryReconciliationDeps, 'engine' | 'config'>) {
  return settleHeals({
    store: deps.engine.store,
    tenantId: deps.engine.tenantId,
    clock: deps.engine.clock,
    policy: deps.config.policy,
  })
}
