/** @module sandbox/shopify/shopify-simulator-options — the Shopify simulator's options and the handle tests and the host get back. */
import type { ClockView } from '../kit/sim-clock.ts'
import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import type { ScenarioInput } from '../kit/fault-script.ts'
import type { RequestLogEntry } from '../kit/request-log.ts'
import type { ScenarioState } from '../kit/scenario-router.ts'
import type { ThrottleStatus } from './shopify-graphql-bucket.ts'
import type { ShopifySimOperations } from './shopify-sim-routes.ts'
import type { Resource } from './shopify-store.ts'
import type { ConfigSubscriber } from './shopify-webhook-subscriptions.ts'

export interface ShopifySimulatorOptions {
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  readonly shopDomain?: string
  /** Latest stable version served; default 2026-01. */
  readonly apiVersion?: string
  /** Versions served as asked; others fall forward to the oldest. Default: apiVersion and the three before it. */
  readonly supportedApiVersions?: readonly string[]
  readonly accessToken?: string
  readonly webhookSecret?: string
  /** App-config subscribers, so the hub is subscribed from the start. */
  readonly webhookSubscribers?: readonly ConfigSubscriber[]
  /** Delay before each retry, ms. Default 1,2,4,…,128 s: Shopify's 4 hours compressed for a demo. */
  readonly webhookRetryScheduleMs?: readonly number[]
  /** Default 8, as Shopify. */
  readonly webhookMaxRetries?: number
  /**
   * Consecutive failed delivery attempts to one Admin API subscription (across its deliveries; a
   * success resets the count) after which Shopify deletes it. Default 8, or the attempts one
   * delivery gets (webhookMaxRetries + 1) when that is fewer.
   */
  readonly webhookRemoveAfterFailures?: number
  /** Deliveries on the wire at once; default 16. */
  readonly webhookConcurrency?: number
  /** Default 1000 ms connect, 5000 ms total, as Shopify. */
  readonly webhookTimeouts?: { readonly connectMs?: number; readonly totalMs?: number }
  /** Leaky bucket; default 40 requests, leaking 2/s (standard plan). */
  readonly bucketSize?: number
  readonly leakPerSecond?: number
  /** GraphQL cost bucket; default 2,000 points restoring 100/s (standard plan; older docs: 1,000 and 50/s). */
  readonly graphqlBucket?: { readonly maximumAvailable?: number; readonly restoreRate?: number }
  /** Shop time zone offset for timestamps; default −300 (UTC−05:00). */
  readonly utcOffsetMinutes?: number
  readonly currency?: string
  /** Seed for the fault stream and for generated order contents; random (and reported) when omitted. */
  readonly seed?: number
  readonly scenario?: ScenarioInput
  readonly now?: () => number
}

export interface ShopifySimulator extends ShopifySimOperations {
  readonly name: 'shopify'
  readonly shopDomain: string
  readonly apiVersion: string
  readonly accessToken: string
  /** The current app secret (changes on rotation). */
  readonly webhookSecret: string
  readonly baseUrl: string
  readonly scenarioUrl: string
  start(): Promise<string>
  stop(): Promise<void>
  scenario(): ScenarioState
  setScenario(input: ScenarioInput): ScenarioState
  ledger(): LedgerSnapshot
  requests(afterSeq?: number): RequestLogEntry[]
  /** Orders as stored (ids are bigint); `orderJson` gives the exact wire text. */
  orders(): Resource[]
  orderJson(orderId: string): string | undefined
  /** Every fulfillment as stored (ids are bigint), oldest order first. */
  fulfillments(): Resource[]
  /** Every inventory level, as the REST resource. */
  inventoryLevels(): Resource[]
  /** The GraphQL cost bucket now. */
  graphqlThrottleStatus(): ThrottleStatus
  /** Resolves when no webhook delivery is pending; rejects after `timeoutMs` (default 30 s). */
  deliveriesSettled(timeoutMs?: number): Promise<void>
  /** The shop's clock: the injected now plus the offset `advanceClock` (or `POST /__sim/clock`) added. */
  clock(): ClockView
  /** Moves the shop's time forward (timestamps, bucket leak, token and webhook ages); reset puts it back. */
  advanceClock(ms: number): ClockView
  /** Shop data, deliveries, default scenario, ledger, log, buckets, token, secret and clock back to the start; configured subscribers kept. */
  reset(): void
}
