/** @module connectors/threepl/threepl-error-classifier — the ONE place WMS failures become HubErrors. */
// The rules live in THREEPL_ERROR_TABLE (re-exported here); this module applies the first matching
// row and builds the HubError. Every HubError wraps what caused it; no message carries the API key.
import { HubError } from '../../errors/hub-error.ts'
import { headerValue } from '../wire/http-exchange.ts'
import { parseRetryAfterMs } from '../wire/retry-after.ts'
import { parseThreePlErrorBody } from './threepl-error-body.ts'
import { THREEPL_ERROR_TABLE, threePlFailureFacts } from './threepl-error-table.ts'
import type { ThreePlErrorRule, ThreePlFailure } from './threepl-error-table.ts'

export { parseThreePlErrorBody } from './threepl-error-body.ts'
export type { ThreePlErrorBody, ThreePlFieldError } from './threepl-error-body.ts'
export { THREEPL_ERROR_TABLE, threePlFailureFacts } from './threepl-error-table.ts'
export type {
  ThreePlErrorRule,
  ThreePlFailure,
  ThreePlFailureFacts,
  ThreePlOperation,
} from './threepl-error-table.ts'

/** When the WMS throttles without saying for how long (its concurrency cap names no time). */
export const THREEPL_DEFAULT_RETRY_AFTER_MS = 1000

/** The row that decides a failure; exported so tests can check each example hits its own row. */
export function matchThreePlRule(failure: ThreePlFailure): ThreePlErrorRule {
  const facts = threePlFailureFacts(failure)
  const rule = THREEPL_ERROR_TABLE.find((r) => r.matches(facts))
  // The last row matches everything, so this cannot be undefined; the check satisfies the type.
  if (rule === undefined) throw new Error('THREEPL_ERROR_TABLE has no catch-all row')
  return rule
}

/** Classifies a failure into the hub's taxonomy. `nowMs` anchors an HTTP-date Retry-After. */
export function classifyThreePlFailure(
  failure: ThreePlFailure,
  nowMs: number = Date.now(),
): HubError {
  const rule = matchThreePlRule(failure)
  const label = failure.label ?? 'request'
  if (failure.kind === 'network') {
    const reason = failure.error instanceof Error ? failure.error.message : String(failure.error)
    return new HubError(rule.type, `3PL ${label} failed: ${reason}`, { cause: failure.error })
  }
  if (failure.kind === 'malformed_success') {
    return new HubError(
      rule.type,
      `3PL ${label} answered ${failure.status} but ${failure.reason}`,
      {
        status: failure.status,
        code: 'MALFORMED_RESPONSE',
        cause: failure.cause ?? new Error(failure.reason),
      },
    )
  }
  const body = parseThreePlErrorBody(failure.body ?? '')
  const field = body.errors[0]
  const fields = body.errors
    .map((e) => `${e.field} ${e.code ?? 'invalid'}${e.message ? ` (${e.message})` : ''}`)
    .join('; ')
  const said = [body.code && `[${body.code}]`, body.message, fields && `fields: ${fields}`]
    .filter(Boolean)
    .join(' ')
  const message = `3PL ${label} returned ${failure.status}${said ? `: ${said}` : ''}`
  // A validation failure is reported by its first field's code and path: what a human must fix.
  const code = field?.code ?? body.code
  const options = {
    status: failure.status,
    // The raw response is the cause: operators see exactly what the warehouse said.
    cause: new Error(`HTTP ${failure.status} ${(failure.body ?? '').slice(0, 2000)}`),
    ...(code === undefined ? {} : { code }),
    ...(field === undefined ? {} : { path: field.field }),
  }
  if (rule.type === 'throttled') {
    const announced = parseRetryAfterMs(headerValue(failure.headers ?? {}, 'retry-after'), nowMs)
    // "Retry-After: 0" (or a date already past) would send the caller straight back into an
    // empty bucket: wait the default instead.
    const retryAfterMs =
      announced !== undefined && announced > 0 ? announced : THREEPL_DEFAULT_RETRY_AFTER_MS
    return HubError.throttled(message, retryAfterMs, options)
  }
  return new HubError(rule.type, message, options)
}
