/** @module connectors/salesforce/salesforce-composite — `POST /composite`: HTTP 200 whatever the subrequests did, so each subrequest gets its own outcome. */
import { HubError } from '../../errors/hub-error.ts'
import type { HttpMethod } from '../wire/http-exchange.ts'
import type { SalesforceOperation } from './salesforce-error-classifier.ts'
import { dataPath } from './salesforce-paths.ts'
import type { SalesforceCall, SalesforceTransport } from './salesforce-transport.ts'

/** Salesforce refuses a composite request with more subrequests than this. */
export const COMPOSITE_MAX_SUBREQUESTS = 25

export interface CompositeSubrequest {
  method: HttpMethod
  /** Under the data API: `sobjects/Account/ERP_Id__c/C-1`, or a full `/services/data/vXX.X/…` path. */
  url: string
  /** Letters, digits and `_`; later subrequests refer to its result as `@{ref.id}`. */
  referenceId: string
  body?: unknown
  /** Not `Authorization`, `Content-Type` or `Accept`: those are inherited. */
  httpHeaders?: Record<string, string>
}

export interface CompositeOptions {
  /** One transaction: the first failure rolls every subrequest back (they answer `PROCESSING_HALTED`). */
  allOrNone?: boolean
  signal?: AbortSignal
}

export type CompositeOutcome =
  | { referenceId: string; ok: true; status: number; body: unknown; id?: string }
  | { referenceId: string; ok: false; status: number; error: HubError }

const operationOf = (method: HttpMethod): SalesforceOperation =>
  method === 'GET' ? 'read' : method === 'POST' ? 'write' : 'idempotent_write'

/**
 * The whole call is a `write` when any subrequest creates (a repeat would create again), else an
 * `idempotent_write` when any changes something, else a `read`: that decides what a dropped
 * connection means for all of them.
 */
function callOperation(subrequests: readonly CompositeSubrequest[]): SalesforceOperation {
  const ops = subrequests.map((s) => operationOf(s.method))
  if (ops.includes('write')) return 'write'
  return ops.includes('idempotent_write') ? 'idempotent_write' : 'read'
}

export async function runComposite(
  transport: SalesforceTransport,
  subrequests: readonly CompositeSubrequest[],
  options: CompositeOptions = {},
): Promise<CompositeOutcome[]> {
  if (subrequests.length === 0 || subrequests.length > COMPOSITE_MAX_SUBREQUESTS) {
    throw HubError.validation(
      `a Salesforce composite request takes 1–${COMPOSITE_MAX_SUBREQUESTS} subrequests, got ${subrequests.length}; split it`,
      { code: 'COMPOSITE_LIMIT' },
    )
  }
  const base = dataPath(transport.config.apiVersion)
  const call: SalesforceCall = {
    method: 'POST',
    path: `${base}/composite`,
    operation: callOperation(subrequests),
    signal: options.signal,
    body: {
      allOrNone: options.allOrNone === true,
      compositeRequest: subrequests.map((s) => ({
        method: s.method,
        url: s.url.startsWith('/services/data/') ? s.url : `${base}/${s.url.replace(/^\/+/, '')}`,
        referenceId: s.referenceId,
        ...(s.body === undefined ? {} : { body: s.body }),
        ...(s.httpHeaders === undefined ? {} : { httpHeaders: s.httpHeaders }),
      })),
    },
  }
  const response = await transport.send(call)
  transport.expect(response, call)
  const results = transport.object(response, call).compositeResponse
  if (!Array.isArray(results)) {
    throw transport.malformed(response, call, 'the body has no compositeResponse array')
  }
  const byRef = new Map<string, Record<string, unknown>>()
  for (const item of results) {
    if (typeof item !== 'object' || item === null) continue
    const result = item as Record<string, unknown>
    if (typeof result.referenceId === 'string') byRef.set(result.referenceId, result)
  }
  return subrequests.map((sub): CompositeOutcome => {
    const label = `composite ${sub.referenceId} (${sub.method} ${sub.url.split('?', 1)[0] ?? ''})`
    const operation = operationOf(sub.method)
    const result = byRef.get(sub.referenceId)
    const status = result?.httpStatusCode
    if (result === undefined || typeof status !== 'number') {
      const error = transport.classify({
        kind: 'malformed_success',
        operation,
        status: response.status,
        reason: 'the composite response has no result for this subrequest',
        label,
      })
      return { referenceId: sub.referenceId, ok: false, status: response.status, error }
    }
    if (status >= 200 && status < 300) {
      const body = result.body ?? null
      const id =
        typeof body === 'object' &&
        body !== null &&
        typeof (body as { id?: unknown }).id === 'string'
          ? (body as { id: string }).id
          : undefined
      return {
        referenceId: sub.referenceId,
        ok: true,
        status,
        body,
        ...(id === undefined ? {} : { id }),
      }
    }
    const error = transport.classify({
      kind: 'response',
      operation,
      status,
      headers: {},
      body: JSON.stringify(result.body ?? null),
      label,
    })
    return { referenceId: sub.referenceId, ok: false, status, error }
  })
}
