/** @module sandbox/shopify/shopify-payment-routes — orders/{id}/transactions.json (capture an authorization, record an external payment) and orders/{id}/cancel.json. */

import type { FastifyRequest } from 'fastify'
import type { AdminRouter, ShopifyAdminDeps } from './shopify-admin-api.ts'
import { idKey, paramsOf } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyJson } from './shopify-errors.ts'
import { CANCEL_REASONS, transactionView } from './shopify-payment-book.ts'
import type { PaymentBook } from './shopify-payment-book.ts'
import type { OrderRecord } from './shopify-store.ts'
import { toId } from './shopify-wire.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function mountPaymentRoutes(
  router: AdminRouter,
  deps: ShopifyAdminDeps,
  payments: PaymentBook,
): void {
  const { store, ledger } = deps
  const orderOf = (request: FastifyRequest): OrderRecord | undefined => {
    const id = toId(paramsOf(request).id)
    return id === null ? undefined : store.orders.get(id)
  }
  const time = (ms: number): string => store.time(ms)

  router.route(
    'GET',
    'orders/:id/transactions.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      const views = payments.transactionsOf(order).map((t) => transactionView(t, order, time))
      return shopifyJson(200, { transactions: views })
    },
    idKey('order'),
  )

  router.route(
    'POST',
    'orders/:id/transactions.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      const body = request.body
      if (!isObject(body) || !isObject(body.transaction)) {
        return shopifyErrors.invalid(400, { transaction: 'Required parameter missing or invalid' })
      }
      const before = order.body.financial_status
      const outcome = payments.create(order, body.transaction)
      if (!outcome.ok) return shopifyErrors.invalid(outcome.status, outcome.errors)
      ledger.recordEffect({ recordType: 'transaction', key: String(order.id) }, 'create')
      if (before !== 'paid' && order.body.financial_status === 'paid') {
        deps.emit('orders/paid', order.body, order.id)
      }
      deps.emit('orders/updated', order.body, order.id)
      return shopifyJson(201, { transaction: transactionView(outcome.transaction, order, time) })
    },
    idKey('order'),
  )

  router.route(
    'POST',
    'orders/:id/cancel.json',
    (request) => {
      const order = orderOf(request)
      if (!order) return shopifyErrors.notFound()
      const body = isObject(request.body) ? request.body : {}
      const reason = body.reason ?? 'other'
      if (typeof reason !== 'string' || !(CANCEL_REASONS as readonly string[]).includes(reason)) {
        return shopifyErrors.invalid(422, { reason: ['is not included in the list'] })
      }
      const outcome = payments.cancel(order, reason)
      if (!outcome.ok) return shopifyJson(422, { error: outcome.message })
      ledger.recordEffect({ recordType: 'order', key: String(order.id) }, 'update')
      deps.emit('orders/cancelled', order.body, order.id)
      return shopifyJson(200, { order: order.body })
    },
    idKey('order'),
  )
}
