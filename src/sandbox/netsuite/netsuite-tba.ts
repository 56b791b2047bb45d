/** @module sandbox/netsuite/netsuite-tba — token-based authentication (OAuth 1.0a, RFC 5849) verified the way NetSuite does: HMAC-SHA256 signature, realm, nonce and timestamp. */

import { createHmac, timingSafeEqual } from 'node:crypto'

/** NetSuite rejects a TBA timestamp more than five minutes from its own clock. */
export const TBA_MAX_SKEW_SECONDS = 300

/** The four TBA credentials: the integration record's consumer pair and the access token's pair. */
export interface TbaCredentials {
  readonly consumerKey: string
  readonly consumerSecret: string
  readonly tokenId: string
  readonly tokenSecret: string
}

/** What the verifier needs of a request: everything the signature base string covers. */
export interface TbaRequest {
  readonly method: string
  /** `http` or `https`. */
  readonly protocol: string
  /** The Host header as sent. */
  readonly host: string
  /** Path and query exactly as sent (`request.url`). */
  readonly url: string
  readonly authorization: string
  /** Decoded pairs of an `application/x-www-form-urlencoded` body, which RFC 5849 signs too. */
  readonly formParams?: readonly (readonly [string, string])[]
}

export type TbaVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** RFC 5849 §3.6: everything but the unreserved characters, as %XX of the UTF-8 bytes. */
export function rfc5849Encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Parses `OAuth realm="…", oauth_x="…"`; null when the header is not one, or repeats a parameter. */
export function parseOAuthHeader(header: string): Map<string, string> | null {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim())
  if (!match?.[1]) return null
  const params = new Map<string, string>()
  const pair = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y
  let rest = match[1]
  while (rest.trim() !== '') {
    pair.lastIndex = 0
    const found = pair.exec(rest)
    if (!found?.[1] || found[2] === undefined) return null
    let name: string
    let value: string
    try {
      name = decodeURIComponent(found[1])
      value = decodeURIComponent(found[2])
    } catch {
      return null
    }
    if (params.has(name)) return null
    params.set(name, value)
    rest = rest.slice(found[0].length)
  }
  return params
}

/** RFC 5849 §3.4.1.2: scheme and host lower case, the default port dropped, no query. */
export function baseStringUri(protocol: string, host: string, path: string): string {
  const scheme = protocol.toLowerCase()
  let authority = host.toLowerCase()
  if (
    (scheme === 'http' && authority.endsWith(':80')) ||
    (scheme === 'https' && authority.endsWith(':443'))
  ) {
    authority = authority.slice(0, authority.lastIndexOf(':'))
  }
  return `${scheme}://${authority}${path}`
}

/** RFC 5849 §3.4.1: method, base string URI and the normalised parameters, each encoded. */
export function signatureBaseString(
  method: string,
  baseUri: string,
  params: readonly (readonly [string, string])[],
): string {
  const normalised = params
    .map(([k, v]) => [rfc5849Encode(k), rfc5849Encode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  return [method.toUpperCase(), rfc5849Encode(baseUri), rfc5849Encode(normalised)].join('&')
}

/** HMAC over the base string keyed `encode(consumerSecret)&encode(tokenSecret)`, Base64. */
export function hmacSignature(
  algorithm: 'sha1' | 'sha256',
  baseString: string,
  consumerSecret: string,
  tokenSecret: string,
): string {
  const key = `${rfc5849Encode(consumerSecret)}&${rfc5849Encode(tokenSecret)}`
  return createHmac(algorithm, key).update(baseString).digest('base64')
}

/** Query pairs decoded as `application/x-www-form-urlencoded` (`+` is a space), in order. */
function queryParams(url: string): [string, string][] {
  const at = url.indexOf('?')
  return at < 0 ? [] : [...new URLSearchParams(url.slice(at + 1))]
}

/**
 * Checks TBA requests for one account. A failure is answered like any failed NetSuite login
 * (401 INVALID_LOGIN); the reason goes to the login audit, as NetSuite's Login Audit Trail shows it.
 */
export class NetSuiteTbaVerifier {
  readonly #now: () => number
  readonly #realm: string
  readonly #credentials: TbaCredentials
  /** `consumer&token&timestamp&nonce` → when it may be forgotten (its timestamp is then refused). */
  #seen = new Map<string, number>()

  constructor(now: () => number, accountId: string, credentials: TbaCredentials) {
    this.#now = now
    this.#realm = accountId.toUpperCase().replace(/-/g, '_')
    this.#credentials = credentials
  }

  verify(request: TbaRequest): TbaVerdict {
    const params = parseOAuthHeader(request.authorization)
    if (params === null) return fail('MalformedAuthorizationHeader')
    const get = (name: string): string => params.get(name) ?? ''
    const creds = this.#credentials
    if (get('realm') !== this.#realm) return fail('InvalidAccount')
    if (get('oauth_signature_method') !== 'HMAC-SHA256') return fail('UnsupportedSignatureMethod')
    if (params.has('oauth_version') && get('oauth_version') !== '1.0') return fail('InvalidVersion')
    if (get('oauth_consumer_key') !== creds.consumerKey) return fail('InvalidConsumerKey')
    if (get('oauth_token') !== creds.tokenId) return fail('InvalidToken')
    const timestamp = get('oauth_timestamp')
    if (!/^\d{1,12}$/.test(timestamp)) return fail('InvalidTimestamp')
    if (Math.abs(this.#now() / 1000 - Number(timestamp)) > TBA_MAX_SKEW_SECONDS) {
      return fail('InvalidTimestamp')
    }
    const nonce = get('oauth_nonce')
    if (!/^[A-Za-z0-9]{6,64}$/.test(nonce)) return fail('InvalidNonce')

    const signed: [string, string][] = [
      ...queryParams(request.url),
      ...[...params].filter(([k]) => k !== 'realm' && k !== 'oauth_signature'),
      ...(request.formParams ?? []).map(([k, v]): [string, string] => [k, v]),
    ]
    const path = request.url.split('?', 1)[0] ?? request.url
    const base = signatureBaseString(
      request.method,
      baseStringUri(request.protocol, request.host, path),
      signed,
    )
    const expected = Buffer.from(
      hmacSignature('sha256', base, creds.consumerSecret, creds.tokenSecret),
    )
    const given = Buffer.from(get('oauth_signature'))
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return fail('InvalidSignature')
    }
    // Only a correctly signed request uses up its nonce: a forger cannot burn the client's nonces.
    this.#forgetExpired()
    const key = `${creds.consumerKey}&${creds.tokenId}&${timestamp}&${nonce}`
    if (this.#seen.has(key)) return fail('NonceUsed')
    this.#seen.set(key, this.#now() + 2 * TBA_MAX_SKEW_SECONDS * 1000)
    return { ok: true }
  }

  clear(): void {
    this.#seen = new Map()
  }

  #forgetExpired(): void {
    const now = this.#now()
    // Insertion order is arrival order, and every entry lives equally long: expired ones lead.
    for (const [key, until] of this.#seen) {
      if (until > now) break
      this.#seen.delete(key)
    }
  }
}

const fail = (reason: string): TbaVerdict => ({ ok: false, reason })
