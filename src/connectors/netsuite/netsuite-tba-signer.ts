/** @module connectors/netsuite/netsuite-tba-signer — token-based authentication: each request signed per OAuth 1.0a (RFC 5849) with HMAC-SHA256, as NetSuite requires. */
import { createHmac, randomBytes } from 'node:crypto'
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import type { Secret } from '../../secrets/secret-value.ts'
import type { NetSuiteConnectionConfig } from './netsuite-spec.ts'

export interface NetSuiteTbaCredentials {
  /** The account id; the realm is it in upper case with `_` (`1234567_SB1`), as NetSuite insists. */
  readonly accountId: string
  readonly consumerKey: string
  readonly consumerSecret: Secret
  readonly tokenId: string
  readonly tokenSecret: Secret
}

export interface NetSuiteTbaSignerOptions {
  clock?: Clock
  /** NetSuite wants 6–64 alphanumeric characters, unique per request; default 32 random hex digits. */
  nonce?: () => string
}

/** RFC 5849 §3.6: every octet but the unreserved characters as %XX (upper-case hex) of its UTF-8 bytes. */
export function oauthPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/**
 * RFC 5849 §3.4.1: `METHOD&encode(base URI)&encode(normalised parameters)`. The parameters are the
 * URL's query (form-decoded), the protocol parameters and, for a form body, its fields; the base
 * URI has a lower-case scheme and host and no default port (`URL` normalises both).
 */
export function signatureBaseString(request: {
  method: string
  url: string
  oauthParams: readonly (readonly [string, string])[]
  formParams?: readonly (readonly [string, string])[]
}): string {
  const url = new URL(request.url)
  const params = [...url.searchParams, ...request.oauthParams, ...(request.formParams ?? [])]
  const normalised = params
    .map(([k, v]) => [oauthPercentEncode(k), oauthPercentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const baseUri = `${url.protocol}//${url.host}${url.pathname}`
  return [
    request.method.toUpperCase(),
    oauthPercentEncode(baseUri),
    oauthPercentEncode(normalised),
  ].join('&')
}

/** The HMAC of the base string keyed `encode(consumerSecret)&encode(tokenSecret)`, Base64. */
export function oauthHmacSignature(
  algorithm: 'HMAC-SHA256' | 'HMAC-SHA1',
  baseString: string,
  consumerSecret: string,
  tokenSecret: string,
): string {
  const key = `${oauthPercentEncode(consumerSecret)}&${oauthPercentEncode(tokenSecret)}`
  return createHmac(algorithm === 'HMAC-SHA256' ? 'sha256' : 'sha1', key)
    .update(baseString)
    .digest('base64')
}

/** `1234567-sb1` or `1234567_sb1` → `1234567_SB1`. */
export function netsuiteRealm(accountId: string): string {
  return accountId.toUpperCase().replace(/-/g, '_')
}

/**
 * Signs NetSuite requests with TBA instead of an OAuth 2.0 bearer token. There is nothing to fetch
 * or refresh: each request carries its own signature, timestamp and fresh nonce, so a repeated
 * request is signed anew (NetSuite refuses a nonce it has seen).
 */
export class NetSuiteTbaSigner {
  readonly #credentials: NetSuiteTbaCredentials
  readonly #clock: Clock
  readonly #nonce: () => string

  static fromConfig(config: NetSuiteConnectionConfig, options: NetSuiteTbaSignerOptions = {}) {
    const { auth } = config
    if (auth.method !== 'tba') {
      throw new Error('NetSuiteTbaSigner.fromConfig needs a connection configured for TBA')
    }
    return new NetSuiteTbaSigner({ accountId: config.accountId, ...auth }, options)
  }

  constructor(credentials: NetSuiteTbaCredentials, options: NetSuiteTbaSignerOptions = {}) {
    this.#credentials = credentials
    this.#clock = options.clock ?? systemClock
    this.#nonce = options.nonce ?? (() => randomBytes(16).toString('hex'))
  }

  /** The `Authorization` header for one request; `url` is absolute and exactly what will be sent. */
  authorization(method: string, url: string): string {
    const c = this.#credentials
    const oauth: [string, string][] = [
      ['oauth_consumer_key', c.consumerKey],
      ['oauth_token', c.tokenId],
      ['oauth_signature_method', 'HMAC-SHA256'],
      ['oauth_timestamp', String(Math.floor(this.#clock.now() / 1000))],
      ['oauth_nonce', this.#nonce()],
      ['oauth_version', '1.0'],
    ]
    const base = signatureBaseString({ method, url, oauthParams: oauth })
    const signature = oauthHmacSignature(
      'HMAC-SHA256',
      base,
      c.consumerSecret.reveal(),
      c.tokenSecret.reveal(),
    )
    const fields = [...oauth, ['oauth_signature', signature]]
      .map(([k, v]) => `${k}="${oauthPercentEncode(v ?? '')}"`)
      .join(', ')
    return `OAuth realm="${netsuiteRealm(c.accountId)}", ${fields}`
  }
}
