/** @module connectors/netsuite/netsuite-http — one authenticated NetSuite call: send (retrying once after a 401), then read status, JSON and Location, classifying every failure. */
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, headerValue, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpMethod } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { classifyNetSuiteFailure } from './netsuite-error-classifier.ts'
import type { NetSuiteFailure, NetSuiteOperation } from './netsuite-error-classifier.ts'
import { internalIdFromLocation } from './netsuite-record-path.ts'
import type { NetSuiteRequestAuth } from './netsuite-request-auth.ts'

export interface NetSuiteCall {
  method: HttpMethod
  /** Path and query below the base URL. */
  path: string
  operation: NetSuiteOperation
  body?: unknown
  signal?: AbortSignal | undefined
  idempotencyKey?: string | undefined
  /** Extra request headers, e.g. SuiteQL's `Prefer: transient`. */
  headers?: Record<string, string>
}

export class NetSuiteHttp {
  readonly #baseUrl: string
  readonly #timeoutMs: number
  readonly #auth: NetSuiteRequestAuth
  readonly #clock: Clock

  constructor(options: {
    baseUrl: string
    requestTimeoutMs: number
    auth: NetSuiteRequestAuth
    clock: Clock
  }) {
    this.#baseUrl = options.baseUrl
    this.#timeoutMs = options.requestTimeoutMs
    this.#auth = options.auth
    this.#clock = options.clock
  }

  /** Sends with fresh credentials; on 401, tells them they were rejected and retries exactly once. */
  async send(call: NetSuiteCall): Promise<HttpExchangeResponse> {
    const url = `${this.#baseUrl}${call.path}`
    const first = await this.#authorize(call, url)
    const response = await this.#exchange(call, url, first.header)
    if (response.status !== 401) return response
    first.rejected()
    const fresh = await this.#authorize(call, url)
    // A 401 on the retry falls through to the classifier, which reports it as auth.
    return this.#exchange(call, url, fresh.header)
  }

  expectStatus(response: HttpExchangeResponse, operation: NetSuiteOperation, label: string): void {
    if (response.status >= 200 && response.status <= 299) return
    throw this.classify({
      kind: 'response',
      operation,
      status: response.status,
      headers: response.headers,
      body: response.body,
      label,
    })
  }

  /** The internal id of the record a 2xx write made, from `Location`; unreadable is malformed. */
  idFromLocation(
    response: HttpExchangeResponse,
    type: string,
    operation: NetSuiteOperation,
    label: string,
  ): string {
    this.expectStatus(response, operation, label)
    const location = headerValue(response.headers, 'location')
    if (location === undefined) {
      throw this.malformed(operation, response.status, label, 'sent no Location header')
    }
    const id = internalIdFromLocation(location, type)
    if (id === undefined) {
      throw this.malformed(
        operation,
        response.status,
        label,
        `its Location ${JSON.stringify(location.slice(0, 200))} names no ${type} id`,
      )
    }
    return id
  }

  json(
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
      throw this.malformed(operation, response.status, label, 'the body is not JSON', cause)
    }
    throw this.malformed(operation, response.status, label, 'the body is not a JSON object')
  }

  malformed(
    operation: NetSuiteOperation,
    status: number,
    label: string,
    reason: string,
    cause?: unknown,
  ): HubError {
    return this.classify({
      kind: 'malformed_success',
      operation,
      status,
      reason,
      label,
      ...(cause === undefined ? {} : { cause }),
    })
  }

  classify(failure: NetSuiteFailure): HubError {
    return classifyNetSuiteFailure(failure, this.#clock.now())
  }

  async #authorize(call: NetSuiteCall, url: string) {
    try {
      return await this.#auth.authorize(call.method, url, call.signal)
    } catch (error) {
      if (HubError.is(error)) throw error
      // Only the caller's abort gets here: the request was never sent.
      throw HubError.retryable(
        `NetSuite ${call.method} ${call.path} not sent: aborted while waiting for a token`,
        { cause: error },
      )
    }
  }

  async #exchange(
    call: NetSuiteCall,
    url: string,
    authorization: string,
  ): Promise<HttpExchangeResponse> {
    try {
      return await httpExchange({
        method: call.method,
        url,
        headers: {
          accept: 'application/json',
          ...call.headers,
          authorization,
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(call.idempotencyKey === undefined
            ? {}
            : { 'x-netsuite-idempotency-key': call.idempotencyKey }),
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        timeoutMs: this.#timeoutMs,
        signal: call.signal,
      })
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error
      throw this.classify({
        kind: 'network',
        operation: call.operation,
        error,
        label: `${call.method} ${call.path}`,
      })
    }
  }
}
