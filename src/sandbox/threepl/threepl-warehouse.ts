/** @module sandbox/threepl/threepl-warehouse — the warehouse floor: orders move received → allocated → picked → shipped on the simulator's clock, stock follows, and shipments and stock changes become events. */

import type { OrderLine } from './threepl-inventory.ts'
import type { FulfillmentOrder, NewOrder, OrderStatus } from './threepl-orders.ts'
import { shipOrder } from './threepl-shipping.ts'
import type { ShippingDeps, ShippingGiven } from './threepl-shipping.ts'

/** How long an order waits in each status before the warehouse moves it on (simulator time). */
export interface ProgressionTimes {
  readonly allocateAfterMs: number
  readonly pickAfterMs: number
  /** null: orders wait at picked until /__sim ships them. */
  readonly shipAfterMs: number | null
}

export const DEFAULT_PROGRESSION: ProgressionTimes = {
  allocateAfterMs: 0,
  pickAfterMs: 10 * 60_000,
  shipAfterMs: 30 * 60_000,
}

export const ADJUST_REASONS = ['cycle_count', 'damage', 'receipt', 'correction'] as const
export type AdjustReason = (typeof ADJUST_REASONS)[number]

export interface Transition {
  readonly id: string
  readonly externalReference: string
  readonly from: OrderStatus
  readonly to: OrderStatus
  readonly at: string
}

export interface Adjustment {
  readonly sku: string
  readonly warehouse: string
  readonly reason: AdjustReason
  readonly delta: number
  readonly previousOnHand: number
  readonly onHand: number
  /** Orders that lost their allocation because the stock under them went away. */
  readonly backordered: readonly string[]
  readonly sequence: number
}

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly message: string }

export interface WarehouseDeps extends ShippingDeps {
  readonly now: () => number
  readonly times: ProgressionTimes
}

const fail = (code: string, message: string): Outcome<never> => ({ ok: false, code, message })
const NEXT: Partial<Record<OrderStatus, OrderStatus>> = {
  received: 'allocated',
  backordered: 'allocated',
  allocated: 'picked',
  picked: 'shipped',
}
const RANK: Record<OrderStatus, number> = {
  received: 0,
  backordered: 0,
  allocated: 1,
  picked: 2,
  shipped: 3,
  cancelled: 4,
}

export class Warehouse {
  readonly #d: WarehouseDeps

  constructor(deps: WarehouseDeps) {
    this.#d = deps
  }

  receive(input: NewOrder): FulfillmentOrder {
    this.run()
    return this.#d.orders.create(input, this.#d.now())
  }

  /**
   * Applies every transition that has come due, earliest first (so events come out in time
   * order), then gives backordered orders another try at the stock.
   */
  run(): Transition[] {
    const now = this.#d.now()
    const done: Transition[] = []
    const queue = this.#d.orders
      .list()
      .map((order) => ({ order, at: this.#dueAt(order) }))
      .filter((q): q is { order: FulfillmentOrder; at: number } => q.at !== null && q.at <= now)
      .sort((a, b) => a.at - b.at)
    for (let next = queue.shift(); next; next = queue.shift()) {
      const moved = this.#step(next.order, next.at, {})
      if (moved) done.push(moved)
      const at = this.#dueAt(next.order)
      if (at === null || at > now) continue
      const index = queue.findIndex((q) => q.at > at)
      queue.splice(index === -1 ? queue.length : index, 0, { order: next.order, at })
    }
    return [...done, ...this.#retryBackorders(now)]
  }

  /** Moves one order on at once, one status or up to `to`, whatever the dwell times say. */
  advance(id: string, to?: OrderStatus): Outcome<FulfillmentOrder> {
    this.run()
    const order = this.#d.orders.get(id)
    if (!order) return fail('not_found', `no fulfillment order ${id}`)
    const target = to ?? NEXT[order.status]
    if (
      target === undefined ||
      target === 'backordered' ||
      target === 'cancelled' ||
      RANK[target] <= RANK[order.status]
    ) {
      return fail('invalid_transition', `cannot move a ${order.status} order to ${String(to)}`)
    }
    while (order.status !== target) {
      const before = order.status
      this.#step(order, this.#d.now(), {})
      if (order.status === 'backordered') {
        return fail('insufficient_stock', `no single warehouse has the stock for ${id}`)
      }
      if (order.status === before) return fail('invalid_transition', `${id} did not move`)
    }
    return { ok: true, value: order }
  }

  /** Ships now with the carrier and tracking number given, allocating and picking first if needed. */
  ship(id: string, given: ShippingGiven): Outcome<FulfillmentOrder> {
    const order = this.#d.orders.get(id)
    if (!order) return fail('not_found', `no fulfillment order ${id}`)
    if (order.status === 'picked') {
      this.run()
    } else {
      const picked = this.advance(id, 'picked')
      if (!picked.ok) return picked
    }
    // Catching up may have shipped it on its own schedule already.
    if (order.status !== 'picked') return fail('invalid_transition', `${id} is ${order.status}`)
    this.#step(order, this.#d.now(), given)
    return { ok: true, value: order }
  }

  /** `unchanged` for an order already cancelled: cancelling twice is no second effect. */
  cancel(order: FulfillmentOrder, reason: string | null): 'cancelled' | 'unchanged' | 'shipped' {
    this.run()
    if (order.status === 'shipped') return 'shipped'
    if (order.status === 'cancelled') return 'unchanged'
    const now = this.#d.now()
    if (order.warehouse !== null) this.#d.inventory.release(order.warehouse, order.lines)
    order.warehouse = null
    order.cancelReason = reason
    this.#d.orders.setStatus(order, 'cancelled', now)
    // The released units may be exactly what a backordered order was waiting for.
    this.#retryBackorders(now)
    return 'cancelled'
  }

  adjust(
    sku: string,
    warehouse: string,
    reason: AdjustReason,
    change: { readonly delta: number } | { readonly counted: number },
  ): Outcome<Adjustment> {
    this.run()
    const { inventory, orders, events } = this.#d
    if (!inventory.knows(sku)) return fail('unknown_sku', `no SKU ${sku} in the catalogue`)
    if (!inventory.warehouses.includes(warehouse)) {
      return fail('unknown_warehouse', `no warehouse ${warehouse}`)
    }
    const previousOnHand = inventory.level(sku, warehouse)?.onHand ?? 0
    const delta = 'delta' in change ? change.delta : change.counted - previousOnHand
    const onHand = previousOnHand + delta
    const holding = (status: OrderStatus): FulfillmentOrder[] =>
      orders
        .list()
        .filter(
          (o) =>
            o.warehouse === warehouse && o.status === status && o.lines.some((l) => l.sku === sku),
        )
    const picked = sumOf(holding('picked'), sku)
    if (onHand < picked) {
      return fail(
        'insufficient_on_hand',
        `${sku}@${warehouse} would drop to ${onHand}, below the ${picked} units already picked`,
      )
    }
    const now = this.#d.now()
    inventory.adjust(sku, warehouse, delta)
    const backordered: string[] = []
    // Units that are gone cannot stay promised: the newest allocations give way first.
    const lost: FulfillmentOrder[] = []
    for (const order of holding('allocated').reverse()) {
      if ((inventory.level(sku, warehouse)?.allocated ?? 0) <= onHand) break
      inventory.release(warehouse, order.lines)
      order.warehouse = null
      orders.setStatus(order, 'backordered', now)
      backordered.push(order.id)
      lost.push(order)
    }
    // A count that finds what the system says is still reported: a delta of 0 is a real event.
    const { sequence } = events.record(
      'inventory.adjusted',
      { sku, warehouse, delta, on_hand: onHand, previous_on_hand: previousOnHand, reason },
      now,
    )
    // The cause (stock gone) before its effect on the orders that lost their allocation.
    for (const order of lost) this.#announceBackorder(order, now, 'stock_lost')
    this.#retryBackorders(now)
    const value = { sku, warehouse, reason, delta, previousOnHand, onHand, backordered, sequence }
    return { ok: true, value }
  }

  #dueAt(order: FulfillmentOrder): number | null {
    const t = this.#d.times
    switch (order.status) {
      case 'received':
        return order.statusSince + t.allocateAfterMs
      case 'allocated':
        return order.statusSince + t.pickAfterMs
      case 'picked':
        return t.shipAfterMs === null ? null : order.statusSince + t.shipAfterMs
      default:
        return null
    }
  }

  /** One move along the chain, dated `at`. */
  #step(order: FulfillmentOrder, at: number, shipping: ShippingGiven): Transition | null {
    const from = order.status
    if (from === 'received' || from === 'backordered') this.#allocate(order, at)
    else if (from === 'allocated') this.#d.orders.setStatus(order, 'picked', at)
    else if (from === 'picked') shipOrder(this.#d, order, at, shipping)
    if (order.status === from) return null
    const { id, externalReference } = order
    return { id, externalReference, from, to: order.status, at: new Date(at).toISOString() }
  }

  #allocate(order: FulfillmentOrder, at: number): void {
    const warehouse = this.#d.inventory.findWarehouse(order.lines)
    if (warehouse === null) {
      if (order.status !== 'backordered') {
        this.#d.orders.setStatus(order, 'backordered', at)
        this.#announceBackorder(order, at, 'insufficient_stock')
      }
      return
    }
    this.#d.inventory.allocate(warehouse, order.lines)
    order.warehouse = warehouse
    this.#d.orders.setStatus(order, 'allocated', at)
  }

  /** Tells the merchant the order waits for stock: it ships late, or never, unless they act. */
  #announceBackorder(order: FulfillmentOrder, at: number, reason: string): void {
    this.#d.events.record(
      'fulfillment_order.backordered',
      {
        fulfillment_order_id: order.id,
        external_reference: order.externalReference,
        fulfillment_order_version: order.version,
        status: 'backordered',
        reason,
        lines: order.lines.map((l, i) => ({
          line_number: i + 1,
          sku: l.sku,
          quantity: l.quantity,
        })),
      },
      at,
    )
  }

  /** Oldest first: the order that has waited longest gets the stock. */
  #retryBackorders(at: number): Transition[] {
    return this.#d.orders
      .list()
      .filter((o) => o.status === 'backordered')
      .flatMap((o) => this.#step(o, at, {}) ?? [])
  }
}

function sumOf(orders: readonly FulfillmentOrder[], sku: string): number {
  const lines: OrderLine[] = orders.flatMap((o) => o.lines.filter((l) => l.sku === sku))
  return lines.reduce((total, l) => total + l.quantity, 0)
}
