/** @module sandbox/sap/sap-auth — Basic logon, security sessions carried by cookies, and CSRF tokens bound to those sessions, as the ABAP ICF handles them. */

import { randomBytes, timingSafeEqual } from 'node:crypto'

export interface SapSession {
  readonly id: string
  csrfToken: string | null
  lastUsed: number
}

export type Logon =
  | {
      readonly ok: true
      readonly session: SapSession
      /** Set-Cookie values for a session opened by this request (empty when a cookie carried it). */
      readonly setCookies: readonly string[]
    }
  | { readonly ok: false }

export interface SessionStats {
  readonly live: number
  readonly opened: number
  readonly tokensIssued: number
  readonly csrfRejected: number
}

export interface SapAuthOptions {
  readonly now: () => number
  readonly user: string
  readonly password: string
  readonly systemId: string
  readonly client: string
  /** Idle timeout of a security session; its CSRF token dies with it. */
  readonly sessionTimeoutMs: number
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=')
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
  }
  return cookies
}

export class SapAuth {
  readonly #o: SapAuthOptions
  #sessions = new Map<string, SapSession>()
  #rejectNext = 0
  #opened = 0
  #tokensIssued = 0
  #csrfRejected = 0

  constructor(options: SapAuthOptions) {
    this.#o = options
  }

  /** Cookie names vary by release; this system uses the classic SAP_SESSIONID_<SID>_<client>. */
  get cookieName(): string {
    return `SAP_SESSIONID_${this.#o.systemId}_${this.#o.client}`
  }

  /** A live session cookie wins; otherwise valid Basic credentials open a new session. */
  logon(cookieHeader: string | undefined, authorization: string | undefined): Logon {
    const now = this.#o.now()
    const id = parseCookies(cookieHeader).get(this.cookieName)
    const existing = id === undefined ? undefined : this.#sessions.get(id)
    if (existing && now - existing.lastUsed < this.#o.sessionTimeoutMs) {
      existing.lastUsed = now
      return { ok: true, session: existing, setCookies: [] }
    }
    if (existing) this.#sessions.delete(existing.id)
    if (!this.#credentialsMatch(authorization)) return { ok: false }
    this.#prune(now)
    const session: SapSession = {
      id: randomBytes(32).toString('base64url'),
      csrfToken: null,
      lastUsed: now,
    }
    this.#sessions.set(session.id, session)
    this.#opened += 1
    return {
      ok: true,
      session,
      setCookies: [
        `${this.cookieName}=${session.id}; path=/; HttpOnly`,
        `sap-usercontext=sap-client=${this.#o.client}; path=/`,
      ],
    }
  }

  /** The session's token; the first fetch creates it, later fetches in the session repeat it. */
  fetchToken(session: SapSession): string {
    if (session.csrfToken === null) {
      session.csrfToken = randomBytes(16).toString('base64')
      this.#tokensIssued += 1
    }
    return session.csrfToken
  }

  /** A modifying request passes only with its own session's token. */
  checkToken(session: SapSession, header: string | undefined): boolean {
    const token = session.csrfToken
    let valid =
      token !== null &&
      header !== undefined &&
      header.length === token.length &&
      timingSafeEqual(Buffer.from(header), Buffer.from(token))
    // A load balancer without stickiness: the request lands where the session is unknown.
    if (valid && this.#rejectNext > 0) {
      this.#rejectNext -= 1
      valid = false
    }
    if (!valid) this.#csrfRejected += 1
    return valid
  }

  /** Ends every session (server restart, logoff): old cookies and tokens stop working. */
  expireSessions(): number {
    const count = this.#sessions.size
    this.#sessions = new Map()
    return count
  }

  /** Invalidates every token but keeps the sessions: the next fetch returns a new token. */
  rotateTokens(): number {
    let count = 0
    for (const session of this.#sessions.values()) {
      if (session.csrfToken !== null) count += 1
      session.csrfToken = null
    }
    return count
  }

  /** Refuses the next `count` otherwise valid modifying requests with 403, as a non-sticky balancer does. */
  rejectNext(count: number): void {
    this.#rejectNext = count
  }

  stats(): SessionStats {
    return {
      live: this.#sessions.size,
      opened: this.#opened,
      tokensIssued: this.#tokensIssued,
      csrfRejected: this.#csrfRejected,
    }
  }

  reset(): void {
    this.#sessions = new Map()
    this.#rejectNext = 0
    this.#opened = 0
    this.#tokensIssued = 0
    this.#csrfRejected = 0
  }

  #credentialsMatch(authorization: string | undefined): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
    if (!match?.[1]) return false
    const given = Buffer.from(Buffer.from(match[1], 'base64').toString('utf8'))
    const expected = Buffer.from(`${this.#o.user}:${this.#o.password}`)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  #prune(now: number): void {
    if (this.#sessions.size < 10_000) return
    for (const [id, s] of this.#sessions) {
      if (now - s.lastUsed >= this.#o.sessionTimeoutMs) this.#sessions.delete(id)
    }
  }
}
