/** @module connectors/sap/sap-session — one security session per connection: logon, the CSRF token bound to its cookies, refreshed single-flight. */
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import type { HubError } from '../../errors/hub-error.ts'
import { Secret } from '../../secrets/secret-value.ts'
import { SingleFlightTokens } from '../credentials/shared-token-coordinator.ts'
import type { SharedTokenStore } from '../credentials/shared-token-port.ts'
import { HttpTransportError, headerValue, httpExchange } from '../wire/http-exchange.ts'
import { SapCookieJar } from './sap-cookie-jar.ts'
import { classifySapFailure } from './sap-error-classifier.ts'
import type { SapFailure } from './sap-error-classifier.ts'
import { sapSessionCodec } from './sap-session-codec.ts'
import type { SapSharedCredentials } from './sap-session-codec.ts'
import { SALES_ORDER_SERVICE, SERVICE_ROOT, queryString } from './sap-odata-path.ts'
import type { SapConnectionConfig } from './sap-spec.ts'
import { waitUnlessAborted } from '../wire/abortable-wait.ts'

/**
 * What a request needs to be accepted: the session cookies and the CSRF token the system issued
 * to that session, taken together. A token sent with another session's cookies is refused (403),
 * so the two are never mixed: a caller keeps the pair it was handed.
 */
export interface SapCredentials {
  readonly cookies: Secret | undefined
  readonly csrfToken: Secret
  /** Basic credentials, only when the logon set no session cookie to carry the session instead. */
  readonly authorization: Secret | undefined
}

/**
 * `token`: the system refused the token (403 `X-CSRF-Token: Required`); fetch a new one in the
 * same session. `session`: the session is gone (401 with only its cookie); log on again.
 */
export type SapInvalidation = 'token' | 'session'

/**
 * The communication user logs on once (HTTP Basic on a GET with `X-CSRF-Token: Fetch`), and
 * later requests carry only the session cookies and the token: one security session per
 * connection, not one per request, which is what the system's session limits expect.
 */
export class SapSession {
  readonly #config: SapConnectionConfig
  readonly #clock: Clock
  readonly #jar = new SapCookieJar()
  #current: SapCredentials | undefined
  #inflight: Promise<SapCredentials> | undefined
  #fetches = 0
  readonly #shared: SingleFlightTokens<SapSharedCredentials> | undefined

  /**
   * `sharedTokens`: the hub's store. Every hub process on it then uses one security session per
   * system, client and user: one logon at a time across processes, the cookies and CSRF token kept
   * sealed in the store (keyed by the user's password), adopted by the others without a logon.
   */
  constructor(
    config: SapConnectionConfig,
    options: { clock?: Clock; sharedTokens?: SharedTokenStore } = {},
  ) {
    this.#config = config
    this.#clock = options.clock ?? systemClock
    this.#shared =
      options.sharedTokens === undefined
        ? undefined
        : new SingleFlightTokens({
            credentialKey: `sap/${new URL(config.baseUrl).host}/${config.sapClient ?? 'default'}/${config.username}`,
            sealingSecret: config.password,
            fetchToken: () => this.#fetch(),
            codec: sapSessionCodec,
            shared: options.sharedTokens,
            clock: this.#clock,
          })
  }

  /** How many logons (token fetches) were sent; for metrics and tests of single-flight. */
  get fetchCount(): number {
    return this.#fetches
  }

  /**
   * The current credentials, or fresh ones. Concurrent callers share ONE in-flight fetch, so a
   * burst of requests refused at once cannot stampede the system with logons. The caller's
   * `signal` stops only its own wait, never the fetch others depend on.
   */
  async credentials(signal?: AbortSignal): Promise<SapCredentials> {
    signal?.throwIfAborted()
    if (this.#shared !== undefined) {
      const shared = await this.#shared.get(signal)
      // New credentials (maybe another process's): later token fetches must stay in their
      // session. Checked by identity, so the usual call (the same pair again) costs nothing.
      if (shared !== this.#current) {
        this.#jar.replace(shared.cookies?.reveal())
        this.#current = shared
      }
      return shared
    }
    if (this.#current !== undefined) return this.#current
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined
    })
    return waitUnlessAborted(this.#inflight, signal)
  }

  /**
   * Drops `credentials` after the system refused them. A no-op once the session moved on, so N
   * requests refused with the same stale pair cause exactly one fetch between them.
   */
  invalidate(credentials: SapCredentials, scope: SapInvalidation): void {
    if (this.#shared !== undefined) {
      this.#shared.invalidate(credentials as SapSharedCredentials)
      // Only the session the jar holds now: a refusal of an older pair must not drop a newer one.
      if (scope === 'session' && credentials === this.#current) this.#jar.clear()
      return
    }
    if (this.#current !== credentials) return
    this.#current = undefined
    // A dead session's cookie would only be refused again; a refused token's session lives on.
    if (scope === 'session') this.#jar.clear()
  }

  async #fetch(): Promise<SapSharedCredentials> {
    this.#fetches++
    const { baseUrl, username, password, sapClient, requestTimeoutMs } = this.#config
    const label = 'logon (CSRF token fetch)'
    const fail = (failure: SapFailure): HubError =>
      classifySapFailure({ ...failure, label }, this.#clock.now())
    const basic = Buffer.from(`${username}:${password.reveal()}`, 'utf8').toString('base64')
    const cookies = this.#jar.header()
    let response
    try {
      response = await httpExchange({
        method: 'GET',
        url: `${baseUrl}${SERVICE_ROOT}${SALES_ORDER_SERVICE}/${queryString({ 'sap-client': sapClient })}`,
        headers: {
          authorization: `Basic ${basic}`,
          'x-csrf-token': 'Fetch',
          accept: 'application/json',
          ...(cookies === undefined ? {} : { cookie: cookies }),
        },
        timeoutMs: requestTimeoutMs,
      })
    } catch (error) {
      if (error instanceof HttpTransportError) {
        throw fail({ kind: 'network', operation: 'logon', error })
      }
      throw error
    }
    if (response.status < 200 || response.status > 299) {
      // The ICF answers a failed logon with an HTML page; it never echoes the password.
      throw fail({
        kind: 'response',
        operation: 'logon',
        status: response.status,
        headers: response.headers,
        body: response.body,
      })
    }
    // The token belongs to the session these cookies carry: store them before handing it out.
    this.#jar.store(response.headers)
    const token = headerValue(response.headers, 'x-csrf-token')?.trim()
    if (token === undefined || token === '' || token.toLowerCase() === 'required') {
      throw fail({
        kind: 'malformed_success',
        operation: 'logon',
        status: response.status,
        reason: 'sent no X-CSRF-Token (is a proxy stripping it?)',
      })
    }
    const jar = this.#jar.header()
    const credentials: SapSharedCredentials = {
      fetchedAt: this.#clock.now(),
      cookies: jar === undefined ? undefined : new Secret(jar),
      csrfToken: new Secret(token),
      // A system (or proxy) that keeps no session would otherwise see anonymous requests.
      authorization: jar === undefined ? new Secret(`Basic ${basic}`) : undefined,
    }
    this.#current = credentials
    return credentials
  }
}
