/** @module flows/inventory/netsuite-stock-target — NetSuite as a mirror of the 3PL's on-hand: levels set by inventoryAdjustment, read over SuiteQL for reconciliation. */
import { createHash } from 'node:crypto'
import type { NetSuiteInventoryClient } from '../../connectors/netsuite/netsuite-inventory-client.ts'
import { SUITEQL_MAX_PAGE_SIZE } from '../../connectors/netsuite/netsuite-suiteql.ts'
import { digestOf } from '../../reconciliation/field-hash.ts'
import type { ReconciliationSide, ReconRecord } from '../../reconciliation/reconciliation-port.ts'
import { levelKey, splitLevelKey, type WarehouseMapping } from './inventory-sync-config.ts'
import type { InventoryTargetPort, LevelToSet } from './inventory-target-port.ts'

/**
 * The adjustment's external id, derived from what the change is (key and ref), so the read-before-
 * retry can find it without the idempotency key and a repeat upserts the same adjustment.
 */
export function adjustmentExternalId(level: LevelToSet): string {
  const digest = createHash('sha256')
    .update(`${levelKey(level.sku, level.warehouse)}|${level.ref}`)
    .digest('hex')
  return `SYNCLINE-ADJ-${digest.slice(0, 32)}`
}

export function createNetSuiteStockTarget(options: {
  client: NetSuiteInventoryClient
  /** The governed account, e.g. `netsuite:TSTDRV1`. */
  target: string
  warehouses: Readonly<Record<string, WarehouseMapping>>
}): InventoryTargetPort {
  const { client } = options
  const locationOf = new Map<string, string>()
  const warehouseOf = new Map<string, string>()
  for (const [warehouse, m] of Object.entries(options.warehouses)) {
    if (m.netsuiteLocation === undefined) continue
    locationOf.set(warehouse, m.netsuiteLocation)
    warehouseOf.set(m.netsuiteLocation, warehouse)
  }
  const location = (warehouse: string): string => {
    const found = locationOf.get(warehouse)
    if (found === undefined) throw new Error(`warehouse ${warehouse} has no NetSuite location`)
    return found
  }
  const record = (sku: string, warehouse: string, onHand: number): ReconRecord => ({
    key: levelKey(sku, warehouse),
    fields: { onHand },
  })

  const side: ReconciliationSide = {
    system: 'netsuite',
    maxPageSize: SUITEQL_MAX_PAGE_SIZE,
    async count(signal) {
      let n = 0
      for await (const page of client.levelPages([...warehouseOf.keys()], 1000, signal)) {
        n += page.length
      }
      return n
    },
    async *digests(pageSize, signal) {
      for await (const page of client.levelPages([...warehouseOf.keys()], pageSize, signal)) {
        yield page.flatMap((r) => {
          const warehouse = warehouseOf.get(r.location)
          return warehouse === undefined
            ? []
            : [digestOf(record(r.sku, warehouse, r.quantityOnHand))]
        })
      }
    },
    async fetch(keys, signal) {
      const byWarehouse = new Map<string, string[]>()
      for (const k of keys) {
        const { sku, warehouse } = splitLevelKey(k)
        if (!locationOf.has(warehouse)) continue
        byWarehouse.set(warehouse, [...(byWarehouse.get(warehouse) ?? []), sku])
      }
      const out: ReconRecord[] = []
      for (const [warehouse, skus] of byWarehouse) {
        for (const r of await client.levelsOf(skus, location(warehouse), signal)) {
          out.push(record(r.sku, warehouse, r.quantityOnHand))
        }
      }
      return out
    },
  }

  return {
    system: 'netsuite',
    handles: (warehouse) => locationOf.has(warehouse),
    side: () => side,
    setLevel(level, entityVersion) {
      const externalId = adjustmentExternalId(level)
      return {
        target: options.target,
        operation: 'inventoryLevel.set',
        businessKey: levelKey(level.sku, level.warehouse),
        version: level.ref,
        ...(entityVersion === undefined ? {} : { entityVersion }),
        perform: async ({ idempotencyKey, signal }) => {
          const result = await client.setOnHand(
            {
              sku: level.sku,
              location: location(level.warehouse),
              quantityOnHand: level.onHand,
              externalId,
              memo: `Syncline: ${level.warehouse} on hand ${level.onHand} (${level.ref})`,
            },
            { idempotencyKey, signal },
          )
          return { ...result, externalId }
        },
        lookup: async ({ signal }) => {
          const found = await client.findAdjustment(externalId, signal)
          return found === null ? null : { ...found, externalId }
        },
      }
    },
  }
}
