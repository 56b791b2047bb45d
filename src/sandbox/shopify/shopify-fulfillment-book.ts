/** @module sandbox/shopify/shopify-fulfillment-book — fulfillment orders and fulfillments: what is left to ship per order, and what shipped. */

import { PRIMARY_LOCATION } from './shopify-inventory.ts'
import { findCatalogueItem } from './shopify-store.ts'
import type { OrderRecord, Resource, ShopifyStore } from './shopify-store.ts'
import { toId } from './shopify-wire.ts'

export interface FulfillmentOrderLine {
  readonly id: bigint
  readonly lineItemId: bigint
  readonly variantId: bigint | null
  readonly inventoryItemId: bigint | null
  readonly sku: string | null
  readonly quantity: number
  remaining: number
}

export type FulfillmentOrderStatus = 'open' | 'in_progress' | 'closed'

export interface FulfillmentOrderRecord {
  readonly id: bigint
  readonly orderId: bigint
  readonly locationId: bigint
  readonly createdAt: number
  updatedAt: number
  status: FulfillmentOrderStatus
  readonly lines: FulfillmentOrderLine[]
}

export interface FulfillmentRecord {
  readonly id: bigint
  readonly orderId: bigint
  readonly createdAt: number
  readonly body: Resource
}

export interface FulfillmentOrderRequest {
  readonly fulfillmentOrderId: bigint
  /** null: every line with something left, in full. */
  readonly lines: readonly { readonly id: bigint; readonly quantity: number }[] | null
}

export interface TrackingInput {
  readonly numbers: readonly string[]
  readonly company: string | null
  readonly urls: readonly string[]
}

export interface FulfillmentRequest {
  readonly byFulfillmentOrder: readonly FulfillmentOrderRequest[]
  readonly tracking: TrackingInput
}

/** A refusal: REST answers `status` with `{"errors": [message]}`, GraphQL puts it in userErrors. */
export interface FulfillmentRefusal {
  readonly ok: false
  readonly status: number
  readonly field: readonly string[]
  readonly message: string
}

export type FulfillmentOutcome =
  | { readonly ok: true; readonly fulfillment: FulfillmentRecord; readonly order: OrderRecord }
  | FulfillmentRefusal

const refuse = (status: number, message: string, field: string[] = []): FulfillmentRefusal => ({
  ok: false,
  status,
  field,
  message,
})

type LineItem = Record<string, unknown>

export class FulfillmentBook {
  readonly #store: ShopifyStore
  #byOrder = new Map<bigint, FulfillmentOrderRecord[]>()
  #fulfillmentOrders = new Map<bigint, FulfillmentOrderRecord>()
  #fulfillments = new Map<bigint, FulfillmentRecord[]>()

  constructor(store: ShopifyStore) {
    this.#store = store
  }

  /**
   * The order's fulfillment orders. Shopify makes them when the order is placed; here they are made
   * on first sight, one at the primary location holding every line that needs shipping.
   */
  fulfillmentOrdersOf(order: OrderRecord): FulfillmentOrderRecord[] {
    const known = this.#byOrder.get(order.id)
    if (known) return known
    const lineItems = (order.body.line_items ?? []) as LineItem[]
    const at = this.#store.now()
    const fo: FulfillmentOrderRecord = {
      id: this.#store.nextId('fulfillmentOrder'),
      orderId: order.id,
      locationId: PRIMARY_LOCATION.id,
      createdAt: at,
      updatedAt: at,
      status: 'open',
      lines: lineItems
        .filter((li) => li.requires_shipping !== false)
        .map((li) => {
          const sku = typeof li.sku === 'string' ? li.sku : null
          const quantity = Number(li.fulfillable_quantity ?? li.quantity ?? 0)
          return {
            id: this.#store.nextId('fulfillmentOrderLineItem'),
            lineItemId: toId(li.id) ?? 0n,
            variantId: toId(li.variant_id),
            inventoryItemId:
              sku === null ? null : (findCatalogueItem({ sku })?.inventoryItemId ?? null),
            sku,
            quantity,
            remaining: quantity,
          }
        }),
    }
    if (fo.lines.every((l) => l.remaining === 0)) fo.status = 'closed'
    this.#byOrder.set(order.id, [fo])
    this.#fulfillmentOrders.set(fo.id, fo)
    return [fo]
  }

  fulfillmentOrder(id: bigint): FulfillmentOrderRecord | undefined {
    return this.#fulfillmentOrders.get(id)
  }

  fulfillmentsOf(orderId: bigint): FulfillmentRecord[] {
    return this.#fulfillments.get(orderId) ?? []
  }

  all(): FulfillmentRecord[] {
    return [...this.#fulfillments.values()].flat()
  }

  /**
   * Ships what was asked, all or nothing. Nothing deduplicates a repeat: the same request again
   * finds its lines already shipped and is refused with 422, as Shopify refuses it.
   */
  create(request: FulfillmentRequest): FulfillmentOutcome {
    if (request.byFulfillmentOrder.length === 0) {
      return refuse(400, 'line_items_by_fulfillment_order is required', ['fulfillment'])
    }
    const plan: { line: FulfillmentOrderLine; quantity: number }[] = []
    let orderId: bigint | null = null
    for (const ask of request.byFulfillmentOrder) {
      const fo = this.#fulfillmentOrders.get(ask.fulfillmentOrderId)
      if (!fo) return refuse(404, 'Not Found', ['fulfillment', 'fulfillmentOrderId'])
      if (orderId !== null && fo.orderId !== orderId) {
        return refuse(422, 'All fulfillment orders must belong to the same order.')
      }
      orderId = fo.orderId
      if (fo.status === 'closed') {
        return refuse(422, `Fulfillment order ${fo.id} has an unfulfillable status= closed.`)
      }
      const asked = ask.lines ?? fo.lines.map((l) => ({ id: l.id, quantity: l.remaining }))
      for (const { id, quantity } of asked) {
        const line = fo.lines.find((l) => l.id === id)
        if (!line) return refuse(422, 'Invalid fulfillment order line item id requested.')
        if (!Number.isInteger(quantity) || quantity < 0 || quantity > line.remaining) {
          return refuse(422, 'Invalid fulfillment order line item quantity requested.')
        }
        if (quantity > 0) plan.push({ line, quantity })
      }
    }
    const order = orderId === null ? undefined : this.#store.orders.get(orderId)
    if (!order || plan.length === 0) {
      return refuse(422, 'Invalid fulfillment order line item quantity requested.')
    }
    for (const { line, quantity } of plan) line.remaining -= quantity
    for (const ask of request.byFulfillmentOrder) {
      const fo = this.#fulfillmentOrders.get(ask.fulfillmentOrderId)
      if (!fo) continue
      fo.status = fo.lines.every((l) => l.remaining === 0) ? 'closed' : 'in_progress'
      fo.updatedAt = this.#store.now()
    }
    const fulfillment = this.#record(order, plan, request.tracking)
    this.#applyToOrder(order, plan)
    return { ok: true, fulfillment, order }
  }

  reset(): void {
    this.#byOrder = new Map()
    this.#fulfillmentOrders = new Map()
    this.#fulfillments = new Map()
  }

  #record(
    order: OrderRecord,
    plan: readonly { line: FulfillmentOrderLine; quantity: number }[],
    tracking: TrackingInput,
  ): FulfillmentRecord {
    const id = this.#store.nextId('fulfillment')
    const at = this.#store.now()
    const existing = this.fulfillmentsOf(order.id)
    const stamp = this.#store.time(at)
    const lineItems = (order.body.line_items ?? []) as LineItem[]
    const body: Resource = {
      id,
      admin_graphql_api_id: `gid://shopify/Fulfillment/${id}`,
      order_id: order.id,
      name: `${String(order.body.name)}.${existing.length + 1}`,
      status: 'success',
      service: 'manual',
      shipment_status: null,
      location_id: PRIMARY_LOCATION.id,
      origin_address: null,
      created_at: stamp,
      updated_at: stamp,
      tracking_company: tracking.company,
      tracking_number: tracking.numbers[0] ?? null,
      tracking_numbers: [...tracking.numbers],
      tracking_url: tracking.urls[0] ?? null,
      tracking_urls: [...tracking.urls],
      receipt: {},
      line_items: plan.map(({ line, quantity }) => {
        const item = lineItems.find((li) => toId(li.id) === line.lineItemId) ?? {}
        return { ...item, quantity, fulfillment_status: 'fulfilled' }
      }),
    }
    const record: FulfillmentRecord = { id, orderId: order.id, createdAt: at, body }
    this.#fulfillments.set(order.id, [...existing, record])
    return record
  }

  #applyToOrder(
    order: OrderRecord,
    plan: readonly { line: FulfillmentOrderLine; quantity: number }[],
  ): void {
    const lineItems = ((order.body.line_items ?? []) as LineItem[]).map((li) => {
      const shipped = plan
        .filter((p) => p.line.lineItemId === toId(li.id))
        .reduce((sum, p) => sum + p.quantity, 0)
      if (shipped === 0) return li
      const left = Math.max(0, Number(li.fulfillable_quantity ?? 0) - shipped)
      return {
        ...li,
        fulfillable_quantity: left,
        fulfillment_status: left === 0 ? 'fulfilled' : 'partial',
      }
    })
    const shippable = lineItems.filter((li) => li.requires_shipping !== false)
    const done = shippable.every((li) => Number(li.fulfillable_quantity ?? 0) === 0)
    this.#store.touch(order, {
      line_items: lineItems,
      fulfillment_status: done ? 'fulfilled' : 'partial',
    })
  }
}
