/** @module canonical/journal-entry-schema — the canonical JournalEntry (a batch of GL lines), version 1. */
import { z } from 'zod'
import { CurrencyCode } from './money.ts'
import { ExternalId } from './source-ref.ts'

/**
 * A line amount: never negative (the side says which way it goes) and never a float. Balance,
 * one-sidedness and currency precision are business rules, checked by the posting validator so
 * that every failure can name its line; the schema only guarantees the shape.
 */
export const LineAmount = z
  .string()
  .regex(
    /^\d{1,15}(\.\d{1,6})?$/,
    'expected a non-negative decimal amount as a string, e.g. "59.99" (the side gives the sign)',
  )

/** The accounting dimensions a line may carry, each the dimension record's external id. */
export const JournalDimensions = z.strictObject({
  department: ExternalId.optional(),
  class: ExternalId.optional(),
  location: ExternalId.optional(),
})
export type JournalDimensions = z.infer<typeof JournalDimensions>

export const JournalLine = z.object({
  /** 1-based position in the entry; what every validation message names. */
  lineNumber: z.int().positive(),
  /** The GL account number as in the chart of accounts, e.g. `1210`. */
  account: z.string().min(1, 'every journal line needs a GL account number'),
  debit: LineAmount,
  credit: LineAmount,
  memo: z.string().max(4000).optional(),
  dimensions: JournalDimensions,
  /** The source events (e.g. Shopify balance transaction ids) this line's amount comes from. */
  sourceEventIds: z
    .array(ExternalId)
    .min(1, 'every journal line must name the source events it was built from'),
})
export type JournalLine = z.infer<typeof JournalLine>

export const JournalEntry = z
  .object({
    kind: z.literal('journalEntry'),
    schemaVersion: z.literal(1),
    /** Stable per batch (day, currency, subsidiary): the ERP's external id, posted once. */
    externalId: ExternalId,
    /** The subsidiary's external id. */
    subsidiary: ExternalId,
    currency: CurrencyCode,
    /** The posting date, a calendar day: `YYYY-MM-DD`. */
    tranDate: z.iso.date({ error: 'expected tranDate as a calendar day, e.g. "2026-11-28"' }),
    memo: z.string().max(4000).optional(),
    lines: z.array(JournalLine).min(1, 'a journal entry needs at least one line'),
  })
  .superRefine((entry, ctx) => {
    entry.lines.forEach((line, i) => {
      if (line.lineNumber !== i + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'lineNumber'],
          message: `line numbers must run 1, 2, 3…; position ${i + 1} says ${line.lineNumber}`,
        })
      }
    })
  })
export type JournalEntry = z.infer<typeof JournalEntry>
