/** @module sandbox/netsuite/netsuite-auth — OAuth 2.0 client credentials: tokens issued, checked and expired on demand. */

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { jsonResponse } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'

export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'

/**
 * The token endpoint as the brief specifies it: `grant_type=client_credentials` with HTTP Basic
 * client_id:client_secret. (Real NetSuite M2M uses a signed JWT assertion; the token contract the
 * hub sees afterwards, a Bearer token with expires_in, is the same.)
 */
export class NetSuiteAuth {
  readonly #now: () => number
  readonly #clientId: string
  readonly #clientSecret: string
  readonly #ttlSeconds: number
  #tokens = new Map<string, number>()

  constructor(now: () => number, clientId: string, clientSecret: string, ttlSeconds: number) {
    this.#now = now
    this.#clientId = clientId
    this.#clientSecret = clientSecret
    this.#ttlSeconds = ttlSeconds
  }

  /** Answers POST .../token; OAuth errors use RFC 6749's `{"error": ...}` body, not NetSuite's. */
  issue(authorization: string | undefined, form: unknown): SimResponse {
    const grant =
      typeof form === 'object' && form !== null
        ? (form as Record<string, unknown>).grant_type
        : undefined
    if (grant !== 'client_credentials') {
      return jsonResponse(400, {
        error: 'unsupported_grant_type',
        error_description: 'grant_type must be client_credentials',
      })
    }
    if (!this.#clientMatches(authorization)) {
      return jsonResponse(
        401,
        { error: 'invalid_client' },
        { 'www-authenticate': 'Basic realm="NetSuite"' },
      )
    }
    const token = randomBytes(24).toString('base64url')
    this.#tokens.set(token, this.#now() + this.#ttlSeconds * 1000)
    return jsonResponse(
      200,
      { access_token: token, token_type: 'Bearer', expires_in: this.#ttlSeconds },
      { 'cache-control': 'no-store' },
    )
  }

  /** True when the header carries a token this account issued and that has not expired. */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    const expiresAt = match?.[1] === undefined ? undefined : this.#tokens.get(match[1])
    return expiresAt !== undefined && this.#now() < expiresAt
  }

  /** Expires every issued token at once, as if an hour had passed, so refresh paths can be tested. */
  expireAll(): number {
    const count = this.#tokens.size
    this.#tokens = new Map()
    return count
  }

  #clientMatches(authorization: string | undefined): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return false
    const decoded = Buffer.from(match[1], 'base64').toString('utf8')
    const expected = Buffer.from(`${this.#clientId}:${this.#clientSecret}`)
    const given = Buffer.from(decoded)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
}
