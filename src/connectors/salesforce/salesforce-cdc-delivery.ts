/** @module connectors/salesforce/salesforce-cdc-delivery — what the change-event subscriber hands its caller: mapped events with the checkpoint to store, rejected events, retention gaps. */
import type { HubError } from '../../errors/hub-error.ts'
import type { BayeuxMessage } from './salesforce-bayeux.ts'
import type { AccountChangeMapping } from './salesforce-cdc-mapping.ts'

/**
 * Where a subscription resumes. The caller stores the checkpoint of each delivery after it has
 * committed what the delivery means, and starts the next subscriber from it.
 */
export interface SalesforceCdcCheckpoint {
  /** The last committed event's replayId as decimal text (an int64), or -1 (new only) / -2 (all retained). */
  readonly replayId: string
  /**
   * That event's commitTimestamp (epoch ms). Should the replay id have expired, everything
   * changed since this instant is what must be reconciled.
   */
  readonly commitTimestamp?: number
}

export type SalesforceCdcDelivery =
  /** One event, mapped: customers, deleted ids, ids to reconcile (gap, overflow) or ignored. */
  | {
      kind: 'change'
      checkpoint: SalesforceCdcCheckpoint
      eventUuid: string | undefined
      mapping: AccountChangeMapping
      /** The event as received, for a caller that commits it to its inbox as is. */
      event: BayeuxMessage
    }
  /** An event that does not map (another entity, a header it cannot read): dead-letter it, then store the checkpoint. */
  | {
      kind: 'rejected'
      checkpoint: SalesforceCdcCheckpoint
      eventUuid: string | undefined
      error: HubError
      event: BayeuxMessage
    }
  /**
   * The stored replay id was refused (past the 72 h retention): events since `since` may be lost,
   * so every Account changed since then (all of them when `since` is unknown) must be reconciled.
   * The subscription has already resumed from -1, so nothing after this report is missed.
   */
  | {
      kind: 'retention_gap'
      expiredReplayId: string
      since: number | undefined
      allRecords: true
      reason: string
    }

export type SalesforceCdcStatus =
  | { kind: 'subscribed'; channel: string; clientId: string; replayFrom: string }
  | { kind: 'reconnecting'; error: HubError; delayMs: number; failures: number }

export interface SalesforceCdcStats {
  /** Deliveries the caller's handler completed (changes, rejected events, retention gaps). */
  delivered: number
  /** Events dropped because the window had already delivered their EventUuid. */
  duplicatesDropped: number
  handshakes: number
  /** Tokens dropped after the streaming server refused the session. */
  tokenRefreshes: number
  retentionGaps: number
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `data.event.{EventUuid, replayId}` of a CometD event message, whatever else is wrong with it. */
export function eventIdsOf(message: BayeuxMessage): {
  eventUuid: string | undefined
  replayId: string | undefined
  commitTimestamp: number | undefined
} {
  const data = isObject(message.data) ? message.data : {}
  const event = isObject(data.event) ? data.event : {}
  const payload = isObject(data.payload) ? data.payload : {}
  const header = isObject(payload.ChangeEventHeader) ? payload.ChangeEventHeader : {}
  const uuid = event.EventUuid
  const replay = event.replayId
  const commit = header.commitTimestamp
  return {
    eventUuid: typeof uuid === 'string' && uuid !== '' ? uuid : undefined,
    // Safe integers arrive as numbers, larger ones as their exact text (untrusted-json).
    replayId:
      typeof replay === 'number' && Number.isSafeInteger(replay)
        ? String(replay)
        : typeof replay === 'string' && /^\d{1,19}$/.test(replay)
          ? replay
          : undefined,
    commitTimestamp: typeof commit === 'number' && Number.isFinite(commit) ? commit : undefined,
  }
}
