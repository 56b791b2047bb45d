/** @module sandbox/netsuite/netsuite-route-guard — what every NetSuite API request meets first: the account's concurrency cap, then authentication (OAuth 2.0 Bearer or TBA). */

import type { FastifyRequest } from 'fastify'
import type { EffectsLedger } from '../kit/effects-ledger.ts'
import type { GatedRoute } from '../kit/fault-gate.ts'
import type { NetSuiteAuth } from './netsuite-auth.ts'
import { nsErrors } from './netsuite-errors.ts'
import type { NetSuiteTbaVerifier } from './netsuite-tba.ts'

/** One failed login, as NetSuite's Login Audit Trail would list it. */
export interface LoginAuditEntry {
  readonly at: string
  readonly method: 'OAuth 2.0' | 'TBA' | 'none'
  readonly path: string
  /** Why it failed, e.g. `InvalidSignature`, `NonceUsed`, `InvalidTimestamp`, `ExpiredToken`. */
  readonly detail: string
}

/** Keeps the newest failed logins; a soak with bad credentials must not grow it without bound. */
export class LoginAudit {
  readonly #capacity: number
  #entries: LoginAuditEntry[] = []

  constructor(capacity = 1000) {
    this.#capacity = capacity
  }

  record(entry: LoginAuditEntry): void {
    this.#entries.push(entry)
    if (this.#entries.length > this.#capacity) this.#entries.shift()
  }

  entries(): LoginAuditEntry[] {
    return [...this.#entries]
  }

  clear(): void {
    this.#entries = []
  }
}

export interface AccountGuardDeps {
  readonly now: () => number
  readonly ledger: EffectsLedger
  readonly concurrencyLimit: () => number
  readonly oauth2: NetSuiteAuth
  readonly tba: NetSuiteTbaVerifier
  readonly audit: LoginAudit
}

const formParamsOf = (request: FastifyRequest): [string, string][] => {
  const type = request.headers['content-type'] ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) return []
  const body = request.body
  if (typeof body !== 'object' || body === null) return []
  return Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)])
}

/** Which way the request tried to log in, and whether it succeeded (with NetSuite's reason if not). */
export function authenticate(
  deps: AccountGuardDeps,
  request: FastifyRequest,
): { method: LoginAuditEntry['method']; failure: string | null } {
  const authorization = request.headers.authorization ?? ''
  if (/^Bearer\s/i.test(authorization)) {
    return {
      method: 'OAuth 2.0',
      failure: deps.oauth2.accepts(authorization) ? null : 'InvalidOrExpiredToken',
    }
  }
  if (/^OAuth\s/i.test(authorization)) {
    const verdict = deps.tba.verify({
      method: request.method,
      protocol: request.protocol,
      host: request.headers.host ?? '',
      url: request.url,
      authorization,
      formParams: formParamsOf(request),
    })
    return { method: 'TBA', failure: verdict.ok ? null : verdict.reason }
  }
  return { method: 'none', failure: 'MissingAuthorization' }
}

/**
 * One guard for every API route, so the concurrency cap counts the whole account: NetSuite refuses
 * beyond it before doing any work, and only then checks who is asking.
 */
export function accountGuard(deps: AccountGuardDeps): NonNullable<GatedRoute['guard']> {
  let admitted = 0
  return (request, tracked) => {
    if (admitted >= deps.concurrencyLimit()) {
      deps.ledger.recordConcurrencyRejection()
      return nsErrors.concurrencyLimit()
    }
    admitted += 1
    tracked.onEnd(() => {
      admitted -= 1
    })
    const { method, failure } = authenticate(deps, request)
    if (failure === null) return null
    deps.audit.record({
      at: new Date(deps.now()).toISOString(),
      method,
      path: tracked.path,
      detail: failure,
    })
    return nsErrors.unauthorized()
  }
}
