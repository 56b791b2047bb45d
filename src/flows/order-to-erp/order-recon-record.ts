/** @module flows/order-to-erp/order-recon-record — an order in the one comparison form both reconciliation sides produce: the fields the order flow writes and commerce owns. */
import type { Order } from '../../canonical/index.ts'
import {
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
} from '../../connectors/netsuite/netsuite-mapping.ts'
import type { ReconRecord } from '../../reconciliation/reconciliation-port.ts'

/** The reconciliation domain of orders, as the policy names it. */
export const ORDER_DOMAIN = 'orderLifecycle'

/** The sales orders the order flow owns in NetSuite: `SHOPIFY-O-<order id>`. */
export const SHOPIFY_SALES_ORDER_PREFIX = 'SHOPIFY-O-'

/** `SHOPIFY-O-123` → `123`, or undefined for a key no Shopify order made. */
export function shopifyOrderIdOfKey(key: string): string | undefined {
  const match = /^SHOPIFY-O-(\d{1,20})$/.exec(key)
  return match?.[1]
}

/** One line as compared: the item's external id (the SKU), how many, and at what unit price. */
export interface ComparedLine {
  sku: string
  quantity: number
  rate: number | string
}

/**
 * Numbers in one spelling whatever the side sent: `"49.90"`, `49.9` and `"49.9"` are all `49.9`.
 * Not a float comparison: the decimal is written back as the shortest text of its double.
 */
const decimalText = (value: number | string): string => String(Number(value))

/**
 * The comparable fields. Lines are sorted, so two sides listing the same lines in another order
 * agree; the total is in whole cents, summed the way NetSuite sums line amounts (each rounded).
 */
export function orderComparisonRecord(input: {
  key: string
  customer: string | null
  orderName: string | null
  lines: readonly ComparedLine[]
  /** The side's own total when it has one (NetSuite), else the sum of the lines. */
  totalCents?: number | null
}): ReconRecord {
  const lines = input.lines
    .map((l) => `${l.sku}x${decimalText(l.quantity)}@${decimalText(l.rate)}`)
    .sort()
  const summed = input.lines.reduce(
    (sum, l) => sum + Math.round(Number(l.quantity) * Number(l.rate) * 100),
    0,
  )
  return {
    key: input.key,
    fields: {
      customer: input.customer,
      orderName: input.orderName,
      lines: lines.join(';'),
      totalCents: input.totalCents === undefined ? summed : input.totalCents,
    },
  }
}

/** The record a Shopify order should have in NetSuite, from the canonical order. */
export function expectedSalesOrderRecord(order: Order): ReconRecord {
  return orderComparisonRecord({
    key: netsuiteSalesOrderExternalId(order),
    customer: netsuiteCustomerExternalId(order.customer),
    orderName: order.orderName,
    lines: order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, rate: l.unitPrice })),
  })
}
