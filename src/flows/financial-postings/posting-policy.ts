/** @module flows/financial-postings/posting-policy — the financial-postings policy as data: accounts, subsidiary, dimensions, approval threshold; validated with zod at start. */
import { z } from 'zod'
import { CurrencyCode, ExternalId, JournalDimensions, LineAmount } from '../../canonical/index.ts'

const AccountNumber = z.string().min(1, 'give the GL account number, e.g. "1210"')

export const FinancialPostingPolicy = z.strictObject({
  /** The subsidiary's external id that batches post to, unless the currency has its own. */
  subsidiary: ExternalId,
  /** A subsidiary per currency, e.g. `{ "CAD": "SUB-CA" }`. */
  subsidiaryByCurrency: z.record(CurrencyCode, ExternalId).default({}),
  accounts: z.strictObject({
    /** Debited with payments, credited with refunds: money on its way from the gateway. */
    clearing: AccountNumber,
    /** Credited with payments: what the customer owed. */
    receivable: AccountNumber,
    /** Debited with refunds (a contra-revenue account). */
    refunds: AccountNumber,
  }),
  dimensions: JournalDimensions.default({}),
  /**
   * Post transactions Shopify marks `test` (a development store's bogus gateway). Off in
   * production: test payments never moved money.
   */
  includeTestTransactions: z.boolean().default(false),
  /**
   * Source transactions per journal entry: a day with more is split into parts of this many
   * (external ids ending `-P2`, `-P3`…), so one entry stays reviewable and one refusal small.
   */
  maxTransactionsPerBatch: z.int().min(1).max(10_000).default(200),
  /** Prefix of the journal entries' external ids. */
  externalIdPrefix: z
    .string()
    .regex(/^[A-Z0-9-]{1,40}$/)
    .default('SHOPIFY-JE'),
  approval: z.strictObject({
    /** A batch whose debits reach this (in its own currency) waits for a person. */
    threshold: LineAmount,
    assignee: z.string().min(1, 'name who approves large batches, e.g. "controller"'),
    timeoutMs: z
      .int()
      .positive()
      .default(24 * 3_600_000),
    escalateTo: z.string().min(1).optional(),
  }),
})
export type FinancialPostingPolicy = z.infer<typeof FinancialPostingPolicy>

/** Parses the policy, or throws naming each field to fix. */
export function parseFinancialPostingPolicy(input: unknown): FinancialPostingPolicy {
  const parsed = FinancialPostingPolicy.safeParse(input)
  if (parsed.success) return parsed.data
  throw new Error(`financial postings policy is invalid:\n${z.prettifyError(parsed.error)}`)
}
