/** @module sandbox/threepl/threepl-order-routes — /v1/fulfillment_orders: create (unique by merchant order id), read by id or by business key, cancel before shipping. */

import type { FastifyRequest } from 'fastify'
import type { BusinessKey } from '../kit/effects-ledger.ts'
import { jsonResponse } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { paginate, paramsOf, queryOf } from './threepl-api.ts'
import type { ApiRouter } from './threepl-api.ts'
import { threeplErrors } from './threepl-errors.ts'
import { isOrderStatus, orderView } from './threepl-orders.ts'
import type { FulfillmentOrder } from './threepl-orders.ts'
import { checkNewOrder, isObject } from './threepl-validation.ts'
import type { ThreePlRouteDeps } from './threepl-vendor-routes.ts'

export const ORDER_RECORD = 'fulfillment_order'

export function mountOrderRoutes(router: ApiRouter, deps: ThreePlRouteDeps): void {
  const { orders, warehouse, ledger } = deps
  const location = (order: FulfillmentOrder): string =>
    `${deps.baseUrl()}/v1/fulfillment_orders/${order.id}`
  const keyOf = (reference: string): BusinessKey => ({ recordType: ORDER_RECORD, key: reference })
  const orderOf = (request: FastifyRequest): FulfillmentOrder | undefined =>
    orders.get(paramsOf(request).id ?? '')
  const keyById = (request: FastifyRequest): BusinessKey | null => {
    const order = orderOf(request)
    return order ? keyOf(order.externalReference) : null
  }
  const keyByBody = (request: FastifyRequest): BusinessKey | null => {
    const body = request.body
    return isObject(body) && typeof body.external_reference === 'string'
      ? keyOf(body.external_reference)
      : null
  }

  router.route(
    'POST',
    '/fulfillment_orders',
    (request) => {
      const body = request.body
      if (!isObject(body)) return threeplErrors.badRequest('The body must be a JSON object.')
      const checked = checkNewOrder(body, (sku) => deps.inventory.knows(sku))
      if (!checked.ok) return threeplErrors.validation(checked.errors)
      // The merchant order id is unique per account: a retry that lost its answer (or a second
      // sender) learns which order already holds it instead of creating another shipment.
      const existing = orders.byReference(checked.value.externalReference)
      if (existing) return threeplErrors.duplicateReference(existing.id, location(existing))
      const order = warehouse.receive(checked.value)
      ledger.recordEffect(keyOf(order.externalReference), 'create')
      return jsonResponse(201, orderView(order), { location: location(order) })
    },
    keyByBody,
  )

  router.route(
    'GET',
    '/fulfillment_orders/:id',
    (request) => {
      warehouse.run()
      const order = orderOf(request)
      return order
        ? jsonResponse(200, orderView(order))
        : threeplErrors.notFound('fulfillment order')
    },
    keyById,
  )

  router.route(
    'GET',
    '/fulfillment_orders',
    (request) => {
      warehouse.run()
      const page = paginate(
        request,
        ['external_reference', 'status'],
        (filters): FulfillmentOrder[] | SimResponse => {
          const { status, external_reference: reference } = filters
          if (status !== undefined && !isOrderStatus(status)) {
            return threeplErrors.badRequest(`status must be one of the order statuses.`)
          }
          const found = reference === undefined ? orders.list() : [orders.byReference(reference)]
          return found.filter(
            (o): o is FulfillmentOrder =>
              o !== undefined && (status === undefined || o.status === status),
          )
        },
        (o) => o.id,
        (a, b) => (a < b ? -1 : a > b ? 1 : 0),
        { default: 25, max: 100 },
      )
      if ('status' in page) return page
      return jsonResponse(200, {
        data: page.items.map(orderView),
        has_more: page.hasMore,
        next_cursor: page.nextCursor,
      })
    },
    (request) => {
      const reference = queryOf(request).external_reference
      return reference === undefined ? null : keyOf(reference)
    },
  )

  router.route(
    'POST',
    '/fulfillment_orders/:id/cancel',
    (request) => {
      const order = orderOf(request)
      if (!order) return threeplErrors.notFound('fulfillment order')
      const body = request.body
      const reason = isObject(body) && typeof body.reason === 'string' ? body.reason : null
      switch (warehouse.cancel(order, reason)) {
        case 'shipped':
          return threeplErrors.invalidState(
            'order_already_shipped',
            'A shipped order cannot be cancelled.',
            order.status,
          )
        case 'cancelled':
          ledger.recordEffect(keyOf(order.externalReference), 'update')
          return jsonResponse(200, orderView(order))
        case 'unchanged':
          return jsonResponse(200, orderView(order))
      }
    },
    keyById,
  )
}
