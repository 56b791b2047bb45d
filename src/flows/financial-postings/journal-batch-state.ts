/** @module flows/financial-postings/journal-batch-state — the life of one journal batch, as the run records it in its output. */

export const JOURNAL_BATCH_STATES = [
  'open',
  'validated',
  'awaiting_approval',
  'posted',
  'rejected',
] as const
export type JournalBatchState = (typeof JOURNAL_BATCH_STATES)[number]

/**
 * A batch is validated (or rejected) before the ERP sees it; only a validated batch may wait for
 * approval or be posted; posted and rejected are final.
 */
const NEXT: Readonly<Record<JournalBatchState, readonly JournalBatchState[]>> = {
  open: ['validated', 'rejected'],
  validated: ['awaiting_approval', 'posted'],
  awaiting_approval: ['posted', 'rejected'],
  posted: [],
  rejected: [],
}

/** The states a batch went through, newest last; refuses a move the machine does not allow. */
export function advance(
  history: readonly JournalBatchState[],
  to: JournalBatchState,
): JournalBatchState[] {
  const from = history.at(-1) ?? 'open'
  if (!NEXT[from].includes(to)) {
    throw new Error(`a journal batch cannot go from ${from} to ${to}`)
  }
  return [...history, to]
}
