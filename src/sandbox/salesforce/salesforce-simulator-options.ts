/** @module sandbox/salesforce/salesforce-simulator-options — the Salesforce simulator's options and the handle tests and the host get back. */

import type { LedgerSnapshot } from '../kit/effects-ledger.ts'
import type { ScenarioInput } from '../kit/fault-script.ts'
import type { RequestLogEntry } from '../kit/request-log.ts'
import type { ScenarioState } from '../kit/scenario-router.ts'
import type { SObjectType } from './salesforce-fields.ts'
import type {
  SalesforceCdcAccess,
  SalesforceRecordAccess,
  SalesforceSchemaAccess,
} from './salesforce-sim-ops.ts'

export interface SalesforceSimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  /** Newest API version served; default 62.0 (Winter '25). Versions 20.0 up to it are accepted. */
  readonly apiVersion?: string
  readonly orgId?: string
  /** The connected app's consumer key and secret (OAuth password and client_credentials flows). */
  readonly clientId?: string
  readonly clientSecret?: string
  /** The integration user; it logs in with password + securityToken, as Salesforce requires. */
  readonly username?: string
  readonly password?: string
  readonly securityToken?: string
  /** Session inactivity timeout on the org's clock; default 7200 s (2 h, the org default). */
  readonly sessionTimeoutSeconds?: number
  /** Daily API allocation (rolling 24 h); default 100,000. */
  readonly dailyApiRequests?: number
  /** Concurrent long-running requests allowed (default 25, production); the scenario can change it. */
  readonly concurrencyLimit?: number
  /** A request counts as long-running after this long; default 20,000 ms. */
  readonly longRunningMs?: number
  /** Change-event retention on the org's clock; default 72 h. */
  readonly cdcRetentionHours?: number
  /** How long a CometD /meta/connect is held without events; default 110,000 ms. */
  readonly cometdTimeoutMs?: number
  /** A CometD client silent for this long (org clock) must handshake again; default 40,000 ms. */
  readonly cometdClientIdleMs?: number
  /** Fault-stream (and replay id) seed; random (and reported) when omitted. */
  readonly seed?: number
  /** The default scenario, restored by reset; omitted fields mean "no faults". */
  readonly scenario?: ScenarioInput
  /** The host clock the org clock runs on (the org clock adds the /__sim/clock offset); default Date.now. */
  readonly now?: () => number
  /** The field whose value the effects ledger records as each write's source version. */
  readonly ledgerVersionField?: string
  /** Fields giving a row's business key in the ledger, first non-empty wins; else `#<Id>`. */
  readonly ledgerKeyFields?: readonly string[]
  /** Called on every committed API write (create, update, delete, undelete). */
  readonly onRecordWritten?: (write: SalesforceRecordWrite) => void
}

/** A committed API write, as `onRecordWritten` reports it. */
export interface SalesforceRecordWrite {
  readonly sobject: SObjectType
  readonly id: string
  readonly businessKey: string
  readonly kind: 'create' | 'update' | 'delete'
  /** The org clock (epoch ms) at commit. */
  readonly at: number
}

export interface SalesforceSimulator {
  readonly name: 'salesforce'
  readonly orgId: string
  readonly apiVersion: string
  readonly clientId: string
  readonly clientSecret: string
  readonly username: string
  readonly password: string
  readonly securityToken: string
  /** `http://host:port`: both the login URL and the instance URL. Throws before start(). */
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
  readonly records: SalesforceRecordAccess
  readonly cdc: SalesforceCdcAccess
  readonly schema: SalesforceSchemaAccess
  /** The org's clock: advance it to expire sessions, cursors, events and the 24 h window. */
  readonly clock: {
    now(): number
    advance(ms: number): number
    set(epochMs: number): number
  }
  readonly limits: {
    configure(dailyApiRequests?: number, used?: number): void
    used(): number
    readonly max: number
  }
  /** Ends every session; returns how many there were. */
  expireTokens(): number
  /**
   * Rows, change events, CometD clients, cursors, schema, validation rules, clock offset, API
   * usage, default scenario, ledger and log back to the start; sessions are kept.
   */
  reset(): void
}
