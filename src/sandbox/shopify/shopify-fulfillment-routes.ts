/** @module sandbox/shopify/shopify-fulfillment-routes — fulfillment_orders.json and fulfillments.json: the REST fulfillment API (no idempotency key, a repeat is refused 422). */

import type { FastifyRequest } from 'fastify'
import type { AdminRouter, ShopifyAdminDeps } from './shopify-admin-api.ts'
import { paramsOf } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyJson } from './shopify-errors.ts'
import type {
  FulfillmentOrderRecord,
  FulfillmentOrderRequest,
  FulfillmentOutcome,
  FulfillmentRequest,
} from './shopify-fulfillment-book.ts'
import { LOCATIONS } from './shopify-inventory.ts'
import type { OrderRecord, Resource } from './shopify-store.ts'
import { toId } from './shopify-wire.ts'

export const SHOP_ID = 548380009n

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : []

/** The REST fulfillment_order resource. */
export function fulfillmentOrderResource(
  fo: FulfillmentOrderRecord,
  order: OrderRecord,
  time: (ms: number) => string,
): Resource {
  const location = LOCATIONS.find((l) => l.id === fo.locationId)
  const ship = isObject(order.body.shipping_address) ? order.body.shipping_address : null
  return {
    id: fo.id,
    admin_graphql_api_id: `gid://shopify/FulfillmentOrder/${fo.id}`,
    shop_id: SHOP_ID,
    order_id: fo.orderId,
    assigned_location_id: fo.locationId,
    request_status: 'unsubmitted',
    status: fo.status,
    supported_actions: fo.status === 'closed' ? [] : ['create_fulfillment', 'move', 'hold'],
    destination: ship && {
      first_name: ship.first_name ?? null,
      last_name: ship.last_name ?? null,
      address1: ship.address1 ?? null,
      city: ship.city ?? null,
      province: ship.province ?? null,
      zip: ship.zip ?? null,
      country: ship.country ?? null,
      email: order.body.email ?? null,
    },
    line_items: fo.lines.map((l) => ({
      id: l.id,
      shop_id: SHOP_ID,
      fulfillment_order_id: fo.id,
      quantity: l.quantity,
      line_item_id: l.lineItemId,
      inventory_item_id: l.inventoryItemId,
      fulfillable_quantity: l.remaining,
      variant_id: l.variantId,
    })),
    fulfill_at: time(fo.createdAt),
    fulfill_by: null,
    international_duties: null,
    fulfillment_holds: [],
    delivery_method: { method_type: 'shipping', min_delivery_date_time: null },
    assigned_location: location && {
      address1: location.address1,
      city: location.city,
      country_code: 'US',
      location_id: location.id,
      name: location.name,
      province: location.province,
      zip: location.zip,
    },
    merchant_requests: [],
    created_at: time(fo.createdAt),
    updated_at: time(fo.updatedAt),
  }
}

type Parsed =
  { ok: true; request: FulfillmentRequest } | { ok: false; status: number; errors: unknown }

/** Reads `{"fulfillment": {line_items_by_fulfillment_order, tracking_info, notify_customer}}`. */
export function parseRestFulfillment(body: unknown): Parsed {
  const f = isObject(body) ? body.fulfillment : undefined
  if (!isObject(f)) {
    return {
      ok: false,
      status: 400,
      errors: { fulfillment: 'Required parameter missing or invalid' },
    }
  }
  const groups = f.line_items_by_fulfillment_order
  if (!Array.isArray(groups) || groups.length === 0) {
    return {
      ok: false,
      status: 400,
      errors: { line_items_by_fulfillment_order: 'Required parameter missing or invalid' },
    }
  }
  const byFulfillmentOrder: FulfillmentOrderRequest[] = []
  for (const group of groups as unknown[]) {
    const foId = isObject(group) ? toId(group.fulfillment_order_id) : null
    if (!isObject(group) || foId === null) {
      return { ok: false, status: 422, errors: ['Fulfillment order does not exist.'] }
    }
    const rawLines = group.fulfillment_order_line_items
    let lines: { id: bigint; quantity: number }[] | null = null
    if (Array.isArray(rawLines)) {
      lines = []
      for (const raw of rawLines as unknown[]) {
        const id = isObject(raw) ? toId(raw.id) : null
        const quantity = isObject(raw) ? raw.quantity : undefined
        if (id === null || typeof quantity !== 'number') {
          return {
            ok: false,
            status: 422,
            errors: ['Invalid fulfillment order line item quantity requested.'],
          }
        }
        lines.push({ id, quantity })
      }
    }
    byFulfillmentOrder.push({ fulfillmentOrderId: foId, lines })
  }
  const t = isObject(f.tracking_info) ? f.tracking_info : {}
  const number = text(t.number)
  const url = text(t.url)
  return {
    ok: true,
    request: {
      byFulfillmentOrder,
      tracking: {
        numbers: texts(t.numbers).length > 0 ? texts(t.numbers) : number === null ? [] : [number],
        company: text(t.company),
        urls: texts(t.urls).length > 0 ? texts(t.urls) : url === null ? [] : [url],
      },
    },
  }
}

/** The effects of a fulfillment, whichever API made it: ledger entries and the webhooks Shopify fires. */
export function afterFulfillment(
  deps: ShopifyAdminDeps,
  outcome: Extract<FulfillmentOutcome, { ok: true }>,
): void {
  const { fulfillment, order } = outcome
  deps.ledger.recordEffect({ recordType: 'fulfillment', key: String(fulfillment.id) }, 'create')
  deps.ledger.recordEffect({ recordType: 'order', key: String(order.id) }, 'update')
  deps.emit('fulfillments/create', fulfillment.body, fulfillment.id)
  const topic =
    order.body.fulfillment_status === 'fulfilled'
      ? 'orders/fulfilled'
      : 'orders/partially_fulfilled'
  deps.emit(topic, order.body, order.id)
  deps.emit('orders/updated', order.body, order.id)
}

export function mountFulfillmentRoutes(router: AdminRouter, deps: ShopifyAdminDeps): void {
  const { store, fulfillments } = deps
  const orderOf = (request: FastifyRequest): OrderRecord | undefined => {
    const id = toId(paramsOf(request).id)
    return id === null ? undefined : store.orders.get(id)
  }
  const orderKey = (request: FastifyRequest) => {
    const id = toId(paramsOf(request).id)
    return id === null ? null : { recordType: 'order', key: String(id) }
  }
  const time = (ms: number): string => store.time(ms)

  router.route(
    'GET',
    'orders/:id/fulfillment_orders.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      const fos = fulfillments.fulfillmentOrdersOf(order)
      return shopifyJson(200, {
        fulfillment_orders: fos.map((fo) => fulfillmentOrderResource(fo, order, time)),
      })
    },
    orderKey,
  )
  router.route('GET', 'fulfillment_orders/:id.json', (request) => {
    const id = toId(paramsOf(request).id)
    const fo = id === null ? undefined : fulfillments.fulfillmentOrder(id)
    const order = fo && store.orders.get(fo.orderId)
    return fo && order
      ? shopifyJson(200, { fulfillment_order: fulfillmentOrderResource(fo, order, time) })
      : shopifyErrors.notFound()
  })
  router.route(
    'GET',
    'orders/:id/fulfillments.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      return shopifyJson(200, {
        fulfillments: fulfillments.fulfillmentsOf(order.id).map((f) => f.body),
      })
    },
    orderKey,
  )
  router.route(
    'GET',
    'orders/:id/fulfillments/count.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      return shopifyJson(200, { count: fulfillments.fulfillmentsOf(order.id).length })
    },
    orderKey,
  )
  router.route(
    'GET',
    'orders/:id/fulfillments/:fulfillmentId.json',
    (request) => {
      const order = orderOf(request)
      const id = toId(paramsOf(request).fulfillmentId)
      const found = order && fulfillments.fulfillmentsOf(order.id).find((f) => f.id === id)
      return found ? shopifyJson(200, { fulfillment: found.body }) : shopifyErrors.notFound()
    },
    orderKey,
  )
  router.route(
    'POST',
    'fulfillments.json',
    (request) => {
      const parsed = parseRestFulfillment(request.body)
      if (!parsed.ok) return shopifyErrors.invalid(parsed.status, parsed.errors)
      const outcome = fulfillments.create(parsed.request)
      if (!outcome.ok) {
        return outcome.status === 404
          ? shopifyErrors.notFound()
          : shopifyErrors.invalid(outcome.status, [outcome.message])
      }
      afterFulfillment(deps, outcome)
      return shopifyJson(201, { fulfillment: outcome.fulfillment.body })
    },
    (request) => {
      const body = request.body as { fulfillment?: { line_items_by_fulfillment_order?: unknown } }
      const groups = body?.fulfillment?.line_items_by_fulfillment_order
      const first = Array.isArray(groups) ? (groups[0] as Record<string, unknown>) : undefined
      const foId = toId(first?.fulfillment_order_id)
      return foId === null ? null : { recordType: 'fulfillment_order', key: String(foId) }
    },
  )
}
