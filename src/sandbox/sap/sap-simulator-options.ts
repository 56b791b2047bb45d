/** @module sandbox/sap/sap-simulator-options — the SAP simulator's options and the handle tests and the host get back. */

import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import type { ScenarioInput } from '../kit/fault-script.ts'
import type { RequestLogEntry } from '../kit/request-log.ts'
import type { ScenarioState } from '../kit/scenario-router.ts'
import type { Change } from './sap-changes.ts'
import type { SapSimOperations } from './sap-sim-routes.ts'
import type { Material, SeedPartner } from './sap-store.ts'

/** A committed write, as `onWrite` reports it (benchmarks time propagation with it). */
export interface SapWrite extends Change {
  /** The simulator's clock (epoch ms) when the write committed. */
  readonly at: number
}

export interface SapEventSubscriber {
  readonly url: string
  /** Event types to deliver; all when omitted. */
  readonly types?: readonly string[]
}

export interface SapSimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  /** Three-character system id; names the session cookie. Default S4H. */
  readonly systemId?: string
  /** The SAP client (tenant); default 100. A `sap-client` query for another client fails logon. */
  readonly client?: string
  /** The communication user for HTTP Basic; default SYNCLINE_INT. */
  readonly username?: string
  readonly password?: string
  /** Idle timeout of a security session (and its CSRF token); default 1800 s. */
  readonly sessionTimeoutSeconds?: number
  /** Fault-stream seed; random (and reported) when omitted. */
  readonly seed?: number
  /** The default scenario, restored by reset; omitted fields mean "no faults". */
  readonly scenario?: ScenarioInput
  /** Source of "now"; default Date.now. `/__sim/clock` moves the simulator's time past it. */
  readonly now?: () => number
  /** First internally assigned sales order number; default 1. */
  readonly firstSalesOrder?: number
  /** First internally assigned business partner number; default 1000000. */
  readonly firstBusinessPartner?: number
  /** Materials beyond the seeded TG11–TG14 and SKU-1…SKU-20. */
  readonly materials?: readonly Material[]
  /** Partners beyond the seeded 17100001–17100005 customers and supplier 17300001. */
  readonly businessPartners?: readonly SeedPartner[]
  /** The field the effects ledger reads each write's source version from (none by default). */
  readonly ledgerVersionField?: string
  /** Webhook subscribers configured from the start (kept across reset). */
  readonly eventSubscribers?: readonly SapEventSubscriber[]
  /** Delay before each webhook retry; default 1, 2, 4, 8, 16 s. */
  readonly eventRetryScheduleMs?: readonly number[]
  /** Default 5. */
  readonly eventMaxRetries?: number
  /** A subscriber slower than this is retried with the same event id; default 5000 ms. */
  readonly eventTimeoutMs?: number
  /** Events kept in the pull feed; default 10,000. */
  readonly eventFeedCapacity?: number
  /** How long BillingDocumentRequest_In waits in the inbound queue after its 202; default 50 ms. */
  readonly billingProcessingMs?: number
  /** Called on every committed write through the API. */
  readonly onWrite?: (write: SapWrite) => void
}

export interface SapSimulator extends SapSimOperations {
  readonly name: 'sap'
  readonly systemId: string
  readonly client: string
  readonly username: string
  readonly password: string
  /** `http://host:port`; the hub's SAP base URL. Throws before start(). */
  readonly baseUrl: string
  /** `${baseUrl}/__sim`. */
  readonly scenarioUrl: string
  start(): Promise<string>
  stop(): Promise<void>
  scenario(): ScenarioState
  /** Replaces the fault script; throws on an invalid or unsupported scenario. */
  setScenario(input: ScenarioInput): ScenarioState
  ledger(): LedgerSnapshot
  requests(afterSeq?: number): RequestLogEntry[]
  /** Resolves when no webhook delivery is pending; rejects after `timeoutMs` (default 30 s). */
  deliveriesSettled(timeoutMs?: number): Promise<void>
  /** Data back to the seed, default scenario, clock offset, sessions, events, ledger and log cleared; configured subscribers kept. */
  reset(): void
}
