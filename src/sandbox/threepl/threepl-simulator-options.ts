/** @module sandbox/threepl/threepl-simulator-options — the 3PL simulator's options and the handle tests and the host get back. */

import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import type { ScenarioInput } from '../kit/fault-script.ts'
import type { RequestLogEntry } from '../kit/request-log.ts'
import type { ScenarioState } from '../kit/scenario-router.ts'
import type { InventorySeed } from './threepl-inventory.ts'
import type { ThreePlWebhookOperations } from './threepl-sim-webhook-routes.ts'
import type { ThreePlWarehouseOperations } from './threepl-sim-routes.ts'
import type { ProgressionTimes } from './threepl-warehouse.ts'
import type { EndpointSpec } from './threepl-webhook-endpoints.ts'
import type { WebhookFaultInput } from './threepl-webhook-faults.ts'

export interface ThreePlSimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  readonly accountId?: string
  /** The API key the account starts with (Bearer or X-API-Key). */
  readonly apiKey?: string
  /** Stock at start and after reset; default SKU-1..SKU-20 with 100 in WH-EAST and 25 in WH-WEST. */
  readonly inventory?: readonly InventorySeed[]
  /** Dwell times per status in simulator time; default allocate at once, pick after 10 min, ship 30 min later. */
  readonly progression?: Partial<ProgressionTimes>
  /** How often (real ms) the warehouse checks for due transitions; 0 turns the ticker off. Default 1000. */
  readonly progressionTickMs?: number
  /** Carriers auto-shipped orders go with; default UPS, FedEx, USPS, DHL. */
  readonly carriers?: readonly string[]
  /** The account's token bucket; default 50 requests burst, 10 per second. */
  readonly rateLimit?: { readonly burst?: number; readonly perSecond?: number }
  /** Account-wide in-flight cap; default none (the scenario can set one). */
  readonly concurrencyLimit?: number | null
  /** Endpoints configured from the start (kept across resets). */
  readonly webhookSubscribers?: readonly EndpointSpec[]
  /** Delays before each retry in simulator ms; default the Standard Webhooks example schedule. */
  readonly webhookRetryScheduleMs?: readonly number[]
  /** Default: one retry per schedule entry (9 with the spec's schedule). */
  readonly webhookMaxRetries?: number
  /** ± fraction of each retry delay, seeded; default 0. */
  readonly webhookRetryJitter?: number
  /** Deliveries on the wire at once; default 16. */
  readonly webhookConcurrency?: number
  /** Default 5000 ms connect, 15000 ms total (the spec suggests 15–30 s). */
  readonly webhookTimeouts?: { readonly connectMs?: number; readonly totalMs?: number }
  /** How long a replaced secret keeps signing beside the new one; default 24 h. */
  readonly webhookSecretRotationMs?: number
  /** An endpoint failing this long when a delivery exhausts its retries is disabled; default 5 days. */
  readonly webhookDisableAfterMs?: number
  /** The default webhook fault script, restored by reset. */
  readonly webhookFaults?: WebhookFaultInput
  /** Seed of the API fault stream, the webhook fault stream and tracking numbers; random when omitted. */
  readonly seed?: number
  readonly scenario?: ScenarioInput
  /** The injected clock the simulator's own clock runs from; default Date.now. */
  readonly now?: () => number
}

export interface ThreePlSimulator extends ThreePlWarehouseOperations, ThreePlWebhookOperations {
  readonly name: 'threepl'
  readonly accountId: string
  /** The current API key (changes on rotation). */
  readonly apiKey: string
  readonly baseUrl: string
  readonly scenarioUrl: string
  /** The simulator's clock ("now" in epoch ms), which /__sim/clock moves. */
  now(): number
  start(): Promise<string>
  stop(): Promise<void>
  scenario(): ScenarioState
  setScenario(input: ScenarioInput): ScenarioState
  ledger(): LedgerSnapshot
  requests(afterSeq?: number): RequestLogEntry[]
  /** One order by id or by external reference, as the API shows it. */
  order(ref: string): Record<string, unknown> | undefined
  /** Resolves when no webhook delivery is held, pending or on the wire; rejects after `timeoutMs` (default 30 s). */
  deliveriesSettled(timeoutMs?: number): Promise<void>
  /** Orders, stock, clock, API key, scenario, webhook faults, deliveries, ledger and log back to the start; configured endpoints kept. */
  reset(): void
}
