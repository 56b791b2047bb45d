/** @module flows/inventory/inventory-target-port — a system whose stock levels mirror the 3PL's: how a level is set there, as one idempotent delivery. */
import type { DeliverySpec } from '../../engine/flow-definition.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import type { ReconciliationSide } from '../../reconciliation/reconciliation-port.ts'

/** The 3PL's on-hand of one SKU at one warehouse, and what set it. */
export interface LevelToSet {
  sku: string
  warehouse: string
  onHand: number
  /** Part of the delivery's idempotency key: the event's sequence, or `heal-<break id>`. */
  ref: string
}

export interface InventoryTargetPort {
  /** `netsuite` or `shopify`: names the flows (`inventory-to-netsuite`) and the heal topic. */
  readonly system: string
  /** Whether the warehouse's stock is mirrored in this system at all. */
  handles(warehouse: string): boolean
  /**
   * The delivery that sets the level. `entityVersion` (the event sequence) is given for events,
   * so an older event than one already applied is skipped.
   */
  setLevel(level: LevelToSet, entityVersion?: number): DeliverySpec<JsonValue>
  /** The system's levels at the mapped warehouses, as reconciliation reads them. */
  side(): ReconciliationSide
}
