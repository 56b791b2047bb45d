/** @module connectors/salesforce/salesforce-token-provider — OAuth 2.0 access tokens (client credentials or username-password), cached, refreshed single-flight, with the instance URL they belong to. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import type { HubError } from '../../errors/hub-error.ts'
import { Secret } from '../../secrets/secret-value.ts'
import { SingleFlightTokens } from '../credentials/shared-token-coordinator.ts'
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import type { TokenCodec } from '../credentials/token-codec.ts'
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { classifySalesforceFailure } from './salesforce-error-classifier.ts'
import type { SalesforceFailure } from './salesforce-error-classifier.ts'
import type { SalesforceConnectionConfig } from './salesforce-spec.ts'
import { waitUnlessAborted } from '../wire/abortable-wait.ts'

export const SALESFORCE_TOKEN_PATH = '/services/oauth2/token'

export interface SalesforceAccessToken {
  /** The bearer token; revealed only into an Authorization header. */
  readonly value: Secret
  /** Where this org's REST API lives (`instance_url`): every call with this token goes there. */
  readonly instanceUrl: string
  /** Epoch ms the provider received it. */
  readonly receivedAt: number
}

export type SalesforceGrant =
  | { type: 'client_credentials' }
  | { type: 'password'; username: string; password: Secret; securityToken?: Secret | undefined }

export interface SalesforceTokenProviderOptions {
  tokenUrl: string
  clientId: string
  clientSecret: Secret
  grant: SalesforceGrant
  clock?: Clock
  requestTimeoutMs?: number
  /**
   * Shares the token with every hub process on the same store: one token request at a time per
   * credential across processes, the token kept sealed in the store. Without it, requests are
   * single-flight within this process only.
   */
  shared?: { store: SharedTokenStore; credentialKey: string }
}

/**
 * The longest a Salesforce session can live (the org's session timeout is at most 24 h); a shared
 * copy older than that is dead whether or not anyone saw a 401, so it is never handed out.
 */
const SESSION_CEILING_MS = 24 * 60 * 60 * 1000

/** How a token is sealed into the shared store and read back. */
export const salesforceTokenCodec: TokenCodec<SalesforceAccessToken> = {
  encode: (token) =>
    JSON.stringify({
      value: token.value.reveal(),
      instanceUrl: token.instanceUrl,
      receivedAt: token.receivedAt,
    }),
  decode(plaintext) {
    const parsed: unknown = JSON.parse(plaintext)
    const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >
    const instanceUrl = instanceUrlOf(fields.instanceUrl)
    if (typeof fields.value !== 'string' || fields.value === '') {
      throw new TypeError('the sealed Salesforce token has no value')
    }
    if (instanceUrl === undefined) {
      throw new TypeError('the sealed Salesforce token has no instance URL')
    }
    if (typeof fields.receivedAt !== 'number' || !Number.isFinite(fields.receivedAt)) {
      throw new TypeError('the sealed Salesforce token has no receipt time')
    }
    return { value: new Secret(fields.value), instanceUrl, receivedAt: fields.receivedAt }
  },
  refreshAt: (token) => token.receivedAt + SESSION_CEILING_MS,
}

/**
 * Salesforce access tokens carry no `expires_in`: a session ends after the org's inactivity
 * timeout (2 h by default, each use extends it) or when an admin revokes it. So a token is kept
 * until a call is answered 401 `INVALID_SESSION_ID`, and only then replaced.
 */
export class SalesforceTokenProvider {
  readonly #options: SalesforceTokenProviderOptions
  readonly #clock: Clock
  #cached: SalesforceAccessToken | undefined
  #inflight: Promise<SalesforceAccessToken> | undefined
  #requests = 0
  readonly #sharedTokens: SingleFlightTokens<SalesforceAccessToken> | undefined

  static fromConfig(
    config: SalesforceConnectionConfig,
    options: { clock?: Clock; sharedTokens?: SharedTokenStore } = {},
  ): SalesforceTokenProvider {
    const grant: SalesforceGrant =
      config.grantType === 'password'
        ? {
            type: 'password',
            username: config.username ?? '',
            password: config.password ?? new Secret(''),
            securityToken: config.securityToken,
          }
        : { type: 'client_credentials' }
    return new SalesforceTokenProvider({
      tokenUrl: `${config.loginUrl}${SALESFORCE_TOKEN_PATH}`,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      grant,
      requestTimeoutMs: config.requestTimeoutMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.sharedTokens === undefined
        ? {}
        : {
            // The org's login host, the connected app and the user name the credential: every
            // connection using the same ones gets the same session.
            shared: {
              store: options.sharedTokens,
              credentialKey: `salesforce/${new URL(config.loginUrl).host}/${config.clientId}/${grant.type === 'password' ? grant.username : 'client_credentials'}`,
            },
          }),
    })
  }

  constructor(options: SalesforceTokenProviderOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
    this.#sharedTokens =
      options.shared === undefined
        ? undefined
        : new SingleFlightTokens({
            credentialKey: options.shared.credentialKey,
            sealingSecret: options.clientSecret,
            fetchToken: (signal) => this.#fetchToken(signal),
            codec: salesforceTokenCodec,
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
   * burst of calls answered 401 cannot stampede the token endpoint. The caller's `signal` stops only that
   * caller's wait, never the shared request other callers depend on.
   */
  async getToken(signal?: AbortSignal): Promise<SalesforceAccessToken> {
    signal?.throwIfAborted()
    if (this.#sharedTokens !== undefined) return this.#sharedTokens.get(signal)
    if (this.#cached !== undefined) return this.#cached
    this.#inflight ??= this.#fetchToken().finally(() => {
      this.#inflight = undefined
    })
    return waitUnlessAborted(this.#inflight, signal)
  }

  /**
   * Drops `token` after the org rejected it (401). A no-op if the cache already moved on, so N
   * requests failing with the same stale token cause exactly one refresh between them.
   */
  invalidate(token: SalesforceAccessToken): void {
    this.#sharedTokens?.invalidate(token)
    if (this.#cached === token) this.#cached = undefined
  }

  #form(): { body: string; headers: Record<string, string> } {
    const { clientId, clientSecret, grant } = this.#options
    if (grant.type === 'client_credentials') {
      const basic = Buffer.from(`${clientId}:${clientSecret.reveal()}`, 'utf8').toString('base64')
      return {
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        headers: { authorization: `Basic ${basic}` },
      }
    }
    // The username-password flow takes the client in the form, and the security token appended to the password.
    const password = grant.password.reveal() + (grant.securityToken?.reveal() ?? '')
    return {
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: clientId,
        client_secret: clientSecret.reveal(),
        username: grant.username,
        password,
      }).toString(),
      headers: {},
    }
  }

  /** `signal`: the shared refresh lock was cut off, so the answer would no longer be shared. */
  async #fetchToken(signal?: AbortSignal): Promise<SalesforceAccessToken> {
    this.#requests++
    const fail = (failure: SalesforceFailure): HubError =>
      classifySalesforceFailure({ ...failure, label: 'token request' })
    const form = this.#form()
    let response
    try {
      response = await httpExchange({
        method: 'POST',
        url: this.#options.tokenUrl,
        headers: {
          ...form.headers,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.body,
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
      // The body is OAuth's `{error, error_description}`; it never echoes the secret or password.
      throw fail({
        kind: 'response',
        operation: 'token',
        status: response.status,
        headers: response.headers,
        body: response.body,
      })
    }
    const malformed = (reason: string, cause?: unknown): HubError =>
      fail({
        kind: 'malformed_success',
        operation: 'token',
        status: response.status,
        reason,
        ...(cause === undefined ? {} : { cause }),
      })
    let parsed: unknown
    try {
      parsed = parseUntrustedJson(response.body, { source: 'Salesforce token response' })
    } catch (cause) {
      throw malformed('the body is not JSON', cause)
    }
    const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw malformed('the body has no access_token')
    }
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') {
      throw malformed('token_type is not "Bearer"')
    }
    const instanceUrl = instanceUrlOf(body.instance_url)
    if (instanceUrl === undefined) throw malformed('instance_url is not an http(s) URL')
    const token: SalesforceAccessToken = {
      value: new Secret(body.access_token),
      instanceUrl,
      receivedAt: this.#clock.now(),
    }
    this.#cached = token
    return token
  }
}

/** `https://acme.my.salesforce.com/` → `https://acme.my.salesforce.com`; anything else undefined. */
function instanceUrlOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  } catch {
    return undefined
  }
}
