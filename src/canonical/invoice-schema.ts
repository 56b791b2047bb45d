/** @module canonical/invoice-schema — the canonical Invoice, version 1. */
import { z } from 'zod'
import { addDecimals, CurrencyCode, DecimalString } from './money.ts'
import { Sku } from './product-schema.ts'
import { ExternalId, SourceRef } from './source-ref.ts'

export const INVOICE_STATUSES = ['draft', 'open', 'partially_paid', 'paid', 'void'] as const

const instant = (field: string) =>
  z.iso.datetime({
    offset: true,
    error: `expected ${field} as an ISO-8601 instant with a zone, e.g. "2026-01-31T00:00:00Z"`,
  })

/**
 * One billed line. Shipping, fees and discounts are lines too (a discount with a negative
 * `amount`), so the header totals always add up from the lines.
 */
export const InvoiceLine = z.object({
  /** Absent for a line that bills no item (freight, a fee). */
  sku: Sku.optional(),
  description: z.string().optional(),
  quantity: z
    .int({ error: 'expected the billed quantity as a whole number' })
    .positive('an invoice line bills at least 1 unit; use a negative amount to credit'),
  unitPrice: DecimalString,
  /**
   * What the line bills, as the source computed and rounded it: not re-derived from
   * `unitPrice × quantity`, whose rounding differs per system.
   */
  amount: DecimalString,
})
export type InvoiceLine = z.infer<typeof InvoiceLine>

export const Invoice = z
  .object({
    kind: z.literal('invoice'),
    schemaVersion: z.literal(1),
    source: SourceRef,
    /** The number printed on the invoice, e.g. `INV-2026-00042`. */
    invoiceNumber: z.string().min(1, 'an invoice needs its number as printed'),
    /** The business key of the order it bills, when it bills one. */
    orderKey: ExternalId.optional(),
    /** The billed customer's id in the source system. */
    customerRef: ExternalId,
    currency: CurrencyCode,
    lines: z.array(InvoiceLine).min(1, 'an invoice needs at least one line'),
    subtotal: DecimalString,
    tax: DecimalString,
    total: DecimalString,
    issuedAt: instant('issuedAt'),
    dueAt: instant('dueAt').optional(),
    status: z.enum(INVOICE_STATUSES, {
      error: `expected status to be one of ${INVOICE_STATUSES.join(', ')}`,
    }),
  })
  .superRefine((invoice, ctx) => {
    // Exact decimal arithmetic: an invoice that does not add up is a mapping bug, and posting
    // it would put a different amount in the ledger than the customer was billed.
    const lineSum = addDecimals(...invoice.lines.map((l) => l.amount))
    if (!sameAmount(lineSum, invoice.subtotal)) {
      ctx.addIssue({
        code: 'custom',
        path: ['subtotal'],
        message: `subtotal ${invoice.subtotal} is not the sum of the line amounts (${lineSum}); map freight, fees and discounts as lines`,
      })
    }
    const expected = addDecimals(invoice.subtotal, invoice.tax)
    if (!sameAmount(expected, invoice.total)) {
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `total ${invoice.total} is not subtotal + tax (${expected})`,
      })
    }
    if (invoice.dueAt !== undefined && Date.parse(invoice.dueAt) < Date.parse(invoice.issuedAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dueAt'],
        message: 'dueAt is before issuedAt: an invoice cannot fall due before it is issued',
      })
    }
  })
export type Invoice = z.infer<typeof Invoice>

/** "10.5" and "10.50" are the same amount. */
function sameAmount(a: string, b: string): boolean {
  const negated = b.startsWith('-') ? b.slice(1) : `-${b}`
  return /^-?0+(\.0+)?$/.test(addDecimals(a, negated))
}
