/** @module sandbox/shopify/shopify-payment-book — an order's payment transactions (authorization, capture, sale, void, refund) and what capturing or cancelling does to its financial status. */

import type { FulfillmentBook } from './shopify-fulfillment-book.ts'
import type { OrderRecord, Resource, ShopifyStore } from './shopify-store.ts'
import { money, toId } from './shopify-wire.ts'

export const TRANSACTION_KINDS = ['authorization', 'capture', 'sale', 'void', 'refund'] as const
export type TransactionKind = (typeof TRANSACTION_KINDS)[number]

/** Shopify's cancel reasons (REST `reason`). */
export const CANCEL_REASONS = [
  'customer',
  'declined',
  'fraud',
  'inventory',
  'staff',
  'other',
] as const

export interface TransactionRecord {
  readonly id: bigint
  readonly orderId: bigint
  readonly kind: TransactionKind
  readonly cents: number
  readonly parentId: bigint | null
  readonly source: string
  readonly at: number
}

export type PaymentOutcome =
  | { readonly ok: true; readonly transaction: TransactionRecord }
  | { readonly ok: false; readonly status: number; readonly errors: Record<string, string[]> }

const refuse = (field: string, message: string): PaymentOutcome => ({
  ok: false,
  status: 422,
  errors: { [field]: [message] },
})

const centsOf = (value: unknown): number => Math.round(Number(value ?? 0) * 100)

export class PaymentBook {
  readonly #store: ShopifyStore
  readonly #fulfillments: FulfillmentBook
  #byOrder = new Map<bigint, TransactionRecord[]>()

  constructor(store: ShopifyStore, fulfillments: FulfillmentBook) {
    this.#store = store
    this.#fulfillments = fulfillments
  }

  /**
   * The order's transactions. Checkout made the first one: an authorization for an `authorized`
   * order, a sale for a `paid` one, none for a `pending` (manual payment) one.
   */
  transactionsOf(order: OrderRecord): TransactionRecord[] {
    const known = this.#byOrder.get(order.id)
    if (known) return known
    const status = String(order.body.financial_status)
    const first: TransactionRecord[] =
      status === 'authorized' || status === 'paid'
        ? [this.#make(order, status === 'paid' ? 'sale' : 'authorization', null, 'web')]
        : []
    this.#byOrder.set(order.id, first)
    return first
  }

  /**
   * `POST orders/{id}/transactions.json`: a `capture` of an authorization (its `parent_id`, or the
   * order's only one), or a `sale` with `source: external` recording a payment taken outside
   * Shopify on a pending order. Like Shopify, a capture beyond what is left is refused, not clipped.
   */
  create(order: OrderRecord, input: Resource): PaymentOutcome {
    if (order.body.cancelled_at !== null) return refuse('base', 'Order has been cancelled')
    const kind = typeof input.kind === 'string' ? input.kind : ''
    const transactions = this.transactionsOf(order)
    const total = centsOf(order.body.total_price)
    const settled = sumOf(transactions, ['capture', 'sale'])
    const amount = input.amount === undefined ? undefined : centsOf(input.amount)
    if (amount !== undefined && (!Number.isFinite(amount) || amount <= 0)) {
      return refuse('amount', 'must be greater than 0')
    }
    let created: TransactionRecord
    if (kind === 'capture') {
      const auths = transactions.filter((t) => t.kind === 'authorization')
      // An id the API cannot read matches no authorization: refused below, as Shopify does.
      const parentId = input.parent_id === undefined ? undefined : toId(input.parent_id)
      const parent =
        parentId === undefined
          ? auths.length === 1
            ? auths[0]
            : undefined
          : auths.find((t) => t.id === parentId)
      if (parent === undefined) {
        return refuse('parent_id', 'must be the id of an authorization transaction of this order')
      }
      const left = parent.cents - sumOf(transactions, ['capture'], parent.id)
      const take = amount ?? left
      if (left <= 0 || take > left) {
        return refuse('amount', `cannot be more than the ${money(left)} left on the authorization`)
      }
      created = this.#make(order, 'capture', parent.id, 'web', take)
    } else if (kind === 'sale') {
      if (input.source !== 'external') {
        return refuse('source', 'a sale on an existing order must be an external payment')
      }
      const take = amount ?? total - settled
      if (take <= 0 || settled + take > total) {
        return refuse('amount', `cannot be more than the ${money(total - settled)} outstanding`)
      }
      created = this.#make(order, 'sale', null, 'external', take)
    } else {
      return refuse('kind', 'must be capture, or sale with source external')
    }
    transactions.push(created)
    const paid = sumOf(transactions, ['capture', 'sale'])
    this.#store.touch(order, { financial_status: paid >= total ? 'paid' : 'partially_paid' })
    return { ok: true, transaction: created }
  }

  /**
   * `POST orders/{id}/cancel.json`: voids what is only authorized, refunds what was paid, and
   * closes the fulfillment orders. A fulfilled order, or a cancelled one, cannot be cancelled.
   */
  cancel(order: OrderRecord, reason: string): { ok: true } | { ok: false; message: string } {
    if (order.body.cancelled_at !== null) {
      return { ok: false, message: 'Order has already been cancelled' }
    }
    if (this.#fulfillments.fulfillmentsOf(order.id).some((f) => f.body.status === 'success')) {
      return { ok: false, message: 'Cannot cancel an order that has fulfillments' }
    }
    const transactions = this.transactionsOf(order)
    const paid = sumOf(transactions, ['capture', 'sale'])
    const authorized = transactions.find((t) => t.kind === 'authorization')
    let financial = 'voided'
    if (paid > 0) {
      transactions.push(this.#make(order, 'refund', null, 'web', paid))
      financial = 'refunded'
    } else if (authorized !== undefined) {
      transactions.push(this.#make(order, 'void', authorized.id, 'web', authorized.cents))
    }
    for (const fo of this.#fulfillments.fulfillmentOrdersOf(order)) fo.status = 'closed'
    const at = this.#store.time(this.#store.now())
    this.#store.touch(order, {
      cancelled_at: at,
      closed_at: at,
      cancel_reason: reason,
      financial_status: financial,
    })
    return { ok: true }
  }

  reset(): void {
    this.#byOrder = new Map()
  }

  #make(
    order: OrderRecord,
    kind: TransactionKind,
    parentId: bigint | null,
    source: string,
    cents = centsOf(order.body.total_price),
  ): TransactionRecord {
    const at = this.#store.now()
    return {
      id: this.#store.nextId('transaction'),
      orderId: order.id,
      kind,
      cents,
      parentId,
      source,
      at,
    }
  }
}

function sumOf(
  transactions: readonly TransactionRecord[],
  kinds: readonly TransactionKind[],
  parentId?: bigint,
): number {
  return transactions
    .filter((t) => kinds.includes(t.kind) && (parentId === undefined || t.parentId === parentId))
    .reduce((total, t) => total + t.cents, 0)
}

/** A transaction as the REST API shows it. */
export function transactionView(
  t: TransactionRecord,
  order: OrderRecord,
  time: (ms: number) => string,
): Resource {
  return {
    id: t.id,
    admin_graphql_api_id: `gid://shopify/OrderTransaction/${t.id}`,
    order_id: order.id,
    kind: t.kind,
    gateway: t.source === 'external' ? 'manual' : 'bogus',
    status: 'success',
    message: null,
    created_at: time(t.at),
    processed_at: time(t.at),
    test: true,
    authorization: t.kind === 'authorization' ? `auth-${t.id}` : null,
    parent_id: t.parentId,
    amount: money(t.cents),
    currency: order.body.currency,
    source_name: t.source === 'external' ? 'external' : 'web',
  }
}
