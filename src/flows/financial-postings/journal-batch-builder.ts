/** @module flows/financial-postings/journal-batch-builder — settled Shopify transactions grouped into one journal entry per day, currency and subsidiary, every line naming its source transactions. */
import { addDecimals, JournalEntry, type JournalLine } from '../../canonical/index.ts'
import type { FinancialPostingPolicy } from './posting-policy.ts'
import { isSettled, type ShopifyOrderTransaction } from './settled-transaction-schema.ts'

/** Which lines a transaction kind feeds: a payment moves money from receivable to clearing, a refund back out. */
const RULES = {
  payment: [
    { side: 'debit', account: 'clearing' },
    { side: 'credit', account: 'receivable' },
  ],
  refund: [
    { side: 'debit', account: 'refunds' },
    { side: 'credit', account: 'clearing' },
  ],
} as const

type Flow = keyof typeof RULES

const flowOf = (t: ShopifyOrderTransaction): Flow => (t.kind === 'refund' ? 'refund' : 'payment')

/** The shop's calendar day of the transaction: the date as written with the shop's own offset. */
const dayOf = (t: ShopifyOrderTransaction): string => t.processed_at.slice(0, 10)

export interface BuiltBatches {
  entries: JournalEntry[]
  /** Transactions left out (not settled, or test), so the run's output says what was skipped. */
  skipped: string[]
}

/**
 * Groups the settled transactions and sums them per posting rule: a batch has at most four lines
 * however many transactions it holds, so it stays far inside NetSuite's line limits, and each
 * line lists the transactions it sums. Sorted everywhere, so the same extract always gives the
 * same entries (the flow re-enters from the top after a crash).
 */
export function buildJournalBatches(
  transactions: readonly ShopifyOrderTransaction[],
  policy: FinancialPostingPolicy,
): BuiltBatches {
  const settles = (t: ShopifyOrderTransaction) => isSettled(t, policy.includeTestTransactions)
  const settled = transactions.filter(settles)
  const skipped = transactions.filter((t) => !settles(t)).map((t) => t.id)
  const groups = new Map<string, ShopifyOrderTransaction[]>()
  for (const t of settled) {
    const subsidiary = policy.subsidiaryByCurrency[t.currency] ?? policy.subsidiary
    const key = JSON.stringify([dayOf(t), t.currency, subsidiary])
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [t])
    else group.push(t)
  }
  const entries = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, group]) => {
      const [day, currency, subsidiary] = JSON.parse(key) as [string, string, string]
      const base = `${policy.externalIdPrefix}-${subsidiary}-${currency}-${day}`
      const parts = chunks(
        [...group].sort((a, b) => compareIds(a.id, b.id)),
        policy.maxTransactionsPerBatch,
      )
      return parts.map((part, i) => ({
        part,
        day,
        currency,
        subsidiary,
        eid: i === 0 ? base : `${base}-P${i + 1}`,
      }))
    })
    .map(({ part, day, currency, subsidiary, eid }) =>
      JournalEntry.parse({
        kind: 'journalEntry',
        schemaVersion: 1,
        externalId: eid,
        subsidiary,
        currency,
        tranDate: day,
        memo: `Shopify settlements ${day} ${currency} (${part.length} transactions)`,
        lines: linesFor(part, policy, day),
      }),
    )
  return { entries, skipped: skipped.sort(compareIds) }
}

function linesFor(
  group: readonly ShopifyOrderTransaction[],
  policy: FinancialPostingPolicy,
  day: string,
): JournalLine[] {
  const lines: JournalLine[] = []
  for (const flow of ['payment', 'refund'] as const) {
    const members = group.filter((t) => flowOf(t) === flow)
    if (members.length === 0) continue
    const ids = members.map((t) => t.id).sort(compareIds)
    const total = addDecimals(...members.map((t) => t.amount))
    for (const rule of RULES[flow]) {
      lines.push({
        lineNumber: lines.length + 1,
        account: policy.accounts[rule.account],
        debit: rule.side === 'debit' ? total : '0',
        credit: rule.side === 'credit' ? total : '0',
        memo: `Shopify ${flow}s ${day} (${members.length})`,
        dimensions: policy.dimensions,
        sourceEventIds: ids,
      })
    }
  }
  return lines
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Numeric order for decimal id strings of any length. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}
