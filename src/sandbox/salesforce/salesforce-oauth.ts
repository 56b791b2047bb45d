/** @module sandbox/salesforce/salesforce-oauth — POST /services/oauth2/token (password and client_credentials grants) and /services/oauth2/revoke, answering as the login server does. */

import { createHmac, timingSafeEqual } from 'node:crypto'
import type { SimResponse } from '../kit/sim-response.ts'
import { emptyResponse } from '../kit/sim-response.ts'
import { sfJson } from './salesforce-errors.ts'
import type { SessionStore, SfUser } from './salesforce-sessions.ts'

export const TOKEN_PATH = '/services/oauth2/token'
export const REVOKE_PATH = '/services/oauth2/revoke'

export interface OAuthConfig {
  readonly orgId: string
  readonly clientId: string
  readonly clientSecret: string
  readonly user: SfUser
  /** The password the user logs in with: their password followed by their security token. */
  readonly loginPassword: string
  readonly baseUrl: () => string
}

const NO_STORE = { 'cache-control': 'no-cache,must-revalidate,max-age=0,no-store,private' }
const oauthError = (error: string, description: string): SimResponse =>
  sfJson(400, { error, error_description: description }, NO_STORE)

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The client from the form, or from HTTP Basic (allowed for client_credentials). */
function clientOf(
  form: Record<string, string | undefined>,
  authorization: string | undefined,
): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
  }
  return {
    ...(form.client_id === undefined ? {} : { id: form.client_id }),
    ...(form.client_secret === undefined ? {} : { secret: form.client_secret }),
  }
}

export class SalesforceOAuth {
  readonly #config: OAuthConfig
  readonly #sessions: SessionStore
  readonly #now: () => number

  constructor(config: OAuthConfig, sessions: SessionStore, now: () => number) {
    this.#config = config
    this.#sessions = sessions
    this.#now = now
  }

  /** The identity URL, on the login server; jsforce reads the org and user ids from its tail. */
  identityUrl(): string {
    return `${this.#config.baseUrl()}/id/${this.#config.orgId}/${this.#config.user.id}`
  }

  checkPassword(username: string, password: string): boolean {
    return username === this.#config.user.username && same(password, this.#config.loginPassword)
  }

  token(body: unknown, authorization: string | undefined): SimResponse {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      string | undefined
    >
    const grant = form.grant_type
    if (grant !== 'password' && grant !== 'client_credentials') {
      return oauthError('unsupported_grant_type', 'grant type not supported')
    }
    const client = clientOf(form, grant === 'client_credentials' ? authorization : undefined)
    if (client.id !== this.#config.clientId) {
      return oauthError('invalid_client_id', 'client identifier invalid')
    }
    if (client.secret === undefined || !same(client.secret, this.#config.clientSecret)) {
      return oauthError('invalid_client', 'invalid client credentials')
    }
    if (grant === 'password' && !this.checkPassword(form.username ?? '', form.password ?? '')) {
      return oauthError('invalid_grant', 'authentication failure')
    }
    const session = this.#sessions.issue(this.#config.user.id, 'oauth2')
    const id = this.identityUrl()
    const issuedAt = String(this.#now())
    // The signature lets the client check id and issued_at came from the server that holds its secret.
    const signature = createHmac('sha256', this.#config.clientSecret)
      .update(id + issuedAt)
      .digest('base64')
    return sfJson(
      200,
      {
        access_token: session.token,
        signature,
        scope: 'api',
        instance_url: this.#config.baseUrl(),
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
      },
      NO_STORE,
    )
  }

  /** GET /id/{orgId}/{userId}: who the token belongs to, and where the org's APIs are. */
  identity(
    authorization: string | undefined,
    queryToken: string | undefined,
    version: string,
  ): SimResponse {
    // The identity service also takes the token as `?oauth_token=` (jsforce sends both).
    const session =
      this.#sessions.fromAuthorization(authorization) ?? this.#sessions.check(queryToken)
    if (!session) {
      return {
        status: 403,
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: 'Bad_OAuth_Token',
      }
    }
    const { orgId, user } = this.#config
    const api = `${this.#config.baseUrl()}/services/data/v${version}`
    return sfJson(200, {
      id: this.identityUrl(),
      asserted_user: true,
      user_id: user.id,
      organization_id: orgId,
      username: user.username,
      nick_name: user.username.split('@')[0],
      display_name: user.fullName,
      email: user.email,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: -28_800_000,
      urls: {
        rest: `${api}/`,
        sobjects: `${api}/sobjects/`,
        query: `${api}/query/`,
        composite: `${api}/composite/`,
      },
    })
  }

  /** Revokes an access token; Salesforce answers 200 with an empty body either way it succeeds. */
  revoke(body: unknown): SimResponse {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      string | undefined
    >
    const token = form.token
    if (token === undefined || !this.#sessions.revoke(token)) {
      return oauthError('unsupported_token_type', 'this token type is not supported')
    }
    return emptyResponse(200, NO_STORE)
  }
}
