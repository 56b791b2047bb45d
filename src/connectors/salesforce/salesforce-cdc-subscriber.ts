/** @module connectors/salesforce/salesforce-cdc-subscriber — Account Change Data Capture over CometD: resumes from the caller's checkpoint, drops redelivered events, maps each one, reports retention gaps, and keeps the subscription alive. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { SalesforceCometdError } from './salesforce-bayeux.ts'
import type { BayeuxMessage } from './salesforce-bayeux.ts'
import { RecentEventKeys, deliveryKey } from './salesforce-cdc-dedupe.ts'
import { eventIdsOf } from './salesforce-cdc-delivery.ts'
import type {
  SalesforceCdcCheckpoint,
  SalesforceCdcDelivery,
  SalesforceCdcStats,
  SalesforceCdcStatus,
} from './salesforce-cdc-delivery.ts'
import { mapAccountChangeEvent } from './salesforce-cdc-mapping.ts'
import { REPLAY_FROM, SalesforceCometdClient } from './salesforce-cometd-client.ts'
import type { SalesforceConnectionConfig } from './salesforce-spec.ts'
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { SalesforceTokenProvider } from './salesforce-token-provider.ts'

export const ACCOUNT_CHANGE_CHANNEL = '/data/AccountChangeEvent'
/** Redeliveries replay recent events: a resubscription, or the server's own replay after a restart. */
export const DEFAULT_DEDUPE_WINDOW = 10_000

export interface SalesforceCdcSubscriberOptions {
  /** The checkpoint the caller stored last, or `{replayId: -1}` (new events) / `{replayId: -2}` (all retained). */
  from: { replayId: string | number; commitTimestamp?: number }
  /** `/data/AccountChangeEvent` by default; `/data/ChangeEvents` or a custom channel also work. */
  channel?: string
  /** Share the REST client's provider so both use one session. */
  tokenProvider?: SalesforceTokenProvider
  /** The hub's store, to share the session with the other hub processes (single-flight across them). */
  sharedTokens?: SharedTokenStore
  clock?: Clock
  /** How many recent EventUuids are remembered to drop redeliveries; default 10,000. */
  dedupeWindow?: number
  /** First wait after a transient failure, doubled each time up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number
  maxReconnectDelayMs?: number
  /** Failures in a row (no successful connect between) before `run` gives up with the last one. */
  maxConsecutiveFailures?: number
}

export interface SalesforceCdcRunOptions {
  /**
   * Called for each delivery in order, awaited before the next. Store `checkpoint` once what the
   * delivery means is committed. A throw ends `run` with that error: restart from the stored
   * checkpoint and nothing is lost.
   */
  onDelivery(delivery: SalesforceCdcDelivery): Promise<void> | void
  onStatus?(status: SalesforceCdcStatus): void
  /** Ends the subscription: `run` resolves once the current request is cancelled. */
  signal: AbortSignal
}

export class SalesforceCdcSubscriber {
  readonly #config: SalesforceConnectionConfig
  readonly #channel: string
  readonly #clock: Clock
  readonly #client: SalesforceCometdClient
  readonly #recent: RecentEventKeys
  readonly #delayMs: number
  readonly #maxDelayMs: number
  readonly #maxFailures: number
  readonly #stats: SalesforceCdcStats = {
    delivered: 0,
    duplicatesDropped: 0,
    handshakes: 0,
    tokenRefreshes: 0,
    retentionGaps: 0,
  }
  #position: SalesforceCdcCheckpoint
  #failures = 0
  #refreshed = false
  #running = false

  constructor(config: SalesforceConnectionConfig, options: SalesforceCdcSubscriberOptions) {
    this.#config = config
    this.#channel = options.channel ?? ACCOUNT_CHANGE_CHANNEL
    if (!/^\/data\/[A-Za-z0-9_]+$/.test(this.#channel)) {
      throw HubError.validation(
        `Salesforce change event channel ${JSON.stringify(this.#channel)} is not /data/<Name>`,
        { code: 'INVALID_CHANNEL' },
      )
    }
    const replayId = String(options.from.replayId)
    if (!REPLAY_FROM.test(replayId)) {
      throw HubError.validation(
        `Salesforce replay id ${JSON.stringify(replayId)} is not -1, -2 or a stored replay id`,
        { code: 'INVALID_REPLAY_ID' },
      )
    }
    const { commitTimestamp } = options.from
    this.#position = { replayId, ...(commitTimestamp === undefined ? {} : { commitTimestamp }) }
    this.#clock = options.clock ?? systemClock
    const tokens =
      options.tokenProvider ??
      SalesforceTokenProvider.fromConfig(config, {
        clock: this.#clock,
        ...(options.sharedTokens === undefined ? {} : { sharedTokens: options.sharedTokens }),
      })
    this.#client = new SalesforceCometdClient(config, tokens)
    this.#recent = new RecentEventKeys(options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW)
    this.#delayMs = options.reconnectDelayMs ?? 1_000
    this.#maxDelayMs = options.maxReconnectDelayMs ?? 30_000
    this.#maxFailures = options.maxConsecutiveFailures ?? 10
  }

  /** The checkpoint of the last delivery the handler completed: where a resubscription starts. */
  get checkpoint(): SalesforceCdcCheckpoint {
    return this.#position
  }

  get stats(): Readonly<SalesforceCdcStats> {
    return { ...this.#stats }
  }

  /**
   * Subscribes and delivers until `signal` aborts (resolves) or a failure no reconnect can cure
   * (rejects with a HubError: `auth` after the one token refresh, `validation` for a wrong channel,
   * the last transient error after `maxConsecutiveFailures`).
   */
  async run(options: SalesforceCdcRunOptions): Promise<void> {
    if (this.#running) throw new Error('SalesforceCdcSubscriber.run is already running')
    this.#running = true
    this.#failures = 0
    this.#refreshed = false
    const { signal } = options
    try {
      while (!signal.aborted) {
        try {
          await this.#session(options)
        } catch (error) {
          if (signal.aborted) break
          // The handler's own failures (and bugs) end the run as they are.
          if (!(error instanceof SalesforceCometdError)) throw error
          const delayMs = this.#recover(error)
          options.onStatus?.({ kind: 'reconnecting', error, delayMs, failures: this.#failures })
          if (delayMs > 0) await this.#clock.sleep(delayMs, signal).catch(() => undefined)
        }
      }
    } finally {
      this.#running = false
      await this.#client.disconnect()
    }
  }

  /** How long to wait before the next handshake; throws when the failure has no cure left. */
  #recover(error: SalesforceCometdError): number {
    this.#failures++
    if (error.recovery === 'none' || error.recovery === 'replay_expired') throw error
    if (error.recovery === 'reauthenticate') {
      // One refresh per refusal: a fresh token refused as well means the credentials are wrong.
      if (this.#refreshed) throw error
      this.#refreshed = true
      this.#client.invalidateToken()
      this.#stats.tokenRefreshes++
    }
    if (this.#failures > this.#maxFailures) throw error
    // The server asked for a handshake (or a new session): do it now; back off only when it repeats.
    const immediate = this.#failures === 1 && error.recovery !== 'backoff'
    const backoff = immediate
      ? 0
      : Math.min(this.#maxDelayMs, this.#delayMs * 2 ** Math.max(0, this.#failures - 2))
    return Math.max(backoff, error.retryAfterMs ?? 0)
  }

  /** Handshake, subscribe, then long-poll until something asks for a new handshake (thrown). */
  async #session(options: SalesforceCdcRunOptions): Promise<void> {
    const { signal } = options
    await this.#client.handshake(signal)
    this.#stats.handshakes++
    const { replayFrom, events } = await this.#subscribe(options)
    options.onStatus?.({
      kind: 'subscribed',
      channel: this.#channel,
      clientId: this.#client.clientId ?? '',
      replayFrom,
    })
    await this.#deliverAll(events, options)
    for (;;) {
      const delivered = await this.#client.connect(signal)
      this.#failures = 0
      this.#refreshed = false
      await this.#deliverAll(delivered, options)
      const advice = this.#client.advice
      if (advice.reconnect !== 'retry') {
        throw new SalesforceCometdError(
          'retryable',
          `Salesforce CometD advised reconnect "${advice.reconnect}" after /meta/connect`,
          advice.reconnect === 'handshake' ? 'handshake' : 'none',
          { code: 'BAYEUX_ADVICE' },
        )
      }
      if (advice.interval > 0) await this.#clock.sleep(advice.interval, signal)
    }
  }

  /**
   * Subscribes from the checkpoint. A refused replay id is reported once as a retention gap and
   * the subscription starts from -1 instead: retrying a dead id would loop forever.
   */
  async #subscribe(
    options: SalesforceCdcRunOptions,
  ): Promise<{ replayFrom: string; events: BayeuxMessage[] }> {
    const from = this.#position
    try {
      const events = await this.#client.subscribe(this.#channel, from.replayId, options.signal)
      return { replayFrom: from.replayId, events }
    } catch (error) {
      if (!(error instanceof SalesforceCometdError) || error.recovery !== 'replay_expired') {
        throw error
      }
    }
    // Subscribed before reporting: changes made while the caller reconciles queue up, not vanish.
    const events = await this.#client.subscribe(this.#channel, '-1', options.signal)
    this.#position = { replayId: '-1' }
    this.#stats.retentionGaps++
    const since = from.commitTimestamp
    await this.#handOver(
      {
        kind: 'retention_gap',
        expiredReplayId: from.replayId,
        since,
        allRecords: true,
        reason: `replay id ${from.replayId} is no longer retained (72 h) on ${this.#channel}: reconcile every Account changed since ${since === undefined ? 'the beginning (the stored checkpoint has no commit time)' : new Date(since).toISOString()}; the subscription resumed from new events (-1)`,
      },
      options,
    )
    return { replayFrom: '-1', events }
  }

  async #deliverAll(events: BayeuxMessage[], options: SalesforceCdcRunOptions): Promise<void> {
    for (const message of events) {
      if (message.channel === this.#channel) await this.#deliverOne(message, options)
    }
  }

  async #deliverOne(message: BayeuxMessage, options: SalesforceCdcRunOptions): Promise<void> {
    const ids = eventIdsOf(message)
    const key = deliveryKey(this.#channel, ids.eventUuid, ids.replayId)
    if (key !== undefined && this.#recent.has(key)) {
      this.#stats.duplicatesDropped++
      return
    }
    const checkpoint: SalesforceCdcCheckpoint =
      ids.replayId === undefined
        ? this.#position
        : {
            replayId: ids.replayId,
            ...(ids.commitTimestamp === undefined ? {} : { commitTimestamp: ids.commitTimestamp }),
          }
    let delivery: SalesforceCdcDelivery
    try {
      const mapping = mapAccountChangeEvent(message, { clientName: this.#config.clientName })
      delivery = { kind: 'change', checkpoint, eventUuid: ids.eventUuid, mapping, event: message }
    } catch (error) {
      if (!HubError.is(error)) throw error
      delivery = { kind: 'rejected', checkpoint, eventUuid: ids.eventUuid, error, event: message }
    }
    await this.#handOver(delivery, options)
    if (key !== undefined) this.#recent.remember(key)
    this.#position = checkpoint
  }

  async #handOver(
    delivery: SalesforceCdcDelivery,
    options: SalesforceCdcRunOptions,
  ): Promise<void> {
    await options.onDelivery(delivery)
    this.#stats.delivered++
  }
}
