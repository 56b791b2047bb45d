/** @module flows/inventory/threepl-inventory-side — the 3PL's stock snapshot as reconciliation's golden source, per set of warehouses. */
import type { ThreePlClient } from '../../connectors/threepl/threepl-client.ts'
import type { InventoryLevel } from '../../canonical/index.ts'
import { digestOf } from '../../reconciliation/field-hash.ts'
import type { ReconciliationSide, ReconRecord } from '../../reconciliation/reconciliation-port.ts'
import { levelKey, splitLevelKey } from './inventory-sync-config.ts'

/** GET /v1/inventory serves at most 200 rows a page; the client pages with it. */
const THREEPL_PAGE_LIMIT = 200

const recordOf = (l: InventoryLevel): ReconRecord => ({
  key: levelKey(l.sku, l.locationId),
  fields: { onHand: l.onHand },
})

/**
 * On hand at `warehouses` (those mirrored in the target being reconciled). The snapshot is read
 * once per compare (count, then digests) and the confirming fetch reads the chosen SKUs anew.
 */
export function threePlInventorySide(
  client: ThreePlClient,
  warehouses: readonly string[],
): ReconciliationSide {
  let snapshot: Promise<ReconRecord[]> | undefined
  const read = (signal: AbortSignal): Promise<ReconRecord[]> => {
    snapshot ??= (async () => {
      const out: ReconRecord[] = []
      for (const warehouse of warehouses) {
        const s = await client.inventorySnapshot({ warehouse, signal })
        out.push(...s.levels.map(recordOf))
      }
      return out
    })()
    return snapshot
  }
  return {
    system: 'threepl',
    maxPageSize: THREEPL_PAGE_LIMIT,
    count: async (signal) => (await read(signal)).length,
    async *digests(pageSize, signal) {
      const all = await read(signal)
      for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize).map(digestOf)
    },
    async fetch(keys, signal) {
      const byWarehouse = new Map<string, string[]>()
      for (const k of keys) {
        const { sku, warehouse } = splitLevelKey(k)
        if (warehouses.includes(warehouse)) {
          byWarehouse.set(warehouse, [...(byWarehouse.get(warehouse) ?? []), sku])
        }
      }
      const wanted = new Set(keys)
      const out: ReconRecord[] = []
      for (const [warehouse, skus] of byWarehouse) {
        const s = await client.inventorySnapshot({ warehouse, skus, signal })
        out.push(...s.levels.map(recordOf).filter((r) => wanted.has(r.key)))
      }
      return out
    },
  }
}
