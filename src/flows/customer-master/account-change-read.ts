/** @module flows/customer-master/account-change-read — an Account change event from the inbox, read for one Account: its changed fields in canonical names, or what else it means. */
import {
  accountHeaderOf,
  eventEnvelopeOf,
} from '../../connectors/salesforce/salesforce-cdc-header.ts'
import { parseUntrustedJson } from '../../connectors/wire/untrusted-json.ts'
import type { InboxMessage, JsonValue } from '../../store/store-contract.ts'
import {
  canonicalFieldsOf,
  valuesFromAccount,
  type CustomerMasterValues,
  type SalesforceFieldMap,
} from './customer-master-fields.ts'

/** The inbox topic Account change events are committed under. */
export const ACCOUNT_CHANGE_TOPIC = 'AccountChangeEvent'
/** The header naming the one Account a message is about (a merged event is split per Account). */
export const RECORD_ID_HEADER = 'x-salesforce-record-id'

export type AccountChangeRead = { [key: string]: JsonValue } & (
  | {
      kind: 'change'
      accountId: string
      changeType: 'CREATE' | 'UPDATE' | 'UNDELETE'
      /** The changed fields the flow knows, in canonical names, with their new values. */
      values: CustomerMasterValues
      commitTimestamp: number
    }
  /** changeOrigin names the hub's client id: the hub's own write coming back. */
  | { kind: 'echo'; accountId: string; changeOrigin: string }
  /** A gap or overflow event: the data was not captured; read the records again. */
  | {
      kind: 'reconcile'
      recordIds: string[]
      allRecords: boolean
      commitTimestamp: number
      reason: string
    }
  | { kind: 'ignored'; accountId: string; reason: string }
)

export function readAccountChange(
  message: InboxMessage,
  options: { clientName: string; fields: SalesforceFieldMap },
): AccountChangeRead {
  const envelope = eventEnvelopeOf(
    parseUntrustedJson(message.payload, { source: 'Salesforce change event' }),
  )
  const change = accountHeaderOf(envelope, options.clientName)
  const accountId = message.headers[RECORD_ID_HEADER] ?? change.recordIds[0] ?? ''
  const type = change.changeType
  if (type !== 'CREATE' && type !== 'UPDATE' && type !== 'UNDELETE' && type !== 'DELETE') {
    const wildcard = change.recordIds.some((id) => id.endsWith('*') || /^0{15}AAA$/.test(id))
    return {
      kind: 'reconcile',
      recordIds: wildcard ? [] : [accountId],
      allRecords: wildcard || type === 'GAP_OVERFLOW',
      commitTimestamp: change.commitTimestamp,
      reason: `${type}: the change was not captured with its data`,
    }
  }
  if (change.ownEcho) return { kind: 'echo', accountId, changeOrigin: change.changeOrigin }
  if (type === 'DELETE') {
    return {
      kind: 'ignored',
      accountId,
      reason: 'a deleted Account is not propagated: the ERP customer stays for its open documents',
    }
  }
  const known =
    type === 'UPDATE'
      ? canonicalFieldsOf([...change.changedFields, ...change.nulledFields], options.fields)
      : // A creation or undelete carries the whole record: every field it has is "changed".
        Object.keys(options.fields).filter((f) => {
          const apiName = options.fields[f]
          return apiName !== undefined && envelope.payload[apiName] !== undefined
        })
  if (known.length === 0) {
    return {
      kind: 'ignored',
      accountId,
      reason: `no customer-master field changed (changedFields: ${change.changedFields.join(', ') || 'none'})`,
    }
  }
  return {
    kind: 'change',
    accountId,
    changeType: type,
    values: valuesFromAccount(envelope.payload, options.fields, known),
    commitTimestamp: change.commitTimestamp,
  }
}
