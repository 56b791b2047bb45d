/** @module sandbox/salesforce/salesforce-sessions — the org's users and sessions: tokens as `orgId!…`, an inactivity timeout on the org's clock, revocation and expiry on demand. */

import { randomBytes } from 'node:crypto'

export interface SfUser {
  readonly id: string
  readonly username: string
  readonly fullName: string
  readonly email: string
}

export interface Session {
  readonly token: string
  readonly userId: string
  readonly kind: 'oauth2' | 'soap'
  readonly issuedAt: number
  lastUsedAt: number
}

export class SessionStore {
  readonly #now: () => number
  readonly #orgId: string
  readonly #timeoutMs: number
  #sessions = new Map<string, Session>()

  constructor(now: () => number, orgId: string, timeoutSeconds: number) {
    this.#now = now
    this.#orgId = orgId
    this.#timeoutMs = timeoutSeconds * 1000
  }

  get timeoutSeconds(): number {
    return this.#timeoutMs / 1000
  }

  issue(userId: string, kind: Session['kind']): Session {
    // Real access tokens are the 15-character org id, '!', and an opaque part.
    const token = `${this.#orgId.slice(0, 15)}!${randomBytes(72).toString('base64url')}`
    const at = this.#now()
    const session: Session = { token, userId, kind, issuedAt: at, lastUsedAt: at }
    this.#sessions.set(token, session)
    return session
  }

  /** The live session for a token; use extends it, as the org's inactivity timeout does. */
  check(token: string | undefined): Session | undefined {
    if (token === undefined) return undefined
    const session = this.#sessions.get(token)
    if (!session) return undefined
    const now = this.#now()
    if (now - session.lastUsedAt >= this.#timeoutMs) {
      this.#sessions.delete(token)
      return undefined
    }
    session.lastUsedAt = now
    return session
  }

  /** Reads `Authorization: Bearer <token>` (REST) or `OAuth <token>` (the Streaming API's form). */
  fromAuthorization(header: string | undefined): Session | undefined {
    const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header ?? '')
    return this.check(m?.[1])
  }

  revoke(token: string): boolean {
    return this.#sessions.delete(token)
  }

  /** Ends every session at once, as a timeout or an admin's "revoke all" would; returns how many. */
  expireAll(): number {
    const count = this.#sessions.size
    this.#sessions = new Map()
    return count
  }

  get size(): number {
    return this.#sessions.size
  }
}
