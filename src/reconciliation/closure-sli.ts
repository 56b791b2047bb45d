/** @module reconciliation/closure-sli — the business SLIs reconciliation yields: closure rate and breaks by cause, over the store. */
import type { ReconciliationSummary, Store } from '../store/store-contract.ts'

export interface ReconciliationSlis {
  /** Final breaks (healed or closed) over all breaks opened in the window; 1 when none opened. */
  closureRate: number
  opened: number
  closed: number
  unresolved: number
  oldestUnresolvedAgeMs: number | null
  byCause: ReconciliationSummary['byCause']
}

export function closureRate(summary: Pick<ReconciliationSummary, 'opened' | 'closed'>): number {
  return summary.opened === 0 ? 1 : summary.closed / summary.opened
}

export async function reconciliationSlis(
  store: Store,
  params: { tenantId: string; since: number; now: number; domain?: string },
): Promise<ReconciliationSlis> {
  const summary = await store.reconciliationSummary(params)
  return {
    closureRate: closureRate(summary),
    opened: summary.opened,
    closed: summary.closed,
    unresolved: summary.unresolved,
    oldestUnresolvedAgeMs: summary.oldestUnresolvedAgeMs,
    byCause: summary.byCause,
  }
}
