/** @module flows/financial-postings/financial-postings-flow — settled payments and refunds (and journal batches submitted by finance) posted to NetSuite as validated, approved journal entries, once each. */
import { z } from 'zod'
import { JournalEntry } from '../../canonical/index.ts'
import { parseShopifyJson } from '../../connectors/shopify/shopify-json.ts'
import { defineFlow, type FlowDefinition } from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import {
  DEFAULT_MAX_JSON_DEPTH,
  DEFAULT_MAX_JSON_VALUES,
  parseUntrustedJson,
} from '../../connectors/wire/untrusted-json.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import { buildJournalBatches } from './journal-batch-builder.ts'
import {
  postJournalBatches,
  type BatchOutcome,
  type JournalPostingDeps,
} from './journal-posting-steps.ts'
import { SettledTransactionsMessage } from './settled-transaction-schema.ts'

export const SHOPIFY_SETTLEMENTS_TO_NETSUITE = 'shopify-settlements-to-netsuite'
export const JOURNAL_BATCH_TO_NETSUITE = 'journal-batch-to-netsuite'

/** The topic a settlement extract (the shop's order transactions) is ingested under. */
export const SETTLED_TRANSACTIONS_TOPIC = 'order_transactions/settled'
/** Journal batches finance submits (accruals, corrections), posted through the same gate. */
export const JOURNAL_BATCH_SOURCE = 'finance'
export const JOURNAL_BATCH_TOPIC = 'journal-batch/submitted'

export interface FinancialPostingsOutput {
  [key: string]: JsonValue
  batches: BatchOutcome[]
  /** Source transactions that were not settled money (authorizations, failures, tests). */
  skipped: string[]
}

const JSON_LIMITS = {
  source: 'journal batch',
  maxDepth: DEFAULT_MAX_JSON_DEPTH,
  maxValues: DEFAULT_MAX_JSON_VALUES,
}

const toJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue

/** A message that can never become a batch is refused as validation, naming every field. */
function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw HubError.validation(`${what} is invalid:\n${z.prettifyError(result.error)}`, {
    code: 'INVALID_MESSAGE',
    cause: result.error,
  })
}

export function createShopifySettlementsFlow(deps: JournalPostingDeps): FlowDefinition {
  return defineFlow({
    name: SHOPIFY_SETTLEMENTS_TO_NETSUITE,
    domain: 'financialPostings' satisfies PolicyDomain,
    trigger: { sourceSystem: 'shopify', topics: [SETTLED_TRANSACTIONS_TOPIC] },
    async run(ctx, message): Promise<FinancialPostingsOutput> {
      const built = (await ctx.step('build-batches', () => {
        const extract = parsed(
          SettledTransactionsMessage,
          parseShopifyJson(message.payload, 'settlement extract'),
          'the settlement extract',
        )
        return toJson(buildJournalBatches(extract.transactions, deps.policy))
      })) as { entries: unknown[]; skipped: string[] }
      const entries = built.entries.map((e) => JournalEntry.parse(e))
      const batches = await postJournalBatches(ctx, entries, deps, 'shopify')
      return { batches, skipped: built.skipped }
    },
  })
}

export function createJournalBatchFlow(deps: JournalPostingDeps): FlowDefinition {
  return defineFlow({
    name: JOURNAL_BATCH_TO_NETSUITE,
    domain: 'financialPostings' satisfies PolicyDomain,
    trigger: { sourceSystem: JOURNAL_BATCH_SOURCE, topics: [JOURNAL_BATCH_TOPIC] },
    async run(ctx, message): Promise<FinancialPostingsOutput> {
      const entry = await ctx.step('read-batch', () =>
        toJson(
          parsed(
            JournalEntry,
            parseUntrustedJson(message.payload, JSON_LIMITS),
            'the journal batch',
          ),
        ),
      )
      const batches = await postJournalBatches(
        ctx,
        [JournalEntry.parse(entry)],
        deps,
        JOURNAL_BATCH_SOURCE,
      )
      return { batches, skipped: [] }
    },
  })
}
