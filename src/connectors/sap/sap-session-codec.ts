/** @module connectors/sap/sap-session-codec — an SAP security session (cookies and the CSRF token bound to them) sealed into the shared store and read back. */
import { Secret } from '../../secrets/secret-value.ts'
import type { TokenCodec } from '../credentials/token-codec.ts'
import type { SapCredentials } from './sap-session.ts'

/** The credentials with the time they were fetched, so a shared copy can be aged out. */
export interface SapSharedCredentials extends SapCredentials {
  readonly fetchedAt: number
}

/**
 * SAP ends an idle security session after its auto-logout time (`rdisp/plugin_auto_logout`,
 * 30 min by default; each request extends it), and the hub replaces a session only when the
 * system refuses it. A shared copy older than this is not handed out even if no one saw a refusal:
 * a logon once an hour costs nothing, a day-old cookie in the store helps no one.
 */
export const SAP_SHARED_SESSION_CEILING_MS = 60 * 60 * 1000

const optionalSecret = (value: unknown, name: string): Secret | undefined => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`the sealed SAP session's ${name} is not a string`)
  }
  return new Secret(value)
}

export const sapSessionCodec: TokenCodec<SapSharedCredentials> = {
  encode: (credentials) =>
    JSON.stringify({
      cookies: credentials.cookies?.reveal(),
      csrfToken: credentials.csrfToken.reveal(),
      authorization: credentials.authorization?.reveal(),
      fetchedAt: credentials.fetchedAt,
    }),
  decode(plaintext) {
    const parsed: unknown = JSON.parse(plaintext)
    const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >
    const csrfToken = optionalSecret(fields.csrfToken, 'CSRF token')
    if (csrfToken === undefined) throw new TypeError('the sealed SAP session has no CSRF token')
    if (typeof fields.fetchedAt !== 'number' || !Number.isFinite(fields.fetchedAt)) {
      throw new TypeError('the sealed SAP session has no fetch time')
    }
    return {
      cookies: optionalSecret(fields.cookies, 'cookies'),
      csrfToken,
      authorization: optionalSecret(fields.authorization, 'authorization'),
      fetchedAt: fields.fetchedAt,
    }
  },
  refreshAt: (credentials) => credentials.fetchedAt + SAP_SHARED_SESSION_CEILING_MS,
}
