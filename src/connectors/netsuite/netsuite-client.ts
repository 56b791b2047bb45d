/** @module connectors/netsuite/netsuite-client — SuiteTalk REST record API: upsert by external id, read, create, governance. */
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, headerValue, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpMethod } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { classifyNetSuiteFailure, parseNetSuiteErrorBody } from './netsuite-error-classifier.ts'
import type { NetSuiteFailure, NetSuiteOperation } from './netsuite-error-classifier.ts'
import type { NetSuiteConnectionConfig } from './netsuite-spec.ts'
import { NetSuiteTokenProvider } from './netsuite-token-provider.ts'
import type { NetSuiteAccessToken } from './netsuite-token-provider.ts'
import { RECORD_PATH, eidPath, internalIdFromLocation, recordType } from './netsuite-record-path.ts'

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
  /** Share one provider between clients of the same account so they share one token. */
  tokenProvider?: NetSuiteTokenProvider
  /** The hub's store, to share the token with the other hub processes (single-flight across them). */
  sharedTokens?: SharedTokenStore
}

interface Call {
  method: HttpMethod
  path: string
  operation: NetSuiteOperation
  body?: unknown
  signal?: AbortSignal | undefined
  idempotencyKey?: string | undefined
}

export class NetSuiteClient {
  readonly #config: NetSuiteConnectionConfig
  readonly #clock: Clock
  readonly #tokens: NetSuiteTokenProvider

  constructor(config: NetSuiteConnectionConfig, options: NetSuiteClientOptions = {}) {
    this.#config = config
    this.#clock = options.clock ?? systemClock
    this.#tokens =
      options.tokenProvider ??
      NetSuiteTokenProvider.fromConfig(config, {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.sharedTokens === undefined ? {} : { sharedTokens: options.sharedTokens }),
      })
  }

  /** Reads the account's concurrency limits; the hub's governor calls this at start-up. */
  async getGovernanceLimits(signal?: AbortSignal): Promise<NetSuiteGovernanceLimits> {
    const label = `GET ${GOVERNANCE_PATH}`
    const response = await this.#send({
      method: 'GET',
      path: GOVERNANCE_PATH,
      operation: 'read',
      signal,
    })
    this.#expectStatus(response, 'read', label)
    const body = this.#json(response, 'read', label)
    const account = body.accountConcurrencyLimit
    const unallocated = body.accountUnallocatedConcurrencyLimit
    if (!isCount(account) || !isCount(unallocated)) {
      throw this.#malformed(
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
    const response = await this.#send({ method: 'GET', path, operation: 'read', signal })
    if (response.status === 404 && isMissingRecord(response.body)) return null
    this.#expectStatus(response, 'read', label)
    const record = this.#json(response, 'read', label)
    const id = typeof record.id === 'number' ? String(record.id) : record.id
    if (typeof id !== 'string' || !/^\d+$/.test(id)) {
      throw this.#malformed('read', response.status, label, 'the record has no internal id')
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
    const call: Call = {
      method: 'PUT',
      path,
      operation: 'idempotent_write',
      body,
      signal: options.signal,
      idempotencyKey: options.idempotencyKey,
    }
    const response = await this.#send(call)
    return { id: this.#idFromLocation(response, type, 'idempotent_write', `PUT ${path}`) }
  }

  /** Creates a record (`POST …/{type}`). Not idempotent: prefer `upsertByExternalId`. */
  async create(
    type: string,
    // `object`, so typed bodies from netsuite-mapping (interfaces, no index signature) pass as they are.
    body: object,
    options: NetSuiteWriteOptions = {},
  ): Promise<{ id: string }> {
    const path = `${RECORD_PATH}/${recordType(type)}`
    const call: Call = {
      method: 'POST',
      path,
      operation: 'write',
      body,
      signal: options.signal,
      idempotencyKey: options.idempotencyKey,
    }
    const response = await this.#send(call)
    return { id: this.#idFromLocation(response, type, 'write', `POST ${path}`) }
  }

  /** Sends with a bearer token; on 401, invalidates that token and retries exactly once with a fresh one. */
  async #send(call: Call): Promise<HttpExchangeResponse> {
    const token = await this.#token(call)
    const first = await this.#exchange(call, token.value.reveal())
    if (first.status !== 401) return first
    this.#tokens.invalidate(token)
    const fresh = await this.#token(call)
    // A 401 on the retry falls through to the classifier, which reports it as auth.
    return this.#exchange(call, fresh.value.reveal())
  }

  async #token(call: Call): Promise<NetSuiteAccessToken> {
    try {
      return await this.#tokens.getToken(call.signal)
    } catch (error) {
      if (HubError.is(error)) throw error
      // Only the caller's abort gets here: the record request was never sent.
      throw HubError.retryable(
        `NetSuite ${call.method} ${call.path} not sent: aborted while waiting for a token`,
        {
          cause: error,
        },
      )
    }
  }

  async #exchange(call: Call, bearer: string): Promise<HttpExchangeResponse> {
    try {
      return await httpExchange({
        method: call.method,
        url: `${this.#config.baseUrl}${call.path}`,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${bearer}`,
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(call.idempotencyKey === undefined
            ? {}
            : { 'x-netsuite-idempotency-key': call.idempotencyKey }),
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        timeoutMs: this.#config.requestTimeoutMs,
        signal: call.signal,
      })
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error
      throw this.#classify({
        kind: 'network',
        operation: call.operation,
        error,
        label: `${call.method} ${call.path}`,
      })
    }
  }

  #expectStatus(response: HttpExchangeResponse, operation: NetSuiteOperation, label: string): void {
    if (response.status >= 200 && response.status <= 299) return
    throw this.#classify({
      kind: 'response',
      operation,
      status: response.status,
      headers: response.headers,
      body: response.body,
      label,
    })
  }

  #idFromLocation(
    response: HttpExchangeResponse,
    type: string,
    operation: NetSuiteOperation,
    label: string,
  ): string {
    this.#expectStatus(response, operation, label)
    const location = headerValue(response.headers, 'location')
    if (location === undefined) {
      throw this.#malformed(operation, response.status, label, 'sent no Location header')
    }
    const id = internalIdFromLocation(location, type)
    if (id === undefined) {
      throw this.#malformed(
        operation,
        response.status,
        label,
        `its Location ${JSON.stringify(location.slice(0, 200))} names no ${type} id`,
      )
    }
    return id
  }

  #json(
    response: HttpExchangeResponse,
    operation: NetSuiteOperation,
    label: string,
  ): Record<string, unknown> {
    try {
      const parsed = parseUntrustedJson(response.body, { source: `NetSuite ${label} response` })
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>
      }
    } catch (cause) {
      throw this.#malformed(operation, response.status, label, 'the body is not JSON', cause)
    }
    throw this.#malformed(operation, response.status, label, 'the body is not a JSON object')
  }

  #malformed(
    operation: NetSuiteOperation,
    status: number,
    label: string,
    reason: string,
    cause?: unknown,
  ): HubError {
    return this.#classify({
      kind: 'malformed_success',
      operation,
      status,
      reason,
      label,
      ...(cause === undefined ? {} : { cause }),
    })
  }

  #classify(failure: NetSuiteFailure): HubError {
    return classifyNetSuiteFailure(failure, this.#clock.now())
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
