/** @module flows/customer-master/account-gap-intake — a retention gap (the stored replay id expired) as inbox messages: one re-read of every Account, each under the Account's own business key.
 *
 * Each message is a `GAP_UPDATE` change event for one Account, the type Salesforce itself sends
 * when it could not capture a change's data: the Account flow's reconcile step reads the Account
 * and writes what differs from the ERP, exactly as for a gap event the org published.
 *
 * Why one message per Account and not one run under ALL_ACCOUNTS_KEY: the subscription has
 * already resumed from new events (-1) when the gap is reported, and a run under another business
 * key would run beside the runs of those new events. It could read an Account before a new change
 * and write that older state after the change was applied (a regression no version guard can tell
 * from a legitimate write: the hub does not know the org's clock), or be skipped as stale and lose
 * a change made during the gap. Committed under each Account's key before any new event is
 * ingested, the re-read runs before the new events of that Account, in arrival order, and never
 * beside them: nothing changed during the gap or after it is lost or rolled back.
 */
import type { IngestInput } from '../../engine/hub-engine.ts'
import { ACCOUNT_CHANGE_TOPIC, RECORD_ID_HEADER } from './account-change-read.ts'
import { accountBusinessKey } from './customer-master-fields.ts'

/** The inbox message ids of one full reconciliation start with this, then its id. */
export const GAP_RECONCILE_PREFIX = 'gap-reconcile'

export interface AccountGapReconcile {
  /** Unique per detected gap: a gap detected again (after a restart) is reconciled again. */
  reconciliationId: string
  /** The expired replay id, for the record. */
  expiredReplayId: string
  /**
   * The commit instant of the last event applied before the gap (epoch ms, the org's clock), or
   * undefined. The reconcile step guards its writes with it: no event older than the gap
   * (still queued from before the stop) can roll the reconciled state back.
   */
  since: number | undefined
  /** Every Account in the org. */
  accountIds: readonly string[]
}

export function accountGapIngests(gap: AccountGapReconcile, connection: string): IngestInput[] {
  const commitTimestamp = gap.since ?? 0
  return gap.accountIds.map((accountId) => ({
    sourceSystem: 'salesforce',
    connection,
    topic: ACCOUNT_CHANGE_TOPIC,
    sourceMessageId: `${GAP_RECONCILE_PREFIX}:${gap.reconciliationId}:${accountId}`,
    headers: { [RECORD_ID_HEADER]: accountId },
    businessKey: accountBusinessKey(accountId),
    triggeredAt: null,
    payload: JSON.stringify({
      payload: {
        ChangeEventHeader: {
          entityName: 'Account',
          changeType: 'GAP_UPDATE',
          recordIds: [accountId],
          commitTimestamp,
          changeOrigin: '',
          transactionKey: `${GAP_RECONCILE_PREFIX}:${gap.reconciliationId}`,
          changedFields: [],
        },
      },
      replayId: gap.expiredReplayId,
    }),
  }))
}
