/** @module connectors/threepl/threepl-api-shapes — the WMS's wire shapes (orders, stock, webhook payloads), checked as they arrive. */
// Objects are not strict: a field the vendor adds must not break the connector (schema drift).
// What the hub relies on is checked, so a changed shape fails loudly at the boundary instead of
// producing a half-filled canonical object.
import { z } from 'zod'

const text = z.string().min(1)
const count = z.int().min(0)
const instant = z.iso.datetime({ offset: true })

/** `ship_to` as sent and as returned: the WMS keeps only the fields that were given. */
export const ThreePlShipTo = z.object({
  name: text,
  company: text.optional(),
  address1: text,
  address2: text.optional(),
  city: text,
  province_code: text.optional(),
  postal_code: text,
  country_code: z.string().regex(/^[A-Z]{2}$/),
  phone: text.optional(),
  email: text.optional(),
})
export type ThreePlShipTo = z.infer<typeof ThreePlShipTo>

export const ThreePlFulfillmentOrder = z.object({
  id: text,
  external_reference: text,
  /** received, allocated, picked, shipped, backordered, cancelled; kept open for new ones. */
  status: text,
  warehouse: text.nullable(),
  ship_to: ThreePlShipTo,
  lines: z
    .array(
      z.object({
        line_number: z.int().positive(),
        sku: text,
        quantity: z.int().positive(),
        quantity_shipped: count,
      }),
    )
    .min(1),
  shipment: z
    .object({
      carrier: text,
      service: text.optional(),
      tracking_number: text.nullish(),
      shipped_at: instant,
    })
    .nullable(),
  cancel_reason: z.string().nullable(),
  version: z.int().positive(),
  created_at: instant,
  updated_at: instant,
})
export type ThreePlFulfillmentOrder = z.infer<typeof ThreePlFulfillmentOrder>

export const ThreePlOrderPage = z.object({
  data: z.array(ThreePlFulfillmentOrder),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
})

const stock = { on_hand: count, allocated: count, available: z.int() }

export const ThreePlInventoryPage = z.object({
  data: z.array(
    z.object({
      sku: text,
      ...stock,
      warehouses: z.array(z.object({ warehouse: text, ...stock })),
    }),
  ),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
  as_of: instant,
  /** The last event these numbers include: events with a higher sequence are newer. */
  as_of_sequence: count,
})
export type ThreePlInventoryPage = z.infer<typeof ThreePlInventoryPage>

export const ThreePlShipmentConfirmed = z.object({
  fulfillment_order_id: text,
  external_reference: text,
  fulfillment_order_version: z.int().positive(),
  warehouse: text,
  carrier: text,
  service: text.optional(),
  tracking_number: text.nullish(),
  shipped_at: instant,
  lines: z
    .array(z.object({ line_number: z.int().positive(), sku: text, quantity: z.int().positive() }))
    .min(1),
  occurred_at: instant,
})

export const ThreePlInventoryAdjusted = z.object({
  sku: text,
  warehouse: text,
  delta: z.int(),
  on_hand: count,
  previous_on_hand: count,
  reason: text,
  fulfillment_order_id: text.optional(),
  occurred_at: instant,
})

/** The Standard Webhooks envelope the WMS sends: type, timestamp, a sequence, data. */
export const ThreePlWebhookEnvelope = z.object({
  type: text,
  timestamp: instant,
  sequence: z.int().positive(),
  data: z.record(z.string(), z.unknown()),
})
export type ThreePlWebhookEnvelope = z.infer<typeof ThreePlWebhookEnvelope>

/** `fulfillment_order.backordered`: the warehouse cannot fill the order from stock now. */
export const ThreePlFulfillmentOrderBackordered = z.object({
  fulfillment_order_id: text,
  external_reference: text,
  fulfillment_order_version: z.int().positive(),
  status: text,
  /** `insufficient_stock` at allocation, `stock_lost` when stock under an allocation went away. */
  reason: text,
  occurred_at: instant,
})
