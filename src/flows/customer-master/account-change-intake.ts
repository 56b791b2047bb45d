/** @module flows/customer-master/account-change-intake — a CDC delivery as inbox messages, one per Account, so runs about one Account run one at a time. */
import type { SalesforceCdcDelivery } from '../../connectors/salesforce/salesforce-cdc-delivery.ts'
import type { IngestInput } from '../../engine/hub-engine.ts'
import { accountBusinessKey } from './customer-master-fields.ts'
import { ACCOUNT_CHANGE_TOPIC, RECORD_ID_HEADER } from './account-change-read.ts'

/** The business key of a run about every Account (an overflow event). */
export const ALL_ACCOUNTS_KEY = 'customer:salesforce:*'

/**
 * The messages to commit for one delivery: the raw event once per Account it names (a merged
 * event lists several), keyed by EventUuid and Account so a redelivery is a duplicate. Rejected
 * events and retention gaps are the caller's (dead-letter, full reconciliation): none here.
 */
export function accountChangeIngests(
  delivery: SalesforceCdcDelivery,
  connection: string,
): IngestInput[] {
  if (delivery.kind !== 'change') return []
  const { change } = delivery.mapping
  const eventId = delivery.eventUuid ?? `${change.transactionKey}:${change.sequenceNumber ?? 0}`
  const payload = JSON.stringify(delivery.event)
  const base = {
    sourceSystem: 'salesforce',
    connection,
    topic: ACCOUNT_CHANGE_TOPIC,
    payload,
    triggeredAt: change.commitTimestamp,
  }
  const wildcard =
    change.changeType === 'GAP_OVERFLOW' ||
    change.recordIds.some((id) => id.endsWith('*') || /^0{15}AAA$/.test(id))
  if (wildcard) {
    return [
      {
        ...base,
        sourceMessageId: `${eventId}:*`,
        headers: {},
        businessKey: ALL_ACCOUNTS_KEY,
      },
    ]
  }
  return change.recordIds.map((accountId) => ({
    ...base,
    sourceMessageId: `${eventId}:${accountId}`,
    headers: { [RECORD_ID_HEADER]: accountId },
    businessKey: accountBusinessKey(accountId),
  }))
}
