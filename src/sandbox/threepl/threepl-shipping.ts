/** @module sandbox/threepl/threepl-shipping — an order leaves the building: stock drops, the order is closed with a carrier and tracking number, and the shipment and stock events go out. */

import type { SeededRandom } from '../kit/seeded-random.ts'
import type { EventLog } from './threepl-events.ts'
import type { InventoryStore } from './threepl-inventory.ts'
import type { FulfillmentOrder, OrderStore } from './threepl-orders.ts'

export const DEFAULT_CARRIERS: readonly string[] = ['UPS', 'FedEx', 'USPS', 'DHL']

export interface ShippingDeps {
  readonly orders: OrderStore
  readonly inventory: InventoryStore
  readonly events: EventLog
  readonly random: SeededRandom
  readonly carriers: readonly string[]
}

export interface ShippingGiven {
  readonly carrier?: string | undefined
  readonly trackingNumber?: string | undefined
}

/**
 * Ships a picked order at `at`. The shipment event comes first, then one stock event per SKU,
 * so a consumer replaying by sequence sees the cause before its effect on stock.
 */
export function shipOrder(
  deps: ShippingDeps,
  order: FulfillmentOrder,
  at: number,
  given: ShippingGiven,
): void {
  const warehouse = order.warehouse
  if (warehouse === null) throw new Error(`picked order ${order.id} has no warehouse`)
  const carrier = given.carrier ?? deps.random.pick(deps.carriers)
  const trackingNumber = given.trackingNumber ?? trackingFor(carrier, deps.random)
  const moved = deps.inventory.ship(warehouse, order.lines)
  order.shipment = { carrier, trackingNumber, shippedAt: at }
  deps.orders.setStatus(order, 'shipped', at)
  deps.events.record(
    'shipment.confirmed',
    {
      fulfillment_order_id: order.id,
      external_reference: order.externalReference,
      fulfillment_order_version: order.version,
      warehouse,
      carrier,
      tracking_number: trackingNumber,
      shipped_at: new Date(at).toISOString(),
      lines: order.lines.map((l, i) => ({ line_number: i + 1, sku: l.sku, quantity: l.quantity })),
    },
    at,
  )
  for (const m of moved) {
    deps.events.record(
      'inventory.adjusted',
      {
        sku: m.sku,
        warehouse,
        delta: m.delta,
        on_hand: m.onHand,
        previous_on_hand: m.onHand - m.delta,
        reason: 'shipment',
        fulfillment_order_id: order.id,
      },
      at,
    )
  }
}

/** Tracking numbers in each carrier's familiar shape, drawn from the seed so runs repeat. */
export function trackingFor(carrier: string, random: SeededRandom): string {
  const draw = (alphabet: string, length: number): string =>
    Array.from({ length }, () => random.pick([...alphabet])).join('')
  const digits = '0123456789'
  switch (carrier.toUpperCase()) {
    case 'UPS':
      return `1Z${draw('0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 16)}`
    case 'USPS':
      return `9400${draw(digits, 18)}`
    case 'DHL':
      return draw(digits, 10)
    default:
      return draw(digits, 12)
  }
}
