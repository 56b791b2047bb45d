/** @module server/hub-account-cdc — the hub's subscription to a Salesforce org's Account change events: one process at a time, resumed from the stored checkpoint, a full reconciliation after a retention gap.
 *
 * Each delivery is committed to the inbox through the engine before its replay id is stored as
 * the checkpoint, so a crash between the two replays the event (a duplicate the inbox drops),
 * never skips it. A restart or reconnect subscribes from the stored checkpoint.
 *
 * Retention gap: Salesforce keeps change events 72 h. A checkpoint older than that is refused at
 * subscribe (`400::The replayId {…} you provided was invalid…`); the subscriber then subscribes
 * from the tip (-1) first and only then reports the gap, and hands over no event before this
 * handler returns. So the order is: subscribed at the tip → every Account re-read committed
 * (account-gap-intake.ts, one message per Account under its key) → new events ingested. A change
 * committed while the reconciliation is being listed is either in the re-read or an event that
 * arrives after it, never neither; and no event is replayed from the stale id. The stale
 * checkpoint is kept until the first new event replaces it: a hub stopped before that detects the
 * gap again and reconciles again (idempotent: only differing fields are written), where storing
 * the tip (-1) would silently skip what changes while it is down.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'
import type { SalesforceClient } from '../connectors/salesforce/salesforce-client.ts'
import type {
  SalesforceCdcCheckpoint,
  SalesforceCdcDelivery,
} from '../connectors/salesforce/salesforce-cdc-delivery.ts'
import {
  ACCOUNT_CHANGE_CHANNEL,
  SalesforceCdcSubscriber,
} from '../connectors/salesforce/salesforce-cdc-subscriber.ts'
import type { SalesforceConnectionConfig } from '../connectors/salesforce/salesforce-spec.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import { ACCOUNT_CHANGE_TOPIC } from '../flows/customer-master/account-change-read.ts'
import { accountChangeIngests } from '../flows/customer-master/account-change-intake.ts'
import { accountGapIngests } from '../flows/customer-master/account-gap-intake.ts'
import type { Store } from '../store/store-contract.ts'
import { CdcLease } from './hub-cdc-lease.ts'

/** The sync-watermark system checkpoints are kept under (one row per connection and channel). */
export const CDC_CHECKPOINT_SYSTEM = 'salesforce-cdc'

export interface AccountCdcOptions {
  /** The Salesforce connection's name: inbox messages carry it. */
  connection: string
  config: SalesforceConnectionConfig
  /** The binding's REST client: its session is shared with the subscription. */
  client: SalesforceClient
  engine: Pick<HubEngine, 'ingest'>
  store: Pick<Store, 'syncWatermarkGet' | 'syncWatermarkPut'>
  sharedTokens: SharedTokenStore
  tenantId: string
  clock: Clock
  logger: Logger
  /** How long a silent holder keeps the subscription from the others; default 30 s. */
  leaseTtlMs?: number
  /** Wait before subscribing again after the subscription ended with an error; default 5 s. */
  retryDelayMs?: number
}

export interface AccountCdc {
  /** Ends the subscription, waits for the delivery in hand, and gives the lease up. */
  stop(): Promise<void>
}

export function startAccountCdc(options: AccountCdcOptions): AccountCdc {
  const { connection, clock, logger } = options
  const ttlMs = options.leaseTtlMs ?? 30_000
  const retryDelayMs = options.retryDelayMs ?? 5_000
  const entityKey = `${connection}:${ACCOUNT_CHANGE_CHANNEL}`
  const log = logger.child({ component: 'salesforce-cdc', connection })
  const lease = new CdcLease({
    store: options.sharedTokens,
    key: `cdc-lease/salesforce/${connection}`,
    holder: randomUUID(),
    clock,
    ttlMs,
  })
  const stopping = new AbortController()

  const loadCheckpoint = async (): Promise<SalesforceCdcCheckpoint | null> => {
    const stored = await options.store.syncWatermarkGet({
      tenantId: options.tenantId,
      system: CDC_CHECKPOINT_SYSTEM,
      entityKey,
    })
    const replayId = stored?.fieldHashes.replayId
    if (stored === null || replayId === undefined) return null
    return {
      replayId,
      ...(stored.sourceVersion === null ? {} : { commitTimestamp: stored.sourceVersion }),
    }
  }

  const saveCheckpoint = async (checkpoint: SalesforceCdcCheckpoint): Promise<void> => {
    await options.store.syncWatermarkPut({
      tenantId: options.tenantId,
      system: CDC_CHECKPOINT_SYSTEM,
      entityKey,
      contentHash: checkpoint.replayId,
      fieldHashes: { replayId: checkpoint.replayId },
      sourceVersion: checkpoint.commitTimestamp ?? null,
      now: clock.now(),
    })
  }

  const onDelivery = async (delivery: SalesforceCdcDelivery): Promise<void> => {
    if (delivery.kind === 'retention_gap') {
      await reconcileAll(delivery)
      return
    }
    const ingests =
      delivery.kind === 'change'
        ? accountChangeIngests(delivery, connection)
        : [
            {
              // An event the hub cannot read runs the flow, which dead-letters it with the reason.
              sourceSystem: 'salesforce',
              connection,
              topic: ACCOUNT_CHANGE_TOPIC,
              sourceMessageId: delivery.eventUuid ?? `replay:${delivery.checkpoint.replayId}`,
              headers: {},
              businessKey: `salesforce:rejected:${delivery.eventUuid ?? delivery.checkpoint.replayId}`,
              payload: JSON.stringify(delivery.event),
              triggeredAt: null,
            },
          ]
    for (const input of ingests) await options.engine.ingest(input)
    if (delivery.checkpoint.replayId !== '-1') await saveCheckpoint(delivery.checkpoint)
  }

  const reconcileAll = async (
    gap: Extract<SalesforceCdcDelivery, { kind: 'retention_gap' }>,
  ): Promise<void> => {
    const rows = await options.client.queryAll('SELECT Id FROM Account', {
      signal: stopping.signal,
    })
    const accountIds = rows.flatMap((row) => (typeof row.Id === 'string' ? [row.Id] : []))
    const ingests = accountGapIngests(
      {
        reconciliationId: randomUUID(),
        expiredReplayId: gap.expiredReplayId,
        since: gap.since,
        accountIds,
      },
      connection,
    )
    for (const input of ingests) await options.engine.ingest(input)
    log.warn(
      { expiredReplayId: gap.expiredReplayId, since: gap.since ?? null, accounts: ingests.length },
      'salesforce change events past retention: full reconciliation of every Account queued; subscribed from new events',
    )
  }

  const subscribeOnce = async (): Promise<void> => {
    const from = (await loadCheckpoint()) ?? { replayId: '-1' }
    const session = new AbortController()
    const endSession = () => session.abort()
    stopping.signal.addEventListener('abort', endSession)
    // Renew well inside the TTL; a lost renewal ends the subscription before another takes over.
    const renew = setInterval(() => {
      lease.acquire().then(
        (held) => {
          if (!held) {
            log.warn('salesforce change-event lease lost: unsubscribing')
            session.abort()
          }
        },
        (error: unknown) => {
          log.warn({ err: error }, 'salesforce change-event lease renewal failed: unsubscribing')
          session.abort()
        },
      )
    }, ttlMs / 3)
    try {
      const subscriber = new SalesforceCdcSubscriber(options.config, {
        from,
        tokenProvider: options.client.tokens,
        clock,
      })
      log.info({ replayFrom: from.replayId }, 'salesforce change events: subscribing')
      await subscriber.run({
        onDelivery,
        onStatus: (status) => log.info({ status: status.kind }, 'salesforce change events'),
        signal: session.signal,
      })
    } finally {
      clearInterval(renew)
      stopping.signal.removeEventListener('abort', endSession)
    }
  }

  const loop = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      try {
        if (await lease.acquire()) await subscribeOnce()
        else {
          await clock.sleep(ttlMs / 3, stopping.signal)
          continue
        }
      } catch (error) {
        if (stopping.signal.aborted) break
        log.error({ err: error }, 'salesforce change-event subscription ended; resubscribing')
      }
      await clock.sleep(retryDelayMs, stopping.signal).catch(() => undefined)
    }
  }

  const running = loop().catch((error: unknown) => {
    if (!stopping.signal.aborted) log.error({ err: error }, 'salesforce change-event loop failed')
  })
  return {
    async stop() {
      stopping.abort()
      await running
      await lease.release().catch((error: unknown) => {
        log.warn({ err: error }, 'could not release the salesforce change-event lease')
      })
    },
  }
}
