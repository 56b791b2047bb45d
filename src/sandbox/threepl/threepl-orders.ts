/** @module sandbox/threepl/threepl-orders — fulfillment orders as the warehouse holds them, unique by the merchant's order id, and their wire shape. */

import type { OrderLine } from './threepl-inventory.ts'

/**
 * received → allocated → picked → shipped; received (or allocated, when stock is lost) →
 * backordered → allocated once stock arrives; anything before shipped → cancelled.
 */
export const ORDER_STATUSES = [
  'received',
  'allocated',
  'picked',
  'shipped',
  'backordered',
  'cancelled',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const isOrderStatus = (value: string): value is OrderStatus =>
  (ORDER_STATUSES as readonly string[]).includes(value)

export const SHIP_TO_FIELDS = [
  'name',
  'company',
  'address1',
  'address2',
  'city',
  'province_code',
  'postal_code',
  'country_code',
  'phone',
  'email',
] as const
export type ShipTo = Readonly<Partial<Record<(typeof SHIP_TO_FIELDS)[number], string>>>

export interface Shipment {
  readonly carrier: string
  readonly trackingNumber: string
  readonly shippedAt: number
}

/** Validated create input. */
export interface NewOrder {
  readonly externalReference: string
  readonly shipTo: ShipTo
  readonly lines: readonly OrderLine[]
}

export interface FulfillmentOrder {
  readonly id: string
  readonly externalReference: string
  readonly shipTo: ShipTo
  readonly lines: readonly OrderLine[]
  readonly createdAt: number
  status: OrderStatus
  /** When the order entered its status: the warehouse's dwell times count from here. */
  statusSince: number
  warehouse: string | null
  shipment: Shipment | null
  cancelReason: string | null
  updatedAt: number
  /** Raised on every change, so a reader can tell which of two views is newer. */
  version: number
  history: { status: OrderStatus; at: number }[]
}

export class OrderStore {
  #orders = new Map<string, FulfillmentOrder>()
  #byReference = new Map<string, string>()
  #next = 1

  create(input: NewOrder, at: number): FulfillmentOrder {
    const id = `fo_${String(this.#next).padStart(6, '0')}`
    this.#next += 1
    const order: FulfillmentOrder = {
      id,
      externalReference: input.externalReference,
      shipTo: input.shipTo,
      lines: input.lines,
      createdAt: at,
      status: 'received',
      statusSince: at,
      warehouse: null,
      shipment: null,
      cancelReason: null,
      updatedAt: at,
      version: 1,
      history: [{ status: 'received', at }],
    }
    this.#orders.set(id, order)
    this.#byReference.set(input.externalReference, id)
    return order
  }

  get(id: string): FulfillmentOrder | undefined {
    return this.#orders.get(id)
  }

  byReference(reference: string): FulfillmentOrder | undefined {
    const id = this.#byReference.get(reference)
    return id === undefined ? undefined : this.#orders.get(id)
  }

  /** In creation order, which is also id order. */
  list(): FulfillmentOrder[] {
    return [...this.#orders.values()]
  }

  setStatus(order: FulfillmentOrder, status: OrderStatus, at: number): void {
    order.status = status
    order.statusSince = at
    order.updatedAt = Math.max(order.updatedAt, at)
    order.version += 1
    order.history.push({ status, at })
  }

  reset(): void {
    this.#orders = new Map()
    this.#byReference = new Map()
    this.#next = 1
  }
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** The order as the API returns it. */
export function orderView(order: FulfillmentOrder): Record<string, unknown> {
  const shipped = order.status === 'shipped'
  return {
    id: order.id,
    external_reference: order.externalReference,
    status: order.status,
    warehouse: order.warehouse,
    ship_to: order.shipTo,
    lines: order.lines.map((line, i) => ({
      line_number: i + 1,
      sku: line.sku,
      quantity: line.quantity,
      quantity_shipped: shipped ? line.quantity : 0,
    })),
    shipment: order.shipment && {
      carrier: order.shipment.carrier,
      tracking_number: order.shipment.trackingNumber,
      shipped_at: iso(order.shipment.shippedAt),
    },
    cancel_reason: order.cancelReason,
    status_history: order.history.map((h) => ({ status: h.status, at: iso(h.at) })),
    version: order.version,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
  }
}
