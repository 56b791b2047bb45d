/** @module sandbox/shopify/shopify-order-routes — orders.json and customers.json: the Admin REST resources the hub reads and reconciles against. */

import type { FastifyRequest } from 'fastify'
import type { SimResponse } from '../kit/sim-response.ts'
import { idKey, pageOf, paramsOf } from './shopify-admin-api.ts'
import type { AdminRouter, ShopifyAdminDeps } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyJson } from './shopify-errors.ts'
import { buildOrder, draftFromAdminBody } from './shopify-order-builder.ts'
import type { CustomerRecord, OrderRecord } from './shopify-store.ts'
import { toId } from './shopify-wire.ts'

type Params = Readonly<Record<string, string | undefined>>

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Fields an app may change on an order through PUT orders/{id}.json. */
const ORDER_EDITABLE = [
  'email',
  'note',
  'tags',
  'phone',
  'buyer_accepts_marketing',
  'shipping_address',
] as const
const CUSTOMER_EDITABLE = ['email', 'first_name', 'last_name', 'phone', 'tags', 'note'] as const

function timeFilter(min: string | undefined, max: string | undefined, at: number): boolean {
  const lo = min === undefined ? Number.NaN : Date.parse(min)
  const hi = max === undefined ? Number.NaN : Date.parse(max)
  return (Number.isNaN(lo) || at >= lo) && (Number.isNaN(hi) || at <= hi)
}

/**
 * status (open by default, as Shopify: a client that forgets status=any misses closed and cancelled
 * orders); `ids` (comma-separated) keeps only those orders.
 */
export function orderFilter(orders: readonly OrderRecord[], params: Params): OrderRecord[] {
  const status = params.status ?? 'open'
  const ids =
    params.ids === undefined ? undefined : new Set(params.ids.split(',').map((i) => i.trim()))
  return orders.filter((o) => {
    if (ids !== undefined && !ids.has(String(o.id))) return false
    const closed = o.body.closed_at !== null
    const cancelled = o.body.cancelled_at !== null
    const statusOk =
      status === 'any' ||
      (status === 'open' && !closed && !cancelled) ||
      (status === 'closed' && closed) ||
      (status === 'cancelled' && cancelled)
    return (
      statusOk &&
      timeFilter(params.created_at_min, params.created_at_max, o.createdAt) &&
      timeFilter(params.updated_at_min, params.updated_at_max, o.updatedAt)
    )
  })
}

function pick(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in source).map((f) => [f, source[f]]))
}

export function mountOrderRoutes(router: AdminRouter, deps: ShopifyAdminDeps): void {
  const { store, ledger } = deps
  const listUrl = (version: string, resource: string): string =>
    `${deps.baseUrl()}/admin/api/${version}/${resource}.json`
  const orderOf = (request: FastifyRequest): OrderRecord | undefined => {
    const id = toId(paramsOf(request).id)
    return id === null ? undefined : store.orders.get(id)
  }
  const customerOf = (request: FastifyRequest): CustomerRecord | undefined => {
    const id = toId(paramsOf(request).id)
    return id === null ? undefined : store.customers.get(id)
  }
  const listed = <T extends { id: bigint; body: Record<string, unknown> }>(
    page: ReturnType<typeof pageOf<T>>,
    root: string,
  ): SimResponse => {
    if ('status' in page) return page
    return shopifyJson(
      200,
      { [root]: page.items.map((r) => r.body) },
      page.link ? { link: page.link } : {},
    )
  }
  const customerCreated = (customer: CustomerRecord): void => {
    ledger.recordEffect({ recordType: 'customer', key: String(customer.id) }, 'create')
    deps.emit('customers/create', customer.body, customer.id)
  }

  router.route('GET', 'orders.json', (request, version) =>
    listed(
      pageOf(store.sortedOrders(), request, listUrl(version, 'orders'), orderFilter),
      'orders',
    ),
  )
  router.route('GET', 'orders/count.json', (request) =>
    shopifyJson(200, { count: orderFilter(store.sortedOrders(), request.query as Params).length }),
  )
  router.route('POST', 'orders.json', (request) => {
    const result = draftFromAdminBody(store, request.body, deps.currency)
    if (!result.ok) return shopifyErrors.invalid(result.status, result.errors)
    if (result.newCustomer) customerCreated(result.newCustomer)
    const order = buildOrder(store, result.draft)
    ledger.recordEffect({ recordType: 'order', key: String(order.id) }, 'create')
    deps.emit('orders/create', order.body, order.id)
    return shopifyJson(201, { order: order.body })
  })
  router.route(
    'GET',
    'orders/:id.json',
    (request) => {
      const order = orderOf(request)
      return order ? shopifyJson(200, { order: order.body }) : shopifyErrors.notFound()
    },
    idKey('order'),
  )
  router.route(
    'PUT',
    'orders/:id.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      const body = request.body
      if (!isObject(body) || !isObject(body.order)) {
        return shopifyErrors.invalid(400, { order: 'Required parameter missing or invalid' })
      }
      store.touch(order, pick(body.order, ORDER_EDITABLE))
      ledger.recordEffect({ recordType: 'order', key: String(order.id) }, 'update')
      deps.emit('orders/updated', order.body, order.id)
      return shopifyJson(200, { order: order.body })
    },
    idKey('order'),
  )

  router.route('GET', 'customers.json', (request, version) =>
    listed(pageOf(store.sortedCustomers(), request, listUrl(version, 'customers')), 'customers'),
  )
  router.route('POST', 'customers.json', (request) => {
    const body = request.body
    if (!isObject(body) || !isObject(body.customer)) {
      return shopifyErrors.invalid(400, { customer: 'Required parameter missing or invalid' })
    }
    const c = body.customer
    const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
    const email = str(c.email)
    if (email !== null && store.customerByEmail(email)) {
      return shopifyErrors.invalid(422, { email: ['has already been taken'] })
    }
    if (
      email === null &&
      str(c.phone) === null &&
      str(c.first_name) === null &&
      str(c.last_name) === null
    ) {
      return shopifyErrors.invalid(422, {
        customer: ['Customer must have a name, phone number or email address'],
      })
    }
    const customer = store.createCustomer({
      email,
      firstName: str(c.first_name),
      lastName: str(c.last_name),
      phone: str(c.phone),
      currency: deps.currency,
    })
    if (typeof c.tags === 'string') customer.body.tags = c.tags
    customerCreated(customer)
    return shopifyJson(201, { customer: customer.body })
  })
  router.route(
    'GET',
    'customers/:id.json',
    (request) => {
      const customer = customerOf(request)
      return customer ? shopifyJson(200, { customer: customer.body }) : shopifyErrors.notFound()
    },
    idKey('customer'),
  )
  router.route(
    'PUT',
    'customers/:id.json',
    (request) => {
      const customer = customerOf(request)
      if (!customer) return shopifyErrors.notFound()
      const body = request.body
      if (!isObject(body) || !isObject(body.customer)) {
        return shopifyErrors.invalid(400, { customer: 'Required parameter missing or invalid' })
      }
      const email = body.customer.email
      const holder = typeof email === 'string' ? store.customerByEmail(email) : undefined
      if (holder && holder !== customer) {
        return shopifyErrors.invalid(422, { email: ['has already been taken'] })
      }
      store.touch(customer, pick(body.customer, CUSTOMER_EDITABLE))
      ledger.recordEffect({ recordType: 'customer', key: String(customer.id) }, 'update')
      deps.emit('customers/update', customer.body, customer.id)
      return shopifyJson(200, { customer: customer.body })
    },
    idKey('customer'),
  )
}
