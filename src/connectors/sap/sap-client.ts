/** @module connectors/sap/sap-client — OData v2 over one security session: reads, paged queries, creates, If-Match updates; CSRF and logon refreshed once. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import {
  ABORTED_BEFORE_SEND,
  HttpTransportError,
  headerValue,
  httpExchange,
} from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpMethod } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { classifySapFailure, parseSapErrorBody } from './sap-error-classifier.ts'
import type { SapFailure, SapOperation } from './sap-error-classifier.ts'
import { entityOf, etagOf } from './sap-odata-json.ts'
import type { ODataEntity } from './sap-odata-json.ts'
import { SERVICE_ROOT, alphaOut, queryString } from './sap-odata-path.ts'
import type { SapService } from './sap-odata-path.ts'
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { SapSession } from './sap-session.ts'
import type { SapCredentials, SapInvalidation } from './sap-session.ts'
import type { SapConnectionConfig } from './sap-spec.ts'

/** Gateway's "Resource not found for segment …": the entity does not exist. */
const RESOURCE_NOT_FOUND = '/IWBEP/CM_MGW_RT/020'
const DEFAULT_PAGE_SIZE = 100

export interface SapClientOptions {
  clock?: Clock
  /** Share one session between clients of the same system and user. */
  session?: SapSession
  /** The hub's store, to share the session with the other hub processes (one logon across them). */
  sharedTokens?: SharedTokenStore
  /** `$top` of each page of a query. */
  pageSize?: number
}

export interface SapEntityRead {
  entity: ODataEntity
  etag: string | undefined
}

export interface SapCreated extends SapEntityRead {
  /** The new entity's key, without leading zeros. */
  key: string
}

/** One HTTP request to a service; `path` is relative to the service root. */
export interface SapCall {
  method: HttpMethod
  service: SapService
  path: string
  operation: SapOperation
  query?: Readonly<Record<string, string | undefined>>
  body?: string
  headers?: Readonly<Record<string, string>>
  signal?: AbortSignal | undefined
}

export class SapClient {
  readonly #config: SapConnectionConfig
  readonly #clock: Clock
  readonly #session: SapSession
  readonly #pageSize: number

  constructor(config: SapConnectionConfig, options: SapClientOptions = {}) {
    this.#config = config
    this.#clock = options.clock ?? systemClock
    this.#session =
      options.session ??
      new SapSession(config, {
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.sharedTokens === undefined ? {} : { sharedTokens: options.sharedTokens }),
      })
    this.#pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  }

  get session(): SapSession {
    return this.#session
  }

  get config(): SapConnectionConfig {
    return this.#config
  }

  /** `$top` of each page of a query. */
  get pageSize(): number {
    return this.#pageSize
  }

  /** One entity with its ETag, or null when SAP says it does not exist. */
  async read(
    service: SapService,
    path: string,
    query: Readonly<Record<string, string | undefined>> = {},
    signal?: AbortSignal,
  ): Promise<SapEntityRead | null> {
    const call: SapCall = { method: 'GET', service, path, operation: 'read', query, signal }
    const response = await this.send(call)
    // Only Gateway's own "not found" means absent: a bare 404 (a wrong base URL, a proxy page)
    // must not pass for it, or the caller would create a duplicate.
    if (response.status === 404 && isResourceNotFound(response.body)) return null
    this.expectSuccess(call, response)
    const entity = entityOf(this.json(call, response))
    if (entity === undefined) throw this.malformed(call, response, 'the body is not an entity')
    return { entity, etag: etagOf(response.headers, entity) }
  }

  /** POST to a set; SAP answers 201 with the entity (deep inserts inline) and its ETag. */
  async create(
    service: SapService,
    set: string,
    keyField: string,
    // `object`, so typed bodies from sap-mapping (interfaces, no index signature) pass as they are.
    body: object,
    signal?: AbortSignal,
  ): Promise<SapCreated> {
    const call: SapCall = {
      method: 'POST',
      service,
      path: set,
      operation: 'create',
      body: JSON.stringify(body),
      signal,
    }
    const response = await this.send(call)
    this.expectSuccess(call, response)
    const entity = entityOf(this.json(call, response))
    const key =
      keyOf(entity?.[keyField]) ?? keyFromLocation(headerValue(response.headers, 'location'))
    if (entity === undefined || key === undefined) {
      throw this.malformed(call, response, `the answer names no ${keyField}`)
    }
    return { key, entity, etag: etagOf(response.headers, entity) }
  }

  /** PATCH under `If-Match: etag`; returns the new ETag. 412 (changed since read) is a conflict. */
  async update(
    service: SapService,
    path: string,
    body: object,
    etag: string,
    signal?: AbortSignal,
  ): Promise<{ etag: string | undefined }> {
    const call: SapCall = {
      method: 'PATCH',
      service,
      path,
      operation: 'update',
      body: JSON.stringify(body),
      headers: { 'if-match': etag },
      signal,
    }
    const response = await this.send(call)
    this.expectSuccess(call, response)
    return { etag: headerValue(response.headers, 'etag') }
  }

  /**
   * Sends with the session's cookies (and its CSRF token on a write). A 401 (the session timed
   * out) logs on again, a 403 `X-CSRF-Token: Required` fetches a new token; either retries the
   * request exactly once. Both refusals come before the system does any work, so the retry
   * cannot duplicate anything.
   */
  async send(call: SapCall): Promise<HttpExchangeResponse> {
    const credentials = await this.#credentials(call)
    const first = await this.#exchange(call, credentials)
    const stale = refusedCredentials(first)
    if (stale === undefined) return first
    this.#session.invalidate(credentials, stale)
    // A refusal on the retry falls through to the classifier: auth.
    return this.#exchange(call, await this.#credentials(call))
  }

  /** Throws the classified failure unless the answer is 2xx. */
  expectSuccess(call: SapCall, response: HttpExchangeResponse): void {
    if (response.status >= 200 && response.status <= 299) return
    throw this.classify({
      kind: 'response',
      operation: call.operation,
      status: response.status,
      headers: response.headers,
      body: response.body,
      label: labelOf(call),
    })
  }

  json(call: SapCall, response: HttpExchangeResponse): unknown {
    try {
      return parseUntrustedJson(response.body, { source: `SAP ${labelOf(call)} response` })
    } catch (cause) {
      throw this.malformed(call, response, 'the body is not JSON', cause)
    }
  }

  classify(failure: SapFailure): HubError {
    return classifySapFailure(failure, this.#clock.now())
  }

  async #credentials(call: SapCall): Promise<SapCredentials> {
    try {
      return await this.#session.credentials(call.signal)
    } catch (error) {
      if (HubError.is(error)) throw error
      // Only the caller's abort gets here: the request itself was never sent.
      throw this.classify({
        kind: 'network',
        operation: call.operation,
        error: new HttpTransportError(`${labelOf(call)} not sent: aborted waiting for logon`, {
          code: ABORTED_BEFORE_SEND,
          timedOut: false,
          abortedByCaller: true,
          cause: error,
        }),
        label: labelOf(call),
      })
    }
  }

  async #exchange(call: SapCall, credentials: SapCredentials): Promise<HttpExchangeResponse> {
    const { baseUrl, sapClient, requestTimeoutMs } = this.#config
    const reading = call.method === 'GET'
    const cookies = credentials.cookies?.reveal()
    const authorization = credentials.authorization?.reveal()
    try {
      return await httpExchange({
        method: call.method,
        url: `${baseUrl}${SERVICE_ROOT}${call.service}/${call.path}${queryString({ ...call.query, 'sap-client': sapClient })}`,
        headers: {
          accept: 'application/json',
          ...(cookies === undefined ? {} : { cookie: cookies }),
          ...(authorization === undefined ? {} : { authorization }),
          ...(reading ? {} : { 'x-csrf-token': credentials.csrfToken.reveal() }),
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        ...(call.body === undefined ? {} : { body: call.body }),
        timeoutMs: requestTimeoutMs,
        signal: call.signal,
      })
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error
      throw this.classify({
        kind: 'network',
        operation: call.operation,
        error,
        label: labelOf(call),
      })
    }
  }

  /** A 2xx that cannot be read, classified: an unknown outcome for a write, retryable for a read. */
  malformed(
    call: SapCall,
    response: HttpExchangeResponse,
    reason: string,
    cause?: unknown,
  ): HubError {
    return this.classify({
      kind: 'malformed_success',
      operation: call.operation,
      status: response.status,
      reason,
      label: labelOf(call),
      ...(cause === undefined ? {} : { cause }),
    })
  }
}

/** `POST A_SalesOrder`; the query string is left out, it can carry customer data. */
export function labelOf(call: Pick<SapCall, 'method' | 'path'>): string {
  return `${call.method} ${call.path.split('?', 1)[0] ?? ''}`
}

function refusedCredentials(response: HttpExchangeResponse): SapInvalidation | undefined {
  if (response.status === 401) return 'session'
  const csrf = headerValue(response.headers, 'x-csrf-token')?.trim().toLowerCase()
  return response.status === 403 && csrf === 'required' ? 'token' : undefined
}

function isResourceNotFound(body: string): boolean {
  return parseSapErrorBody(body).some((d) => d.code === RESOURCE_NOT_FOUND)
}

function keyOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9]{1,10}$/.test(value)
    ? alphaOut(value)
    : undefined
}

/** `…/A_SalesOrder('5000123')` → `5000123`. */
function keyFromLocation(location: string | undefined): string | undefined {
  const match = /\('([A-Za-z0-9]{1,10})'\)\/?$/.exec(location ?? '')
  return match?.[1] === undefined ? undefined : alphaOut(match[1])
}
