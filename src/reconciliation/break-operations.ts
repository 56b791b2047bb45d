/** @module reconciliation/break-operations — what an operator does with a break: own it, close it.
 *
 * A break auto-heal could not take (outside policy, or its heal failed) is assigned to a person;
 * whoever fixes the systems closes it with a note of what was done. Each move is checked against
 * the break's lifecycle (BREAK_TRANSITIONS) and audited with who and why.
 */
import {
  BREAK_TRANSITIONS,
  type AuditActor,
  type BreakState,
  type ReconciliationBreak,
  type Store,
} from '../store/store-contract.ts'

export type BreakMoveOutcome =
  | { outcome: 'moved'; break: ReconciliationBreak }
  | { outcome: 'not_found' }
  /** The break is in a state this move cannot start from (e.g. closing one already healed). */
  | { outcome: 'not_allowed'; break: ReconciliationBreak }

/** A break with how long it has been (or was) open. */
export type AgedBreak = ReconciliationBreak & { ageMs: number }

export function withAge(found: ReconciliationBreak, now: number): AgedBreak {
  return { ...found, ageMs: (found.closedAt ?? now) - found.openedAt }
}

export async function findBreak(
  store: Store,
  tenantId: string,
  breakId: string,
): Promise<ReconciliationBreak | null> {
  // The list is newest first by id: the first break below id + 1 is this one, if it exists.
  const [found] = await store.reconciliationBreakList({
    tenantId,
    beforeId: (BigInt(breakId) + 1n).toString(),
    limit: 1,
  })
  return found?.id === breakId ? found : null
}

async function move(
  store: Store,
  params: {
    tenantId: string
    breakId: string
    to: BreakState
    now: number
    audit: AuditActor
    assignee?: string
    note?: string
    action: string
  },
): Promise<BreakMoveOutcome> {
  const found = await findBreak(store, params.tenantId, params.breakId)
  if (found === null) return { outcome: 'not_found' }
  if (!BREAK_TRANSITIONS[found.state].includes(params.to)) {
    return { outcome: 'not_allowed', break: found }
  }
  const moved = await store.reconciliationBreakMove({
    tenantId: params.tenantId,
    breakId: params.breakId,
    from: found.state,
    to: params.to,
    now: params.now,
    ...(params.assignee === undefined ? {} : { assignee: params.assignee }),
    ...(params.note === undefined ? {} : { note: params.note }),
  })
  if (moved === null) {
    // Moved by someone else (a heal settling) between the read and the write.
    const now = await findBreak(store, params.tenantId, params.breakId)
    return now === null ? { outcome: 'not_found' } : { outcome: 'not_allowed', break: now }
  }
  await store.auditAppend({
    tenantId: params.tenantId,
    at: params.now,
    actor: params.audit.actor,
    interactionId: params.audit.interactionId,
    action: params.action,
    subject: { breakId: moved.id, runId: moved.runId, entityKey: moved.entityKey },
    outcome: moved.state,
    details: {
      from: found.state,
      ...(params.assignee === undefined ? {} : { assignee: params.assignee }),
      ...(params.note === undefined ? {} : { note: params.note }),
    },
  })
  return { outcome: 'moved', break: moved }
}

/** Gives an open (or healing) break to `assignee`. */
export function assignBreak(
  store: Store,
  params: {
    tenantId: string
    breakId: string
    assignee: string
    note?: string
    now: number
    audit: AuditActor
  },
): Promise<BreakMoveOutcome> {
  return move(store, { ...params, to: 'assigned', action: 'reconciliation.break.assign' })
}

/** Closes an assigned break with a note of what was done to the systems. */
export function closeBreak(
  store: Store,
  params: { tenantId: string; breakId: string; note: string; now: number; audit: AuditActor },
): Promise<BreakMoveOutcome> {
  return move(store, { ...params, to: 'closed', action: 'reconciliation.break.close' })
}
