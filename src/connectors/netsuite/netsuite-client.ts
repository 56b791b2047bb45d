/** @module connectors/netsuite/netsuite-client — SuiteTalk REST: upsert by external id, read, create, SuiteQL, transforms, governance; OAuth 2.0 or TBA. */
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { parseNetSuiteErrorBody } from './netsuite-error-classifier.ts'
import { NetSuiteHttp } from './netsuite-http.ts'
import type { NetSuiteJournalEntryBody } from './netsuite-journal-mapping.ts'
import { readNetSuiteLedgerSetup } from './netsuite-ledger.ts'
import type { NetSuiteLedgerSetup } from './netsuite-ledger.ts'
import type { NetSuiteCall } from './netsuite-http.ts'
import { RECORD_PATH, eidPath, recordType } from './netsuite-record-path.ts'
import { bearerAuth, tbaAuth } from './netsuite-request-auth.ts'
import type { NetSuiteConnectionConfig } from './netsuite-spec.ts'
import { suiteqlRows } from './netsuite-suiteql.ts'
import type { SuiteQlOptions, SuiteQlRow } from './netsuite-suiteql.ts'
import { NetSuiteTbaSigner } from './netsuite-tba-signer.ts'
import { NetSuiteTokenProvider } from './netsuite-token-provider.ts'
import {
  creditMemosFromInvoice,
  invoicesFromSalesOrder,
  transformToCreditMemo,
  transformToInvoice,
  transformToItemFulfillment,
} from './netsuite-transform.ts'
import type {
  NetSuiteFulfillmentLine,
  NetSuiteInvoiceRef,
  NetSuiteTransformOptions,
} from './netsuite-transform.ts'

const GOVERNANCE_PATH = '/services/rest/system/v1/governanceLimits'

export interface NetSuiteGovernanceLimits {
  accountConcurrencyLimit: number
  accountUnallocatedConcurrencyLimit: number
  /**
   * What this hub should use: the unallocated limit (the pool integrations without their own allocation
   * share), or the account limit when nothing is unallocated, capped by `concurrencyLimit` from the config.
   */
  effectiveConcurrencyLimit: number
}

export interface NetSuiteWriteOptions {
  signal?: AbortSignal
  /** Sent as `X-NetSuite-Idempotency-Key`; NetSuite honours it for async requests and reports reuse as IDEMPOTENCY_ERROR. */
  idempotencyKey?: string
}

export interface NetSuiteClientOptions {
  clock?: Clock
  /** OAuth 2.0: share one provider between clients of the same account so they share one token. */
  tokenProvider?: NetSuiteTokenProvider
  /** OAuth 2.0: the hub's store, to share the token with the other hub processes (single-flight across them). */
  sharedTokens?: SharedTokenStore
  /** TBA: a signer to use instead of the one built from the config (tests fix its nonce and clock). */
  tbaSigner?: NetSuiteTbaSigner
}

export class NetSuiteClient {
  readonly #config: NetSuiteConnectionConfig
  readonly #http: NetSuiteHttp

  constructor(config: NetSuiteConnectionConfig, options: NetSuiteClientOptions = {}) {
    this.#config = config
    const clock = options.clock ?? systemClock
    const timed = options.clock === undefined ? {} : { clock: options.clock }
    // Exactly one method is configured (the spec refuses both or neither): TBA signs each
    // request, OAuth 2.0 fetches a bearer token and shares it.
    const auth =
      config.auth.method === 'tba'
        ? tbaAuth(options.tbaSigner ?? NetSuiteTbaSigner.fromConfig(config, timed))
        : bearerAuth(
            options.tokenProvider ??
              NetSuiteTokenProvider.fromConfig(config, {
                ...timed,
                ...(options.sharedTokens === undefined
                  ? {}
                  : { sharedTokens: options.sharedTokens }),
              }),
          )
    this.#http = new NetSuiteHttp({
      baseUrl: config.baseUrl,
      requestTimeoutMs: config.requestTimeoutMs,
      auth,
      clock,
    })
  }

  /** Reads the account's concurrency limits; the hub's governor calls this at start-up. */
  async getGovernanceLimits(signal?: AbortSignal): Promise<NetSuiteGovernanceLimits> {
    const label = `GET ${GOVERNANCE_PATH}`
    const response = await this.#http.send({
      method: 'GET',
      path: GOVERNANCE_PATH,
      operation: 'read',
      signal,
    })
    this.#http.expectStatus(response, 'read', label)
    const body = this.#http.json(response, 'read', label)
    const account = body.accountConcurrencyLimit
    const unallocated = body.accountUnallocatedConcurrencyLimit
    if (!isCount(account) || !isCount(unallocated)) {
      throw this.#http.malformed(
        'read',
        response.status,
        label,
        'the body lacks numeric concurrency limits',
      )
    }
    const pool = unallocated > 0 ? unallocated : account
    const effective = Math.max(1, Math.min(pool, this.#config.concurrencyLimit ?? pool))
    return {
      accountConcurrencyLimit: account,
      accountUnallocatedConcurrencyLimit: unallocated,
      effectiveConcurrencyLimit: effective,
    }
  }

  /** The record with this external id, or null when there is none (404 NONEXISTENT_ID). */
  async getByExternalId(
    type: string,
    externalId: string,
    signal?: AbortSignal,
  ): Promise<{ id: string; record: Record<string, unknown> } | null> {
    const path = eidPath(type, externalId)
    const label = `GET ${path}`
    const response = await this.#http.send({ method: 'GET', path, operation: 'read', signal })
    if (response.status === 404 && isMissingRecord(response.body)) return null
    this.#http.expectStatus(response, 'read', label)
    const record = this.#http.json(response, 'read', label)
    const id = typeof record.id === 'number' ? String(record.id) : record.id
    if (typeof id !== 'string' || !/^\d+$/.test(id)) {
      throw this.#http.malformed('read', response.status, label, 'the record has no internal id')
    }
    return { id, record }
  }

  /**
   * Creates or replaces the record with this external id (`PUT …/{type}/eid:{externalId}`), the
   * idempotent write path. Returns the internal id from `Location`; a 2xx without a readable one is
   * unknown_outcome, because the write may have happened.
   */
  async upsertByExternalId(
    type: string,
    externalId: string,
    // `object`, so typed bodies from netsuite-mapping (interfaces, no index signature) pass as they are.
    body: object,
    options: NetSuiteWriteOptions = {},
  ): Promise<{ id: string }> {
    const path = eidPath(type, externalId)
    const call: NetSuiteCall = {
      method: 'PUT',
      path,
      operation: 'idempotent_write',
      body,
      signal: options.signal,
      idempotencyKey: options.idempotencyKey,
    }
    const response = await this.#http.send(call)
    return { id: this.#http.idFromLocation(response, type, 'idempotent_write', `PUT ${path}`) }
  }

  /** Creates a record (`POST …/{type}`). Not idempotent: prefer `upsertByExternalId`. */
  async create(
    type: string,
    // `object`, so typed bodies from netsuite-mapping (interfaces, no index signature) pass as they are.
    body: object,
    options: NetSuiteWriteOptions = {},
  ): Promise<{ id: string }> {
    const path = `${RECORD_PATH}/${recordType(type)}`
    const call: NetSuiteCall = {
      method: 'POST',
      path,
      operation: 'write',
      body,
      signal: options.signal,
      idempotencyKey: options.idempotencyKey,
    }
    const response = await this.#http.send(call)
    return { id: this.#http.idFromLocation(response, type, 'write', `POST ${path}`) }
  }

  /** Every row of a SuiteQL query, fetched page by page (≤ 1000 rows each) until `hasMore` is false. */
  suiteql(
    query: string,
    options: SuiteQlOptions = {},
  ): AsyncGenerator<SuiteQlRow, void, undefined> {
    return suiteqlRows(this.#http, query, options)
  }

  /** `suiteql` collected into an array. */
  async suiteqlAll(query: string, options: SuiteQlOptions = {}): Promise<SuiteQlRow[]> {
    const rows: SuiteQlRow[] = []
    for await (const row of this.suiteql(query, options)) rows.push(row)
    return rows
  }

  /** Invoices the sales order once: an invoice already created from it is returned instead. */
  transformToInvoice(
    salesOrderId: string,
    options: NetSuiteTransformOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    return transformToInvoice(this.#http, salesOrderId, options)
  }

  /** The invoices created from a sales order, oldest first: the in-doubt read of `transformToInvoice`. */
  invoicesFromSalesOrder(
    salesOrderId: string,
    signal?: AbortSignal,
  ): Promise<NetSuiteInvoiceRef[]> {
    return invoicesFromSalesOrder(this.#http, salesOrderId, signal)
  }

  /** Takes the invoice back with one applied credit memo, guarded to happen once (see netsuite-transform.ts). */
  transformToCreditMemo(
    invoiceId: string,
    options: NetSuiteTransformOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    return transformToCreditMemo(this.#http, invoiceId, options)
  }

  /** The credit memos created from an invoice, oldest first: the in-doubt read of `transformToCreditMemo`. */
  creditMemosFromInvoice(invoiceId: string, signal?: AbortSignal): Promise<NetSuiteInvoiceRef[]> {
    return creditMemosFromInvoice(this.#http, invoiceId, signal)
  }

  /** Ships the given lines of the sales order, or all it has left to ship. Not idempotent. */
  transformToItemFulfillment(
    salesOrderId: string,
    lines?: readonly NetSuiteFulfillmentLine[],
    options: NetSuiteTransformOptions = {},
  ): Promise<{ id: string }> {
    return transformToItemFulfillment(this.#http, salesOrderId, lines, options)
  }

  /** What a journal entry posts against: accounts, posting periods, subsidiaries, dimensions, currencies. */
  readLedgerSetup(signal?: AbortSignal): Promise<NetSuiteLedgerSetup> {
    return readNetSuiteLedgerSetup(this, signal)
  }

  /**
   * Writes the journal entry by its external id (`PUT …/journalEntry/eid:…`): a repeat of the same
   * request replaces the entry rather than adding a second one.
   */
  upsertJournalEntry(
    body: NetSuiteJournalEntryBody,
    options: NetSuiteWriteOptions = {},
  ): Promise<{ id: string }> {
    return this.upsertByExternalId('journalEntry', body.externalId, body, options)
  }
}

/**
 * A 404 means "no such record" only when NetSuite says NONEXISTENT_ID; a bare 404 (a wrong base URL, a
 * proxy page) must not pass for "absent", or the caller would create a duplicate.
 */
function isMissingRecord(body: string): boolean {
  return parseNetSuiteErrorBody(body).some((d) => d.code === 'NONEXISTENT_ID')
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}
