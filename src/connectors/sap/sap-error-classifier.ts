/** @module connectors/sap/sap-error-classifier — the ONE place SAP failures become HubErrors. */
// The rules live in SAP_ERROR_TABLE (re-exported here); this module applies the first matching row
// and builds the HubError. Every HubError wraps what caused it; no message carries a credential.
import { HubError } from '../../errors/hub-error.ts'
import { headerValue } from '../wire/http-exchange.ts'
import { parseRetryAfterMs } from '../wire/retry-after.ts'
import { parseSapErrorBody } from './sap-error-body.ts'
import { SAP_ERROR_TABLE, sapFailureFacts } from './sap-error-table.ts'
import type { SapErrorRule, SapFailure } from './sap-error-table.ts'

export { parseSapErrorBody } from './sap-error-body.ts'
export type { SapErrorDetail } from './sap-error-body.ts'
export { SAP_ERROR_TABLE, sapFailureFacts } from './sap-error-table.ts'
export type { SapErrorRule, SapFailure, SapFailureFacts, SapOperation } from './sap-error-table.ts'

/** When the system throttles without saying for how long. */
export const SAP_DEFAULT_RETRY_AFTER_MS = 1000

/** The row that decides a failure; exported so tests can check each example hits its own row. */
export function matchSapRule(failure: SapFailure): SapErrorRule {
  const facts = sapFailureFacts(failure)
  const rule = SAP_ERROR_TABLE.find((r) => r.matches(facts))
  // The last row matches everything, so this cannot be undefined; the check satisfies the type.
  if (rule === undefined) throw new Error('SAP_ERROR_TABLE has no catch-all row')
  return rule
}

/** Classifies a failure into the hub's taxonomy. `nowMs` anchors an HTTP-date Retry-After. */
export function classifySapFailure(failure: SapFailure, nowMs: number = Date.now()): HubError {
  const rule = matchSapRule(failure)
  const label = failure.label ?? 'request'
  if (failure.kind === 'network') {
    const reason = failure.error instanceof Error ? failure.error.message : String(failure.error)
    return new HubError(rule.type, `SAP ${label} failed: ${reason}`, { cause: failure.error })
  }
  if (failure.kind === 'malformed_success') {
    return new HubError(
      rule.type,
      `SAP ${label} answered ${failure.status} but ${failure.reason}`,
      {
        status: failure.status,
        code: 'MALFORMED_RESPONSE',
        cause: failure.cause ?? new Error(failure.reason),
      },
    )
  }
  const details = parseSapErrorBody(failure.body ?? '')
  const first = details.find((d) => d.code !== undefined) ?? details[0]
  const target = details.find((d) => d.target !== undefined)?.target
  const text = details
    .map((d) => [d.message, d.code && `[${d.code}]`, d.target && `at ${d.target}`])
    .map((parts) => parts.filter(Boolean).join(' '))
    .filter((line) => line !== '')
    .join('; ')
  const message = `SAP ${label} returned ${failure.status}${text ? `: ${text}` : ''}`
  const options = {
    status: failure.status,
    // The raw answer is the cause: operators see exactly what SAP said (the ICF's plain text, the
    // Web Dispatcher's page, Gateway's transaction id for /IWFND/ERROR_LOG).
    cause: new Error(`HTTP ${failure.status} ${(failure.body ?? '').slice(0, 2000)}`),
    ...(first?.code === undefined ? {} : { code: first.code }),
    ...(target === undefined ? {} : { path: target }),
  }
  if (rule.type === 'throttled') {
    const retryAfterMs =
      parseRetryAfterMs(headerValue(failure.headers ?? {}, 'retry-after'), nowMs) ??
      SAP_DEFAULT_RETRY_AFTER_MS
    // `Retry-After: 0` still means "throttled": a positive wait keeps the engine from spinning.
    return HubError.throttled(message, Math.max(retryAfterMs, 1), options)
  }
  return new HubError(rule.type, message, options)
}
