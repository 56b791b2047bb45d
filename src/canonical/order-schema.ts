/** @module canonical/order-schema — the canonical Order, version 1. */
import { z } from 'zod'
import { Customer } from './customer-schema.ts'
import { CurrencyCode, DecimalString } from './money.ts'
import { Address, ExternalId, SourceRef } from './source-ref.ts'

export const ORDER_FINANCIAL_STATUSES = [
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
] as const

export const OrderLine = z.object({
  /** The line's id in the source system. */
  sourceLineId: ExternalId,
  sku: z.string().min(1, 'every order line needs a SKU to be matched to an ERP item'),
  title: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: DecimalString,
})
export type OrderLine = z.infer<typeof OrderLine>

export const Order = z.object({
  kind: z.literal('order'),
  schemaVersion: z.literal(1),
  source: SourceRef,
  /** The human-facing order number, e.g. `#1001`. */
  orderName: z.string().min(1),
  currency: CurrencyCode,
  customer: Customer,
  lines: z.array(OrderLine).min(1, 'an order needs at least one line'),
  subtotal: DecimalString,
  tax: DecimalString,
  total: DecimalString,
  financialStatus: z.enum(ORDER_FINANCIAL_STATUSES).optional(),
  billingAddress: Address.optional(),
  shippingAddress: Address.optional(),
  /** ISO-8601 instant the order was placed at the source. */
  placedAt: z.iso.datetime({ offset: true }),
})
export type Order = z.infer<typeof Order>
