/** @module connectors/salesforce/salesforce-cdc-header — reads a change event's envelope and `ChangeEventHeader`, checked, as the caller needs them beside the Customer. */
import { HubError } from '../../errors/hub-error.ts'

export const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
] as const
export type ChangeType = (typeof CHANGE_TYPES)[number]

/** The header facts of one Account change event, plus its delivery ids. */
export interface AccountChange {
  changeType: ChangeType
  recordIds: string[]
  /** Field paths that changed (`BillingAddress.City`); empty on CREATE, DELETE and gap events. */
  changedFields: string[]
  nulledFields: string[]
  /** `com/salesforce/api/rest/62.0;client=SynclineHub`; empty for a user's save in the UI. */
  changeOrigin: string
  /** Shared by every change of one transaction. */
  transactionKey: string
  sequenceNumber: number | undefined
  /** Epoch ms of the commit; the Customer's `source.version` is this instant. */
  commitTimestamp: number
  /** The system change number, as a string (an int64): orders commits with equal timestamps. */
  commitNumber: string | undefined
  commitUser: string | undefined
  /** Unique per event and kept on redelivery: the inbound dedupe key. */
  eventUuid: string | undefined
  /** Opaque, increasing, with gaps: a resume point, never an identity. */
  replayId: string | undefined
  /** changeOrigin names this hub's `clientName`: the event echoes the hub's own write. */
  ownEcho: boolean
}

export interface EventEnvelope {
  payload: Readonly<Record<string, unknown>>
  eventUuid: string | undefined
  replayId: string | undefined
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const invalid = (reason: string): HubError =>
  HubError.validation(`not a Salesforce Account change event: ${reason}`, {
    code: 'INVALID_CHANGE_EVENT',
  })

/**
 * Accepts the three shapes an event reaches the hub in: the CometD message
 * (`{channel, data: {event: {EventUuid, replayId}, payload}}`), a pulled event
 * (`{replayId, eventUuid, payload}`), or the bare payload (`{ChangeEventHeader, …}`).
 */
export function eventEnvelopeOf(event: unknown): EventEnvelope {
  if (!isObject(event)) throw invalid('expected a JSON object')
  if (isObject(event.data) && isObject(event.data.payload)) {
    const meta = isObject(event.data.event) ? event.data.event : {}
    return {
      payload: event.data.payload,
      eventUuid: str(meta.EventUuid),
      replayId: idText(meta.replayId),
    }
  }
  if (isObject(event.payload)) {
    return {
      payload: event.payload,
      eventUuid: str(event.eventUuid) ?? str(event.EventUuid),
      replayId: idText(event.replayId),
    }
  }
  return { payload: event, eventUuid: undefined, replayId: undefined }
}

export function accountHeaderOf(envelope: EventEnvelope, clientName?: string): AccountChange {
  const header = envelope.payload.ChangeEventHeader
  if (!isObject(header)) throw invalid('it has no ChangeEventHeader')
  if (header.entityName !== 'Account') {
    throw invalid(`entityName is ${JSON.stringify(header.entityName)}`)
  }
  const changeType = CHANGE_TYPES.find((t) => t === header.changeType)
  if (changeType === undefined) {
    throw invalid(`unknown changeType ${JSON.stringify(header.changeType)}`)
  }
  const recordIds = strings(header.recordIds)
  if (recordIds === undefined || recordIds.length === 0) throw invalid('recordIds is empty')
  const commitTimestamp = header.commitTimestamp
  if (typeof commitTimestamp !== 'number' || !Number.isFinite(commitTimestamp)) {
    throw invalid('commitTimestamp is not epoch milliseconds')
  }
  const changeOrigin = str(header.changeOrigin) ?? ''
  return {
    changeType,
    recordIds,
    changedFields: strings(header.changedFields) ?? [],
    nulledFields: strings(header.nulledFields) ?? [],
    changeOrigin,
    transactionKey: str(header.transactionKey) ?? '',
    sequenceNumber: typeof header.sequenceNumber === 'number' ? header.sequenceNumber : undefined,
    commitTimestamp,
    commitNumber: idText(header.commitNumber),
    commitUser: str(header.commitUser),
    eventUuid: envelope.eventUuid,
    replayId: envelope.replayId,
    ownEcho: clientName !== undefined && originClient(changeOrigin) === clientName,
  }
}

/** `com/salesforce/api/rest/62.0;client=SynclineHub` → `SynclineHub`. */
export function originClient(changeOrigin: string): string | undefined {
  return /;client=([^;]+)/.exec(changeOrigin)?.[1]
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** int64 values arrive as a number when safe, else as the exact decimal string (untrusted-json). */
function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return str(value)
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v): v is string => typeof v === 'string')
    ? value
    : undefined
}
