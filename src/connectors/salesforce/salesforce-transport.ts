/** @module connectors/salesforce/salesforce-transport — one REST call to the org: the API-usage gate, a bearer token, one retry after 401, and failures classified. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpMethod } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { ApiUsageMonitor } from './salesforce-api-usage.ts'
import type { ApiUsageState } from './salesforce-api-usage.ts'
import { classifySalesforceFailure } from './salesforce-error-classifier.ts'
import type { SalesforceFailure, SalesforceOperation } from './salesforce-error-classifier.ts'
import type { SalesforceConnectionConfig } from './salesforce-spec.ts'
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { SalesforceTokenProvider } from './salesforce-token-provider.ts'
import type { SalesforceAccessToken } from './salesforce-token-provider.ts'

export interface SalesforceCall {
  method: HttpMethod
  /** A path on the instance, e.g. `/services/data/v62.0/limits`. */
  path: string
  operation: SalesforceOperation
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal | undefined
}

export interface SalesforceTransportOptions {
  clock?: Clock
  /** Share one provider between clients of the same org so they share one session. */
  tokenProvider?: SalesforceTokenProvider
  /** The hub's store, to share the session with the other hub processes (single-flight across them). */
  sharedTokens?: SharedTokenStore
}

export class SalesforceTransport {
  readonly config: SalesforceConnectionConfig
  readonly #tokens: SalesforceTokenProvider
  readonly #usage: ApiUsageMonitor

  constructor(config: SalesforceConnectionConfig, options: SalesforceTransportOptions = {}) {
    this.config = config
    const clock = options.clock ?? systemClock
    this.#tokens =
      options.tokenProvider ??
      SalesforceTokenProvider.fromConfig(config, {
        clock,
        ...(options.sharedTokens === undefined ? {} : { sharedTokens: options.sharedTokens }),
      })
    this.#usage = new ApiUsageMonitor(config.apiUsageBackoffRatio, clock)
  }

  get tokens(): SalesforceTokenProvider {
    return this.#tokens
  }

  /** The org's API usage from the last `Sforce-Limit-Info`, and any back-off it caused. */
  get apiUsage(): Readonly<ApiUsageState> | undefined {
    return this.#usage.state
  }

  /**
   * Sends with a bearer token; on 401 invalidates that token and retries exactly once with a fresh
   * one. Refuses to send (throttled) while the org's usage is at the back-off ratio.
   */
  async send(call: SalesforceCall): Promise<HttpExchangeResponse> {
    const pauseMs = this.#usage.remainingPauseMs()
    const state = this.#usage.state
    if (pauseMs > 0 && state !== undefined) {
      throw this.classify({
        kind: 'usage_ceiling',
        operation: call.operation,
        usage: state.usage,
        ratio: this.#usage.ratio,
        pauseMs,
        label: labelOf(call),
      })
    }
    const token = await this.#token(call)
    const first = await this.#exchange(call, token)
    if (first.status !== 401) return first
    this.#tokens.invalidate(token)
    const fresh = await this.#token(call)
    // A 401 on the retry falls through to the caller's status check, which reports it as auth.
    return this.#exchange(call, fresh)
  }

  /** Throws the classified failure unless the status is one of `expected`. */
  expect(
    response: HttpExchangeResponse,
    call: SalesforceCall,
    expected: readonly number[] = [200],
  ): void {
    if (expected.includes(response.status)) return
    throw this.classify({
      kind: 'response',
      operation: call.operation,
      status: response.status,
      headers: response.headers,
      body: response.body,
      label: labelOf(call),
    })
  }

  /** The body as JSON; an unreadable 2xx is classified (unknown outcome on a write). */
  json(response: HttpExchangeResponse, call: SalesforceCall): unknown {
    try {
      return parseUntrustedJson(response.body, {
        source: `Salesforce ${labelOf(call)} response`,
      })
    } catch (cause) {
      throw this.malformed(response, call, 'the body is not JSON', cause)
    }
  }

  /** A JSON object body, or a classified malformed-success failure. */
  object(response: HttpExchangeResponse, call: SalesforceCall): Record<string, unknown> {
    const parsed = this.json(response, call)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>
    }
    throw this.malformed(response, call, 'the body is not a JSON object')
  }

  malformed(
    response: HttpExchangeResponse,
    call: SalesforceCall,
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

  classify(failure: SalesforceFailure): HubError {
    return classifySalesforceFailure(failure)
  }

  async #token(call: SalesforceCall): Promise<SalesforceAccessToken> {
    try {
      return await this.#tokens.getToken(call.signal)
    } catch (error) {
      if (HubError.is(error)) throw error
      // Only the caller's abort gets here: the call itself was never sent.
      throw HubError.retryable(
        `Salesforce ${labelOf(call)} not sent: aborted while waiting for a token`,
        { cause: error },
      )
    }
  }

  async #exchange(
    call: SalesforceCall,
    token: SalesforceAccessToken,
  ): Promise<HttpExchangeResponse> {
    let response: HttpExchangeResponse
    try {
      response = await httpExchange({
        method: call.method,
        url: `${token.instanceUrl}${call.path}`,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token.value.reveal()}`,
          // Change events caused by the hub then carry `;client=<name>` in changeOrigin: echoes are recognisable.
          'sforce-call-options': `client=${this.config.clientName}`,
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        timeoutMs: this.config.requestTimeoutMs,
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
    this.#usage.observe(response.headers)
    return response
  }
}

/** `PATCH /services/data/v62.0/sobjects/Account/ERP_Id__c/C-1`, without a query string (SOQL may hold customer data). */
export function labelOf(call: Pick<SalesforceCall, 'method' | 'path'>): string {
  const at = call.path.indexOf('?')
  return `${call.method} ${at === -1 ? call.path : `${call.path.slice(0, at)}?…`}`
}
