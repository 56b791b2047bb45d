/** @module sandbox/salesforce/salesforce-rest-call — one REST call as the org's resources see it, whether it came over HTTP or as a composite subrequest, and what every resource shares. */

import type { SalesforceRecordStore } from './salesforce-record-store.ts'
import type { RuleContext } from './salesforce-record-rules.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'
import type { SfTransaction, TxOrigin } from './salesforce-transaction.ts'

export interface RestCall {
  readonly method: string
  /** `62.0`, from `/services/data/v62.0/…`. */
  readonly version: string
  /** The path after the version, split and decoded: `['sobjects', 'Account', '001…']`. */
  readonly segments: readonly string[]
  readonly query: URLSearchParams
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: unknown
  /** The session's user: the creator, modifier and owner of what this call writes. */
  readonly userId: string
}

export interface RestDeps {
  readonly schema: SalesforceSchema
  readonly store: SalesforceRecordStore
  readonly rules: () => RuleContext
  readonly now: () => number
  /** Opens a transaction; its commit publishes change events and ledger effects. */
  readonly begin: (origin: TxOrigin) => SfTransaction
}

/**
 * `changeOrigin` of the call's writes: the API and version, plus the client id from
 * `Sforce-Call-Options: client=X` so a subscriber can drop its own echoes.
 */
export function originOf(call: RestCall): TxOrigin {
  const options = call.headers['sforce-call-options'] ?? ''
  const client = options
    .split(',')
    .map((part) => part.trim())
    .find((part) => part.startsWith('client='))
    ?.slice('client='.length)
  const api = `com/salesforce/api/rest/${call.version}`
  return {
    changeOrigin: client ? `${api};client=${client}` : api,
    userId: call.userId,
    countsInLedger: true,
    publishEvents: true,
  }
}

/** Splits `/services/data/v62.0/a/b?x=1` into its version and decoded segments, or null. */
export function parseDataPath(
  url: string,
): { version: string; segments: string[]; query: URLSearchParams } | null {
  const [path = '', search = ''] = url.split('?', 2)
  const m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path)
  if (!m?.[1]) return null
  const rest = (m[2] ?? '').split('/').filter((s) => s !== '')
  try {
    return {
      version: m[1],
      segments: rest.map((s) => decodeURIComponent(s)),
      query: new URLSearchParams(search),
    }
  } catch {
    return null
  }
}
