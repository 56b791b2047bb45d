/** @module test/connectors/conformance/conformance-subject — what a connector hands the shared conformance suite.
 *
 * Every connector (shopify, salesforce, netsuite, sap, threepl) provides one subject; the suite in
 * `connector-conformance.ts` runs the same tests on each, against the connector's simulator over
 * real HTTP. A subject only adapts: it must call the connector's real client, classifier and
 * mapping, never re-implement them.
 */
import type { ConnectorSpec } from '../../../src/connectors/connector-contract.ts'
import type { HubError } from '../../../src/errors/hub-error.ts'

/** A recorded source payload and the canonical JSON it must map to, byte for byte after parsing. */
export interface GoldenFixture {
  /** e.g. `salesforce/account-cdc-update`: reads `<name>.payload.json` and `<name>.canonical.json` under test/connectors/fixtures/. */
  name: string
  /** The connector's own mapping of the raw payload bytes to canonical JSON. */
  map(payload: Buffer): unknown
}

/** One write the suite drives through the connector, identified by its business key. */
export interface WriteOptions {
  /** Stable across the replays of one delivery, as the engine passes it. */
  idempotencyKey: string
  signal?: AbortSignal
}

export interface ConformanceEstate {
  /** An authenticated read through the connector (proves the credentials work). */
  authenticatedRead(): Promise<void>
  /**
   * Makes the simulator reject every credential issued so far the way the vendor does (expired
   * token, invalidated session, CSRF token dropped with the session); undefined where the vendor's
   * credentials never expire (Shopify's offline tokens, the 3PL's API key).
   */
  expireCredentials?: () => Promise<void>
  /** Credential requests (token, login, CSRF fetch) the simulator has answered so far. */
  credentialRequests(): number
  /** Makes the simulator reject the connector's credentials for good (a revoked key or secret). */
  revokeCredentials(): Promise<void>
  /**
   * The connector's outbound write of a sample entity with business key `key`. Must be the
   * connector's real, repeat-safe path (native upsert, idempotency key, or its own
   * read-before-create where the target has no native mechanism).
   */
  write(key: string, options: WriteOptions): Promise<{ id: string }>
  /** Read by business key (the in-doubt read); null when the target has no such entity. */
  lookup(key: string): Promise<{ id: string } | null>
  /** How many entities with business key `key` the simulator holds (its own store or ledger). */
  countAtTarget(key: string): number
  /** Scripts the simulator so its next write commits the change and then drops the connection. */
  commitThenDropNextWrite(): Promise<void>
  /** Scripts the simulator to throttle the next write (429/503 with Retry-After, or the vendor's equivalent). */
  throttleNextWrite(): Promise<void>
  /**
   * Sends `count` writes at once through the connector's governor, as the engine would, and
   * reports the most requests the simulator saw in flight at once, and the limit the governor was
   * configured with. The vendor limit must be configured lower than `count`.
   */
  governorProbe(count: number): Promise<{ maxInFlightAtSimulator: number; limit: number }>
  stop(): Promise<void>
}

/** A connector-specific check for one row of the fault checklist, run by the suite under that row. */
export interface FaultRowCheck {
  row: number
  /** What is checked, as a test name. */
  name: string
  run(estate: ConformanceEstate): Promise<void>
}

export interface ConformanceSubject {
  spec: ConnectorSpec
  /** A config that must parse. */
  validConfig: Readonly<Record<string, unknown>>
  /** Field names that must be named in the error when the config is `{}`. */
  requiredFields: readonly string[]
  golden: readonly GoldenFixture[]
  /**
   * What the golden fixtures prove beyond a non-ASCII name and a fixture with optional fields
   * missing (always checked): ids past 2^53 kept as strings, money as decimal strings.
   */
  goldenCovers: readonly ('int64-ids' | 'money-strings')[]
  /** Starts the simulator and the connector's client(s) against it. Each test gets a fresh estate. */
  start(): Promise<ConformanceEstate>
  faultChecks: readonly FaultRowCheck[]
}

/** The HubError a promise rejected with, or a test failure when it resolved or threw something else. */
export async function rejection(promise: Promise<unknown>): Promise<HubError> {
  const outcome = await promise.then(
    (value: unknown) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`)
  const { error } = outcome
  if (!(error instanceof Error) || error.name !== 'HubError') {
    throw new Error(`expected a HubError, got ${String(error)}`, { cause: error })
  }
  return error as HubError
}
