/** @module canonical/inventory-level-schema — the canonical InventoryLevel: stock of one SKU at one location at one instant, version 1. */
import { z } from 'zod'
import { Sku } from './product-schema.ts'
import { SourceRef } from './source-ref.ts'

/** A count of units: a whole number, never a float (a float count is a mapping bug). */
export const Quantity = z.int({ error: 'expected a whole number of units, e.g. 12' })

/**
 * What one system says about one SKU at one location. Reconciliation compares two systems' levels
 * for the same SKU and location within a tolerance, so `asOf` (and the source's `version`, e.g. an
 * event sequence) says which of two readings is newer.
 */
export const InventoryLevel = z.object({
  kind: z.literal('inventory_level'),
  schemaVersion: z.literal(1),
  source: SourceRef,
  sku: Sku,
  /** The warehouse or location id in the source system, e.g. `WH-EAST`. */
  locationId: z
    .string({ error: 'expected the location (warehouse) id as a string, e.g. "WH-EAST"' })
    .min(1, 'a stock level needs the location (warehouse) id it was counted at'),
  /** Units physically in the location, allocated or not. */
  onHand: Quantity.min(0, 'onHand cannot be negative: a location cannot hold fewer than 0 units'),
  /**
   * Units free to promise (on hand less what is reserved). Negative when the location is
   * oversold. Absent when the source reported only a movement of on-hand stock.
   */
  available: Quantity.optional(),
  /** Units held for open orders (allocated, picked) and not yet shipped. */
  reserved: Quantity.min(0, 'reserved cannot be negative').optional(),
  /** The instant the numbers were true at the source. */
  asOf: z.iso.datetime({
    offset: true,
    error: 'expected asOf as an ISO-8601 instant with a zone, e.g. "2026-01-01T10:40:00.000Z"',
  }),
})
export type InventoryLevel = z.infer<typeof InventoryLevel>
