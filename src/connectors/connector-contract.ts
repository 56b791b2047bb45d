/** @module connectors/connector-contract — what every connector declares about itself, as data.
 *
 * One contract for all connectors: the config it accepts (validated, secrets flagged), the
 * operations it performs and how each is made safe to repeat, the limits of its target and what
 * governs them, how each failure maps onto the hub's error taxonomy, and which rows of the fault
 * checklist (docs/connectors/README.md) apply. The docs page `docs/connectors/<name>.md` is
 * rendered from this and nothing else, and the connector conformance suite checks it.
 */
import type { ErrorType, HubError } from '../errors/hub-error.ts'
import type { ConfigFieldReference } from './config-spec.ts'

export const CONNECTOR_NAMES = ['shopify', 'salesforce', 'netsuite', 'sap', 'threepl'] as const
export type ConnectorName = (typeof CONNECTOR_NAMES)[number]

export const OPERATION_DIRECTIONS = ['inbound', 'outbound', 'read'] as const
export type OperationDirection = (typeof OPERATION_DIRECTIONS)[number]

export interface ConnectorOperation {
  /** As the engine names it, e.g. `salesOrder.create`; part of every idempotency key. */
  name: string
  direction: OperationDirection
  /** What it does, in one sentence, in the vendor's terms. */
  description: string
  /** The vendor endpoint(s), e.g. `PATCH /services/rest/record/v1/salesOrder/eid:{externalId}`. */
  endpoint: string
  /** Why a repeat is harmless: the target's native mechanism, or the hub's guard where it has none. */
  idempotency: string
  /** What the hub reads when an attempt's outcome is unknown, before anything is sent again. */
  inDoubtRead?: string
}

export interface ConnectorLimit {
  /** e.g. `Concurrent requests`. */
  name: string
  /** The target's documented limit, e.g. `5 per account (Standard tier), shared by all integrations`. */
  limit: string
  /** How the hub stays under it, e.g. `one concurrency governor per account, read from governanceLimits`. */
  governedBy: string
}

export interface ConnectorErrorMapping {
  /** Stable row id, e.g. `rest-concurrency`. */
  id: string
  /** The condition in words, for the docs page. */
  when: string
  type: ErrorType
  /**
   * Classifies a representative failure with the connector's own classifier. The conformance
   * suite calls it and checks the result has `type`, so the docs table cannot drift from the code.
   */
  example(): HubError
}

/** A row of the simulator fault checklist (external-apis §5) that applies to this connector. */
export interface ConnectorFaultRow {
  /** The row number, 1–18. */
  row: number
  /** The fault as this vendor produces it. */
  fault: string
  /** What the connector (with the engine) does about it. */
  handling: string
}

/**
 * The limits the engine's per-target governor is configured with for one connection, derived from
 * the target's real limit (and the connection's own caps). The composition root hands them to the
 * engine's target gates; every flow calling the target shares them.
 */
export interface ConnectorGovernance {
  /** The governed target, e.g. `netsuite:1234567`: one per account, whichever flow calls it. */
  target: string
  /** Calls in flight at once. */
  concurrency: number
  /** Calls per second, where the target limits by rate (a leaky bucket, a daily allocation). */
  rate?: { perSecond: number; burst?: number }
}

export interface ConnectorSpec<Config = unknown> {
  name: ConnectorName
  /** e.g. `SAP S/4HANA Cloud (OData v2)`. */
  title: string
  /** One paragraph: what the connector connects and which APIs it uses. */
  summary: string
  /** The vendor's own API reference the shapes follow. */
  vendorDocs: readonly string[]
  /** Validates a connection config; throws HubError.validation naming each field to fix. */
  parseConfig(input: unknown): Config
  /** The config fields, documented, in declaration order. */
  configFields(): ConfigFieldReference[]
  /** A complete, valid example config (no real credentials), shown on the docs page. */
  exampleConfig: Readonly<Record<string, unknown>>
  operations: readonly ConnectorOperation[]
  limits: readonly ConnectorLimit[]
  errors: readonly ConnectorErrorMapping[]
  faultRows: readonly ConnectorFaultRow[]
  /** The governor limits for a parsed config. */
  governance(config: Config): ConnectorGovernance
}

/** Identity helper that checks a spec literal against the contract without widening it. */
export function defineConnectorSpec<Config>(spec: ConnectorSpec<Config>): ConnectorSpec<Config> {
  return spec
}
