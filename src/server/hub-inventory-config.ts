/** @module server/hub-inventory-config — the `threepl-inventory` flow binding: its fields as data and the checks that need the rest of the config, each printing the fix. */
import { z } from 'zod'
import { InventorySyncConfig } from '../flows/inventory/inventory-sync-config.ts'

export const THREEPL_INVENTORY = 'threepl-inventory'

const connectionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, e.g. "demo"')

/**
 * Inventory (docs/processes.md §3): the 3PL's `inventory.adjusted` events set the levels in
 * NetSuite and Shopify at the mapped locations; `policies.inventory.reconciliation` compares them
 * with the 3PL's on hand on its schedule and heals within `policy`.
 */
export const InventoryFlowBinding = z.strictObject({
  flow: z.literal(THREEPL_INVENTORY),
  threeplConnection: connectionName,
  erp: z.literal('netsuite', {
    error: 'expected "netsuite": stock levels are set in the NetSuite way (inventory adjustments)',
  }),
  erpConnection: connectionName,
  /** Needed when a warehouse maps a `shopifyLocationId`. */
  shopifyConnection: connectionName.optional(),
  warehouses: InventorySyncConfig.shape.warehouses,
  policy: InventorySyncConfig.shape.policy.prefault({ assignee: 'inventory-ops' }),
  pageSize: InventorySyncConfig.shape.pageSize,
})
export type InventoryFlowBinding = z.output<typeof InventoryFlowBinding>

type Kind = 'shopify' | 'netsuite' | 'threepl'

/** What is wrong with the config's inventory bindings, as `  - <path>: <fix>` lines. */
export function inventoryBindingProblems(config: {
  connections: Record<Kind, Record<string, unknown>>
  flows: readonly { flow: string }[]
}): string[] {
  const problems: string[] = []
  const check = (path: string, kind: Kind, label: string, name: string) => {
    const known = Object.keys(config.connections[kind])
    if (known.includes(name)) return
    problems.push(
      `  - ${path}: no ${label} connection named "${name}"; known: ${known.join(', ') || '(none)'} (define it under connections.${kind})`,
    )
  }
  let first: number | undefined
  for (const [i, flow] of config.flows.entries()) {
    if (flow.flow !== THREEPL_INVENTORY) continue
    const binding = flow as InventoryFlowBinding
    if (first !== undefined) {
      // The levels have one golden source: a second binding would set them twice, from two 3PLs.
      problems.push(
        `  - flows[${i}]: flows[${first}] already binds ${THREEPL_INVENTORY}; map this binding's warehouses in flows[${first}].warehouses instead`,
      )
      continue
    }
    first = i
    check(`flows[${i}].threeplConnection`, 'threepl', '3PL', binding.threeplConnection)
    check(`flows[${i}].erpConnection`, 'netsuite', 'NetSuite', binding.erpConnection)
    if (binding.shopifyConnection !== undefined) {
      check(`flows[${i}].shopifyConnection`, 'shopify', 'Shopify', binding.shopifyConnection)
    }
    for (const [warehouse, m] of Object.entries(binding.warehouses)) {
      const path = `flows[${i}].warehouses.${warehouse}`
      if (m.netsuiteLocation === undefined && m.shopifyLocationId === undefined) {
        problems.push(
          `  - ${path}: mirrors the warehouse nowhere; give it a netsuiteLocation (e.g. "${warehouse}") and/or a shopifyLocationId (e.g. "655441491"), or remove it`,
        )
      }
      if (m.shopifyLocationId !== undefined && binding.shopifyConnection === undefined) {
        problems.push(
          `  - ${path}.shopifyLocationId: no Shopify connection to set it in; add flows[${i}].shopifyConnection (e.g. "demo")`,
        )
      }
    }
  }
  return problems
}
