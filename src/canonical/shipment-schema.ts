/** @module canonical/shipment-schema — the canonical Shipment: what left a warehouse for one order, version 1. */
import { z } from 'zod'
import { Sku } from './product-schema.ts'
import { Address, ExternalId, SourceRef } from './source-ref.ts'

export const ShipmentLine = z.object({
  sku: Sku,
  quantity: z
    .int({ error: 'expected the shipped quantity as a whole number of units' })
    .positive('a shipment line ships at least 1 unit; leave unshipped lines out'),
  /** The line's number on the source's order, when it numbers them. */
  lineNumber: z.int().positive().optional(),
})
export type ShipmentLine = z.infer<typeof ShipmentLine>

export const Shipment = z.object({
  kind: z.literal('shipment'),
  schemaVersion: z.literal(1),
  /** The warehouse's record of it (a fulfillment order or shipment id) and its version. */
  source: SourceRef,
  /**
   * The business key of the order this ships: the merchant order id the warehouse was given
   * (its external reference), so the shipment is matched to the order in every other system.
   */
  orderKey: ExternalId,
  /** The warehouse's own fulfillment order id, when it differs from `source.id`. */
  fulfillmentOrderId: ExternalId.optional(),
  /** The warehouse (location) it left from. */
  warehouseId: z.string().min(1, 'a shipment needs the warehouse id it left from'),
  carrier: z.string().min(1, 'a shipment needs its carrier, e.g. "UPS"'),
  /** The carrier's service level, e.g. `Ground`. */
  service: z.string().min(1).optional(),
  /** One per parcel; empty for a shipment the carrier does not track. */
  trackingNumbers: z.array(z.string().min(1, 'a tracking number must not be empty')),
  shippedAt: z.iso.datetime({
    offset: true,
    error: 'expected shippedAt as an ISO-8601 instant with a zone, e.g. "2026-01-01T10:40:00Z"',
  }),
  lines: z.array(ShipmentLine).min(1, 'a shipment needs at least one line (sku and quantity)'),
  shipTo: Address.optional(),
})
export type Shipment = z.infer<typeof Shipment>
