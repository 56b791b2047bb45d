/** @module connectors/salesforce/salesforce-failure — a failed Salesforce call as the classifier sees it, and the facts its rules read. */
import type { HttpHeaders } from '../wire/http-exchange.ts'
import { networkFailureStage } from '../wire/network-failure.ts'
import type { NetworkFailureStage } from '../wire/network-failure.ts'
import { apiUsageOf } from './salesforce-api-usage.ts'
import type { ApiUsage } from './salesforce-api-usage.ts'
import { parseSalesforceErrorBody } from './salesforce-error-body.ts'

/**
 * `read`: GET, no effect. `idempotent_write`: upsert by external id or a PATCH of one row (a repeat
 * lands on the same row), whose outcome can still be unknown. `write`: anything a repeat could
 * duplicate (a composite with creates). `token`: the OAuth 2.0 token call.
 */
export type SalesforceOperation = 'read' | 'idempotent_write' | 'write' | 'token'

export type SalesforceFailure =
  | {
      kind: 'response'
      operation: SalesforceOperation
      status: number
      headers?: HttpHeaders
      body?: string
      label?: string
    }
  | { kind: 'network'; operation: SalesforceOperation; error: unknown; label?: string }
  /** A 2xx whose body could not be read. */
  | {
      kind: 'malformed_success'
      operation: SalesforceOperation
      status: number
      reason: string
      cause?: unknown
      label?: string
    }
  /** Not sent: the org's usage reported by `Sforce-Limit-Info` is at the client's back-off ratio. */
  | {
      kind: 'usage_ceiling'
      operation: SalesforceOperation
      usage: ApiUsage
      ratio: number
      pauseMs: number
      label?: string
    }

/** What the rules look at, derived once from a failure. */
export interface SalesforceFailureFacts {
  kind: SalesforceFailure['kind']
  operation: SalesforceOperation
  status: number | undefined
  codes: ReadonlySet<string>
  /** Every error message, joined: the two REQUEST_LIMIT_EXCEEDED causes differ only in it. */
  messages: string
  stage: NetworkFailureStage | undefined
  usage: ApiUsage | undefined
  pauseMs: number | undefined
}

/** Derives what the rules look at from a failure. */
export function salesforceFailureFacts(failure: SalesforceFailure): SalesforceFailureFacts {
  const base = {
    kind: failure.kind,
    operation: failure.operation,
    status: undefined,
    codes: new Set<string>(),
    messages: '',
    stage: undefined,
    usage: undefined,
    pauseMs: undefined,
  }
  switch (failure.kind) {
    case 'network':
      return { ...base, stage: networkFailureStage(failure.error) }
    case 'usage_ceiling':
      return { ...base, usage: failure.usage, pauseMs: failure.pauseMs }
    case 'malformed_success':
      return { ...base, status: failure.status }
    case 'response': {
      const details = parseSalesforceErrorBody(failure.body ?? '')
      return {
        ...base,
        status: failure.status,
        codes: new Set(details.flatMap((d) => (d.code ? [d.code] : []))),
        messages: details.map((d) => d.message ?? '').join('\n'),
        usage: apiUsageOf(failure.headers ?? {}),
      }
    }
  }
}
