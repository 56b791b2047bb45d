/** @module connectors/netsuite/netsuite-error-classifier — the ONE place NetSuite failures become HubErrors. */
// The rules live in NETSUITE_ERROR_TABLE (re-exported here); this module applies the first matching row
// and builds the HubError. Every HubError wraps what caused it; no message carries a credential.
import { HubError } from '../../errors/hub-error.ts'
import { headerValue } from '../wire/http-exchange.ts'
import { parseRetryAfterMs } from '../wire/retry-after.ts'
import { parseNetSuiteErrorBody } from './netsuite-error-body.ts'
import { NETSUITE_ERROR_TABLE, netSuiteFailureFacts } from './netsuite-error-table.ts'
import type { NetSuiteErrorRule, NetSuiteFailure } from './netsuite-error-table.ts'

export { parseNetSuiteErrorBody } from './netsuite-error-body.ts'
export type { NetSuiteErrorDetail } from './netsuite-error-body.ts'
export { NETSUITE_ERROR_TABLE, netSuiteFailureFacts } from './netsuite-error-table.ts'
export type {
  NetSuiteErrorRule,
  NetSuiteFailure,
  NetSuiteFailureFacts,
  NetSuiteOperation,
} from './netsuite-error-table.ts'

/** When NetSuite throttles without saying for how long. */
export const NETSUITE_DEFAULT_RETRY_AFTER_MS = 1000

/** The row that decides a failure; exported so tests can check each example hits its own row. */
export function matchNetSuiteRule(failure: NetSuiteFailure): NetSuiteErrorRule {
  const facts = netSuiteFailureFacts(failure)
  const rule = NETSUITE_ERROR_TABLE.find((r) => r.matches(facts))
  // The last row matches everything, so this cannot be undefined; the check satisfies the type.
  if (rule === undefined) throw new Error('NETSUITE_ERROR_TABLE has no catch-all row')
  return rule
}

/** Classifies a failure into the hub's taxonomy. `nowMs` anchors an HTTP-date Retry-After. */
export function classifyNetSuiteFailure(
  failure: NetSuiteFailure,
  nowMs: number = Date.now(),
): HubError {
  const rule = matchNetSuiteRule(failure)
  const label = failure.label ?? 'request'
  if (failure.kind === 'network') {
    const reason = failure.error instanceof Error ? failure.error.message : String(failure.error)
    return new HubError(rule.type, `NetSuite ${label} failed: ${reason}`, { cause: failure.error })
  }
  if (failure.kind === 'malformed_success') {
    const message = `NetSuite ${label} answered ${failure.status} but ${failure.reason}`
    return new HubError(rule.type, message, {
      status: failure.status,
      code: 'MALFORMED_RESPONSE',
      cause: failure.cause ?? new Error(failure.reason),
    })
  }
  const details = parseNetSuiteErrorBody(failure.body ?? '')
  const first = details.find((d) => d.code !== undefined) ?? details[0]
  const text = details
    .map((d) =>
      [d.detail, d.code && `[${d.code}]`, d.path && `at ${d.path}`].filter(Boolean).join(' '),
    )
    .join('; ')
  const message = `NetSuite ${label} returned ${failure.status}${text ? `: ${text}` : ''}`
  const options = {
    status: failure.status,
    // The raw response is the cause: operators see exactly what NetSuite said.
    cause: new Error(`HTTP ${failure.status} ${(failure.body ?? '').slice(0, 2000)}`),
    ...(first?.code === undefined ? {} : { code: first.code }),
    ...(first?.path === undefined ? {} : { path: first.path }),
  }
  if (rule.type === 'throttled') {
    const retryAfterMs =
      parseRetryAfterMs(headerValue(failure.headers ?? {}, 'retry-after'), nowMs) ??
      NETSUITE_DEFAULT_RETRY_AFTER_MS
    return HubError.throttled(message, retryAfterMs, options)
  }
  return new HubError(rule.type, message, options)
}
