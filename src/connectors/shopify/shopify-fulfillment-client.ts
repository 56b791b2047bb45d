/** @module connectors/shopify/shopify-fulfillment-client — ships an order's lines through the REST fulfillment API, safe to repeat although Shopify has no idempotency key. */
// Shopify deduplicates nothing here: the same POST twice either ships twice (if enough is left) or
// is refused 422 (if not). So every write first reads the order's fulfillments and looks for its
// own by tracking number, and only then plans and sends; a 422 sends it back to that read.
import { HubError } from '../../errors/hub-error.ts'
import { member, numericId, records } from './shopify-rest.ts'
import type { ShopifyRecord, ShopifyRest } from './shopify-rest.ts'

export interface ShopifyFulfillmentLine {
  /** The Shopify line item id (the canonical order line's `sourceLineId`). */
  lineItemId: string
  quantity: number
}

export interface ShopifyFulfillmentInput {
  /** The Shopify order id. */
  orderId: string
  /** The hub's business key for the shipment; it is the tracking number when the carrier gave none. */
  key: string
  /** The carrier's tracking numbers, one per parcel; the first is what a repeat is recognised by. */
  trackingNumbers: readonly string[]
  carrier?: string
  trackingUrls?: readonly string[]
  /** What shipped; omitted: everything the order still has to fulfil. */
  lines?: readonly ShopifyFulfillmentLine[]
  notifyCustomer?: boolean
}

export interface ShopifyFulfillmentWrite {
  id: string
  /** false when the fulfillment was already there (an earlier attempt made it). */
  created: boolean
  fulfillment: ShopifyRecord
}

/** Fulfillments that no longer stand do not count as the shipment being recorded. */
const VOID_STATUSES = new Set(['cancelled', 'error', 'failure'])
/** Fulfillment orders that cannot take a fulfillment. */
const CLOSED_STATUSES = new Set(['closed', 'cancelled', 'incomplete', 'on_hold'])

/** The tracking number a write sends and a repeat recognises it by. */
export function fulfillmentMatchKey(
  input: Pick<ShopifyFulfillmentInput, 'key' | 'trackingNumbers'>,
): string {
  return input.trackingNumbers[0] ?? input.key
}

interface Group {
  fulfillment_order_id: string
  fulfillment_order_line_items: { id: string; quantity: number }[]
}

export class ShopifyFulfillmentClient {
  readonly #rest: ShopifyRest

  constructor(rest: ShopifyRest) {
    this.#rest = rest
  }

  /** The order's fulfillment orders; null when there is no such order. */
  async listFulfillmentOrders(
    orderId: string,
    signal?: AbortSignal,
  ): Promise<ShopifyRecord[] | null> {
    const path = `orders/${numericId(orderId, 'order')}/fulfillment_orders.json`
    const body = await this.#rest.call('GET', path, { signal, notFoundIsNull: true })
    return body === null ? null : records(body, 'fulfillment_orders', 'GET fulfillment_orders')
  }

  /** The order's fulfillments; null when there is no such order. */
  async listFulfillments(orderId: string, signal?: AbortSignal): Promise<ShopifyRecord[] | null> {
    const path = `orders/${numericId(orderId, 'order')}/fulfillments.json`
    const body = await this.#rest.call('GET', path, { signal, notFoundIsNull: true })
    return body === null ? null : records(body, 'fulfillments', 'GET fulfillments')
  }

  /** The in-doubt read: the order's standing fulfillment carrying `trackingNumber`, or null. */
  async findFulfillment(
    orderId: string,
    trackingNumber: string,
    signal?: AbortSignal,
  ): Promise<ShopifyRecord | null> {
    const fulfillments = (await this.listFulfillments(orderId, signal)) ?? []
    return (
      fulfillments.find((f) => {
        if (VOID_STATUSES.has(String(f.status))) return false
        const numbers = Array.isArray(f.tracking_numbers) ? f.tracking_numbers : []
        return f.tracking_number === trackingNumber || numbers.includes(trackingNumber)
      }) ?? null
    )
  }

  /** One POST fulfillments.json. Not repeat-safe on its own: use `ensureFulfillment`. */
  async createFulfillment(
    fulfillment: ShopifyRecord,
    signal?: AbortSignal,
  ): Promise<ShopifyRecord> {
    const body = await this.#rest.call('POST', 'fulfillments.json', {
      body: { fulfillment },
      signal,
    })
    return member(body, 'fulfillment', 'POST fulfillment')
  }

  /**
   * Records the shipment once: finds an earlier fulfillment with its tracking number, else ships
   * what is asked from the open fulfillment orders. A 422 (nothing left, or too little) is
   * answered by the same read: if the fulfillment is there, an earlier attempt made it.
   */
  async ensureFulfillment(
    input: ShopifyFulfillmentInput,
    signal?: AbortSignal,
  ): Promise<ShopifyFulfillmentWrite> {
    const match = fulfillmentMatchKey(input)
    const existing = await this.findFulfillment(input.orderId, match, signal)
    if (existing) return { id: String(existing.id), created: false, fulfillment: existing }
    const fulfillmentOrders = await this.listFulfillmentOrders(input.orderId, signal)
    if (fulfillmentOrders === null) {
      throw HubError.validation(`Shopify order ${input.orderId} does not exist`, {
        code: 'ORDER_NOT_FOUND',
        status: 404,
      })
    }
    const groups = planFulfillment(input, fulfillmentOrders)
    const numbers = input.trackingNumbers.length > 0 ? [...input.trackingNumbers] : [input.key]
    const fulfillment: ShopifyRecord = {
      line_items_by_fulfillment_order: groups,
      tracking_info: {
        number: numbers[0],
        ...(numbers.length > 1 ? { numbers } : {}),
        ...(input.carrier === undefined ? {} : { company: input.carrier }),
        ...(input.trackingUrls?.[0] === undefined ? {} : { url: input.trackingUrls[0] }),
      },
      notify_customer: input.notifyCustomer ?? false,
    }
    try {
      const created = await this.createFulfillment(fulfillment, signal)
      return { id: String(created.id), created: true, fulfillment: created }
    } catch (error) {
      if (!(HubError.is(error) && error.type === 'validation' && error.status === 422)) throw error
      const found = await this.findFulfillment(input.orderId, match, signal)
      if (found) return { id: String(found.id), created: false, fulfillment: found }
      throw error
    }
  }
}

/**
 * The request's `line_items_by_fulfillment_order`, from what the fulfillment orders have left.
 * Throws `validation` when too little is left: someone else fulfilled it.
 */
export function planFulfillment(
  input: ShopifyFulfillmentInput,
  fulfillmentOrders: readonly ShopifyRecord[],
): Group[] {
  const open = fulfillmentOrders.filter((fo) => !CLOSED_STATUSES.has(String(fo.status)))
  const lines = open.flatMap((fo) =>
    (Array.isArray(fo.line_items) ? (fo.line_items as ShopifyRecord[]) : []).map((line) => ({
      fo,
      line,
      left: Number(line.fulfillable_quantity ?? 0),
    })),
  )
  const picked: { fo: ShopifyRecord; id: string; quantity: number }[] = []
  if (input.lines === undefined) {
    for (const l of lines) {
      if (l.left > 0) picked.push({ fo: l.fo, id: String(l.line.id), quantity: l.left })
    }
  } else {
    for (const want of input.lines) {
      let needed = want.quantity
      for (const l of lines.filter((x) => String(x.line.line_item_id) === want.lineItemId)) {
        const take = Math.min(needed, l.left)
        if (take > 0) picked.push({ fo: l.fo, id: String(l.line.id), quantity: take })
        needed -= take
      }
      if (needed > 0) {
        throw HubError.validation(
          `Shopify order ${input.orderId} has ${want.quantity - needed} of line item ${want.lineItemId} left to fulfil, not ${want.quantity}, and no fulfillment carries tracking number ${fulfillmentMatchKey(input)}`,
          { code: 'NOTHING_TO_FULFIL', path: 'line_items' },
        )
      }
    }
  }
  if (picked.length === 0) {
    throw HubError.validation(
      `Shopify order ${input.orderId} has nothing left to fulfil, and no fulfillment carries tracking number ${fulfillmentMatchKey(input)}: it was fulfilled by someone else`,
      { code: 'NOTHING_TO_FULFIL' },
    )
  }
  const locations = new Set(picked.map((p) => String(p.fo.assigned_location_id)))
  if (locations.size > 1) {
    throw HubError.validation(
      `Shopify order ${input.orderId}: the lines to ship are assigned to ${locations.size} locations; one fulfillment ships from one`,
      { code: 'MULTIPLE_LOCATIONS' },
    )
  }
  const groups = new Map<string, Group>()
  for (const p of picked) {
    const foId = String(p.fo.id)
    const group = groups.get(foId) ?? {
      fulfillment_order_id: foId,
      fulfillment_order_line_items: [],
    }
    group.fulfillment_order_line_items.push({ id: p.id, quantity: p.quantity })
    groups.set(foId, group)
  }
  return [...groups.values()]
}
