/** @module connectors/netsuite/netsuite-token-provider — OAuth 2.0 client-credentials tokens, cached and refreshed single-flight. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import { Secret } from '../../secrets/secret-value.ts'
import { SingleFlightTokens } from '../credentials/shared-token-coordinator.ts'
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { bearerTokenCodec } from '../credentials/token-codec.ts'
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { classifyNetSuiteFailure } from './netsuite-error-classifier.ts'
import type { NetSuiteFailure } from './netsuite-error-classifier.ts'
import type { NetSuiteConnectionConfig } from './netsuite-spec.ts'
import { waitUnlessAborted } from '../wire/abortable-wait.ts'

export const NETSUITE_TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'

export interface NetSuiteAccessToken {
  /** The bearer token; revealed only into an Authorization header. */
  readonly value: Secret
  /** Epoch ms after which the provider will not hand this token out again. */
  readonly refreshAt: number
}

export interface NetSuiteTokenProviderOptions {
  tokenUrl: string
  clientId: string
  clientSecret: Secret
  clock?: Clock
  /** Refresh this long before expiry so a token does not expire mid-request. Default 60 s (at most half the lifetime). */
  refreshMarginMs?: number
  requestTimeoutMs?: number
  /**
   * Shares the token with every hub process on the same store: one refresh at a time per
   * credential across processes, the token kept sealed in the store. Without it, refreshes are
   * single-flight within this process only.
   */
  shared?: { store: SharedTokenStore; credentialKey: string }
}

export class NetSuiteTokenProvider {
  readonly #options: NetSuiteTokenProviderOptions
  readonly #clock: Clock
  #cached: NetSuiteAccessToken | undefined
  #inflight: Promise<NetSuiteAccessToken> | undefined
  #requests = 0
  readonly #sharedTokens: SingleFlightTokens<NetSuiteAccessToken> | undefined

  static fromConfig(
    config: NetSuiteConnectionConfig,
    options: { clock?: Clock; sharedTokens?: SharedTokenStore } = {},
  ): NetSuiteTokenProvider {
    const { auth } = config
    if (auth.method !== 'oauth2') {
      throw HubError.validation(
        'this NetSuite connection authenticates with TBA (consumerKey, tokenId): it has no OAuth 2.0 client to fetch tokens with',
        { code: 'INVALID_CONFIG' },
      )
    }
    return new NetSuiteTokenProvider({
      tokenUrl: `${config.baseUrl}${NETSUITE_TOKEN_PATH}`,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
      requestTimeoutMs: config.requestTimeoutMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.sharedTokens === undefined
        ? {}
        : {
            // The account and client id name the credential: every connection using them shares it.
            shared: {
              store: options.sharedTokens,
              credentialKey: `netsuite/${config.accountId}/${auth.clientId}`,
            },
          }),
    })
  }

  constructor(options: NetSuiteTokenProviderOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
    this.#sharedTokens =
      options.shared === undefined
        ? undefined
        : new SingleFlightTokens({
            credentialKey: options.shared.credentialKey,
            sealingSecret: options.clientSecret,
            fetchToken: (signal) => this.#fetchToken(signal),
            codec: bearerTokenCodec,
            shared: options.shared.store,
            clock: this.#clock,
          })
  }

  /** How many token requests were sent; exposed for metrics and for tests of single-flight. */
  get requestCount(): number {
    return this.#requests
  }

  /**
   * A valid token: the cached one, or a fresh one. Concurrent callers share ONE in-flight request, so a
   * burst of expiring requests cannot stampede the token endpoint. The caller's `signal` stops only that
   * caller's wait, never the shared request other callers depend on.
   */
  async getToken(signal?: AbortSignal): Promise<NetSuiteAccessToken> {
    signal?.throwIfAborted()
    if (this.#sharedTokens !== undefined) return this.#sharedTokens.get(signal)
    const cached = this.#cached
    if (cached !== undefined && this.#clock.now() < cached.refreshAt) return cached
    this.#inflight ??= this.#fetchToken().finally(() => {
      this.#inflight = undefined
    })
    return waitUnlessAborted(this.#inflight, signal)
  }

  /**
   * Drops `token` after the server rejected it (401). A no-op if the cache already moved on, so N
   * requests failing with the same stale token cause exactly one refresh between them.
   */
  invalidate(token: NetSuiteAccessToken): void {
    this.#sharedTokens?.invalidate(token)
    if (this.#cached === token) this.#cached = undefined
  }

  /** `signal`: the shared refresh lock was cut off, so the answer would no longer be shared. */
  async #fetchToken(signal?: AbortSignal): Promise<NetSuiteAccessToken> {
    this.#requests++
    const startedAt = this.#clock.now()
    const { clientId, clientSecret, tokenUrl } = this.#options
    const basic = Buffer.from(`${clientId}:${clientSecret.reveal()}`, 'utf8').toString('base64')
    const fail = (failure: NetSuiteFailure): HubError =>
      classifyNetSuiteFailure({ ...failure, label: 'token request' }, this.#clock.now())
    let response
    try {
      response = await httpExchange({
        method: 'POST',
        url: tokenUrl,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        timeoutMs: this.#options.requestTimeoutMs ?? 30_000,
        ...(signal === undefined ? {} : { signal }),
      })
    } catch (error) {
      if (error instanceof HttpTransportError) {
        throw fail({ kind: 'network', operation: 'token', error })
      }
      throw error
    }
    if (response.status < 200 || response.status > 299) {
      // The body is OAuth's `{error, error_description}`; it never echoes the client secret.
      throw fail({
        kind: 'response',
        operation: 'token',
        status: response.status,
        headers: response.headers,
        body: response.body,
      })
    }
    let parsed: unknown
    try {
      parsed = parseUntrustedJson(response.body, { source: 'NetSuite token response' })
    } catch (cause) {
      throw fail({
        kind: 'malformed_success',
        operation: 'token',
        status: response.status,
        reason: 'the body is not JSON',
        cause,
      })
    }
    const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >
    const lifetimeMs = Number(body.expires_in) * 1000
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw fail({
        kind: 'malformed_success',
        operation: 'token',
        status: response.status,
        reason: 'the body has no access_token',
      })
    }
    if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') {
      throw fail({
        kind: 'malformed_success',
        operation: 'token',
        status: response.status,
        reason: 'token_type is not "Bearer"',
      })
    }
    if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
      throw fail({
        kind: 'malformed_success',
        operation: 'token',
        status: response.status,
        reason: 'expires_in is not a positive number',
      })
    }
    // Lifetime counts from when we asked, not when the answer arrived: the server's clock started first.
    const margin = Math.min(this.#options.refreshMarginMs ?? 60_000, lifetimeMs / 2)
    const token: NetSuiteAccessToken = {
      value: new Secret(body.access_token),
      refreshAt: startedAt + lifetimeMs - margin,
    }
    this.#cached = token
    return token
  }
}
