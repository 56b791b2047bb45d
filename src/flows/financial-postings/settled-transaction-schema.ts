/** @module flows/financial-postings/settled-transaction-schema — the source events: Shopify order transactions, as the REST Admin API lists them. */
import { z } from 'zod'
import { CurrencyCode, DecimalString } from '../../canonical/index.ts'

/** Shopify ids are int64: kept as exact strings, never JS numbers (see parseShopifyJson). */
const ShopifyId = z.union([z.string().regex(/^\d+$/), z.int().nonnegative()]).transform(String)

/** The kinds that move money once settled; authorizations and voids post nothing. */
export const POSTED_KINDS = ['sale', 'capture', 'refund'] as const

export const ShopifyOrderTransaction = z.object({
  id: ShopifyId,
  order_id: ShopifyId,
  kind: z.string().min(1),
  status: z.string().min(1),
  amount: DecimalString,
  currency: CurrencyCode,
  /** With the shop's UTC offset, e.g. `2026-11-28T10:00:00-05:00`: its date is the shop's day. */
  processed_at: z.iso.datetime({
    offset: true,
    error: 'expected processed_at as an ISO-8601 instant with its offset',
  }),
  gateway: z.string().nullish(),
  test: z.boolean().optional(),
})
export type ShopifyOrderTransaction = z.infer<typeof ShopifyOrderTransaction>

/** The message a settlement extract arrives as: the shop's transactions of one or more days. */
export const SettledTransactionsMessage = z.object({
  transactions: z.array(ShopifyOrderTransaction).min(1, 'the extract holds no transactions'),
})
export type SettledTransactionsMessage = z.infer<typeof SettledTransactionsMessage>

/** Settled money: a successful sale, capture or refund (a test one only when `includeTest`). */
export function isSettled(t: ShopifyOrderTransaction, includeTest = false): boolean {
  return (
    t.status === 'success' &&
    (includeTest || t.test !== true) &&
    (POSTED_KINDS as readonly string[]).includes(t.kind)
  )
}
