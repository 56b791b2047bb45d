/** @module connectors/shopify/shopify-order-payment-client — an order's payment and cancellation through the Admin REST API: capture what checkout authorized (or record an external payment), cancel, each safe to repeat by reading first. */
// Shopify takes no idempotency key on transactions or cancels. A capture repeated after a lost
// answer would be refused (nothing left on the authorization) or, with multi-capture, taken twice;
// a repeated cancel is refused 422. So each write reads the order first and does nothing when the
// effect is already there, and a refusal is answered by the same read.
import { HubError } from '../../errors/hub-error.ts'
import { member, numericId, records } from './shopify-rest.ts'
import type { ShopifyRecord, ShopifyRest } from './shopify-rest.ts'

/** Shopify's cancel reasons. */
export type ShopifyCancelReason =
  'customer' | 'declined' | 'fraud' | 'inventory' | 'staff' | 'other'

export interface ShopifyPaymentResult {
  [key: string]: string | boolean | null
  /** The capture or external sale that settled the order; null when checkout already had (a `sale`). */
  transactionId: string | null
  financialStatus: string
  /** false when the order was already paid: an earlier attempt (or checkout) did it. */
  created: boolean
}

export interface ShopifyCancelResult {
  [key: string]: string | boolean | null
  cancelledAt: string
  cancelReason: string | null
  financialStatus: string
  /** false when the order was already cancelled. */
  created: boolean
}

const SETTLING = new Set(['capture', 'sale'])

export class ShopifyOrderPaymentClient {
  readonly #rest: ShopifyRest

  constructor(rest: ShopifyRest) {
    this.#rest = rest
  }

  async getOrder(orderId: string, signal?: AbortSignal): Promise<ShopifyRecord | null> {
    const path = `orders/${numericId(orderId, 'order')}.json`
    const body = await this.#rest.call('GET', path, { signal, notFoundIsNull: true })
    return body === null ? null : member(body, 'order', 'GET order')
  }

  async listTransactions(orderId: string, signal?: AbortSignal): Promise<ShopifyRecord[]> {
    const path = `orders/${numericId(orderId, 'order')}/transactions.json`
    const body = await this.#rest.call('GET', path, { signal, notFoundIsNull: true })
    if (body === null) throw missing(orderId)
    return records(body, 'transactions', 'GET transactions')
  }

  /** The in-doubt read of `settlePayment`: the order's payment once it is paid, else null. */
  async findPayment(orderId: string, signal?: AbortSignal): Promise<ShopifyPaymentResult | null> {
    const order = await this.getOrder(orderId, signal)
    if (order === null) throw missing(orderId)
    if (order.financial_status !== 'paid') return null
    const settled = (await this.listTransactions(orderId, signal)).filter(
      (t) => SETTLING.has(String(t.kind)) && t.status === 'success',
    )
    const last = settled[settled.length - 1]
    return {
      transactionId:
        last === undefined || (last.kind === 'sale' && last.source_name !== 'external')
          ? null
          : String(last.id),
      financialStatus: 'paid',
      created: false,
    }
  }

  /**
   * Makes the order paid, once: an `authorized` order's authorization is captured in full, a
   * `pending` one (manual payment, e.g. on invoice) gets the payment recorded as an external sale;
   * a `paid` one is left alone. Any other status (voided, refunded) is a validation error naming it.
   */
  async settlePayment(orderId: string, signal?: AbortSignal): Promise<ShopifyPaymentResult> {
    const done = await this.findPayment(orderId, signal)
    if (done !== null) return done
    const order = await this.getOrder(orderId, signal)
    const status = String(order?.financial_status)
    const transactions = await this.listTransactions(orderId, signal)
    let transaction: ShopifyRecord
    if (status === 'authorized' || status === 'partially_paid') {
      const auth = transactions.find((t) => t.kind === 'authorization' && t.status === 'success')
      if (auth === undefined) {
        throw HubError.validation(
          `Shopify order ${orderId} is ${status} but has no successful authorization to capture`,
          { code: 'NO_AUTHORIZATION' },
        )
      }
      transaction = { kind: 'capture', parent_id: auth.id }
    } else if (status === 'pending') {
      transaction = { kind: 'sale', source: 'external' }
    } else {
      throw HubError.validation(
        `Shopify order ${orderId} cannot be settled: its financial status is ${status}`,
        { code: 'NOT_PAYABLE', path: 'financial_status' },
      )
    }
    try {
      const body = await this.#rest.call(
        'POST',
        `orders/${numericId(orderId, 'order')}/transactions.json`,
        { body: { transaction }, signal },
      )
      const created = member(body, 'transaction', 'POST transaction')
      return { transactionId: String(created.id), financialStatus: 'paid', created: true }
    } catch (error) {
      if (!(HubError.is(error) && error.type === 'validation')) throw error
      const found = await this.findPayment(orderId, signal)
      if (found !== null) return found
      throw error
    }
  }

  /** The in-doubt read of `cancelOrder`: the cancellation once the order is cancelled, else null. */
  async findCancellation(
    orderId: string,
    signal?: AbortSignal,
  ): Promise<ShopifyCancelResult | null> {
    const order = await this.getOrder(orderId, signal)
    if (order === null) throw missing(orderId)
    if (typeof order.cancelled_at !== 'string') return null
    return {
      cancelledAt: order.cancelled_at,
      cancelReason: typeof order.cancel_reason === 'string' ? order.cancel_reason : null,
      financialStatus: String(order.financial_status),
      created: false,
    }
  }

  /**
   * Cancels the order once (payments voided or refunded by Shopify). A cancelled order is left
   * alone; a refusal (e.g. it has fulfillments) stays a validation error for a person to look at.
   */
  async cancelOrder(
    orderId: string,
    options: { reason: ShopifyCancelReason; notifyCustomer?: boolean; signal?: AbortSignal },
  ): Promise<ShopifyCancelResult> {
    const { signal } = options
    const done = await this.findCancellation(orderId, signal)
    if (done !== null) return done
    try {
      const body = await this.#rest.call(
        'POST',
        `orders/${numericId(orderId, 'order')}/cancel.json`,
        { body: { reason: options.reason, email: options.notifyCustomer ?? false }, signal },
      )
      const order = member(body, 'order', 'POST cancel')
      return {
        cancelledAt: String(order.cancelled_at),
        cancelReason: typeof order.cancel_reason === 'string' ? order.cancel_reason : null,
        financialStatus: String(order.financial_status),
        created: true,
      }
    } catch (error) {
      if (!(HubError.is(error) && error.type === 'validation')) throw error
      const found = await this.findCancellation(orderId, signal)
      if (found !== null) return found
      throw error
    }
  }
}

function missing(orderId: string): HubError {
  return HubError.validation(`Shopify order ${orderId} does not exist`, {
    code: 'ORDER_NOT_FOUND',
    status: 404,
  })
}
