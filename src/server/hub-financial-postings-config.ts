/** @module server/hub-financial-postings-config — the `financial-postings` flow binding as data: the shop whose settlements are extracted, the NetSuite account they post to, and the ledger mapping the journal batch builder needs. */
import { z } from 'zod'
import { FinancialPostingPolicy } from '../flows/financial-postings/posting-policy.ts'

export const FINANCIAL_POSTINGS_FLOW = 'financial-postings'

const connectionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, e.g. "demo"')

const shopDay = z.iso.date({
  error: 'expected the first shop day to post as YYYY-MM-DD, e.g. "2026-11-01"',
})

/**
 * The ledger mapping is the posting policy's own fields (accounts, subsidiary, dimensions…); the
 * batch size and the approval come from `policies.financialPostings`, so they are not set here.
 */
export const FinancialPostingsBindingSpec = FinancialPostingPolicy.omit({
  approval: true,
  maxTransactionsPerBatch: true,
}).extend({
  /**
   * Shopify order transactions (sales, captures, refunds) of each closed shop day, posted to
   * NetSuite as one validated journal entry per day, currency and subsidiary. Bind it once: the
   * settlement topic is the same for every shop.
   */
  flow: z.literal(FINANCIAL_POSTINGS_FLOW),
  /** Runs and metrics show this name. Default: `shopify-settlements-to-netsuite`. */
  name: connectionName.optional(),
  shopifyConnection: connectionName,
  erp: z.literal('netsuite', {
    error: 'expected "netsuite": journal entries are posted through NetSuite only',
  }),
  erpConnection: connectionName,
  subsidiary: z
    .string({
      error: 'expected the subsidiary the batches post to (its external id), e.g. "SUB-US"',
    })
    .min(1, {
      error: 'expected the subsidiary the batches post to (its external id), e.g. "SUB-US"',
    })
    .max(255),
  accounts: z.strictObject(FinancialPostingPolicy.shape.accounts.shape, {
    error:
      'expected the GL account numbers, e.g. { "clearing": "1210", "receivable": "1100", "refunds": "4010" }',
  }),
  /**
   * The first shop day whose settlements are posted. Earlier days are left alone, so binding the
   * flow to a shop with years of history does not post them again.
   */
  startDay: shopDay,
  /**
   * How long after a shop day ends it is extracted. A day is posted once, as it stands then: a
   * transaction Shopify records later than this is not in the entry (the reconciliation's case).
   */
  settleAfterMs: z
    .number({ error: 'expected milliseconds, e.g. 3600000 (1 hour)' })
    .int({ error: 'expected whole milliseconds, e.g. 3600000 (1 hour)' })
    .min(0, { error: 'expected 0 or more milliseconds, e.g. 3600000 (1 hour)' })
    .default(3_600_000),
})
export type FinancialPostingsBinding = z.output<typeof FinancialPostingsBindingSpec>

/** A second binding would ingest every settlement twice into the one flow: refused with the fix. */
export function financialPostingsProblems(flows: readonly { flow: string }[]): string[] {
  const at = flows.flatMap((b, i) => (b.flow === FINANCIAL_POSTINGS_FLOW ? [i] : []))
  return at
    .slice(1)
    .map(
      (i) =>
        `  - flows[${i}].flow: flows[${at[0]}] already binds "${FINANCIAL_POSTINGS_FLOW}"; keep one binding (one shop, one NetSuite account)`,
    )
}
