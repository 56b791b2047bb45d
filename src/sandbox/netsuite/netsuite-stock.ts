/** @module sandbox/netsuite/netsuite-stock — quantities per item and location: what the inventoryItem `locations` sublist and SuiteQL's inventoryitemlocations show. */

import { SEED_LOCATIONS, SEED_SKUS } from './netsuite-record-store.ts'
import type { NetSuiteRecordStore, StoredRecord } from './netsuite-record-store.ts'

/** One item at one location, as NetSuite reports it. */
export interface StockLevel {
  readonly quantityOnHand: number
  /** Reserved for sales orders; the simulator only changes it when a test sets it. */
  readonly quantityCommitted: number
  readonly quantityAvailable: number
  readonly quantityBackOrdered: number
}

interface Held {
  onHand: number
  committed: number
}

/**
 * Stock is not a field of the item: NetSuite keeps it per location, changes it through
 * transactions (fulfillments, adjustments) and refuses it in an item write. So it lives beside
 * the records, keyed by internal ids, and is reset together with them.
 */
export class NetSuiteStock {
  #held = new Map<string, Map<string, Held>>()

  /** Seeds every catalogue SKU at every seeded location; call right after the store's reset. */
  reset(store: NetSuiteRecordStore): void {
    this.#held = new Map()
    for (const sku of SEED_SKUS) {
      const item = store.byExternalId('inventoryItem', sku)
      for (const seeded of SEED_LOCATIONS) {
        const location = store.byExternalId('location', seeded.externalId)
        if (item && location) this.set(item.id, location.id, { quantityOnHand: seeded.onHand })
      }
    }
  }

  level(itemId: string, locationId: string): StockLevel {
    const held = this.#held.get(itemId)?.get(locationId) ?? { onHand: 0, committed: 0 }
    return {
      quantityOnHand: held.onHand,
      quantityCommitted: held.committed,
      quantityAvailable: Math.max(0, held.onHand - held.committed),
      quantityBackOrdered: Math.max(0, held.committed - held.onHand),
    }
  }

  /** Every location's level for one item, in location order. */
  levels(
    itemId: string,
    locations: readonly StoredRecord[],
  ): { location: StoredRecord; level: StockLevel }[] {
    return locations.map((location) => ({ location, level: this.level(itemId, location.id) }))
  }

  /** Sets what a stock count (or a test) found; omitted quantities keep their value. */
  set(
    itemId: string,
    locationId: string,
    quantities: { quantityOnHand?: number; quantityCommitted?: number },
  ): StockLevel {
    const held = this.#entry(itemId, locationId)
    if (quantities.quantityOnHand !== undefined) held.onHand = quantities.quantityOnHand
    if (quantities.quantityCommitted !== undefined) held.committed = quantities.quantityCommitted
    return this.level(itemId, locationId)
  }

  /** A shipment leaves the location: on hand drops, and so does what was committed to it. */
  ship(itemId: string, locationId: string, quantity: number): void {
    const held = this.#entry(itemId, locationId)
    held.onHand -= quantity
    held.committed = Math.max(0, held.committed - quantity)
  }

  #entry(itemId: string, locationId: string): Held {
    let byLocation = this.#held.get(itemId)
    if (!byLocation) {
      byLocation = new Map()
      this.#held.set(itemId, byLocation)
    }
    let held = byLocation.get(locationId)
    if (!held) {
      held = { onHand: 0, committed: 0 }
      byLocation.set(locationId, held)
    }
    return held
  }
}
