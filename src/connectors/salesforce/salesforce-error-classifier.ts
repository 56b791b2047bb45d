/** @module connectors/salesforce/salesforce-error-classifier — the ONE place Salesforce failures become HubErrors. */
// The rules live in SALESFORCE_ERROR_TABLE (re-exported here); this module applies the first matching
// row and builds the HubError. Every HubError wraps what caused it; no message carries a credential.
import { HubError } from '../../errors/hub-error.ts'
import type { HubErrorOptions } from '../../errors/hub-error.ts'
import { multipleChoiceIds, parseSalesforceErrorBody } from './salesforce-error-body.ts'
import { SALESFORCE_ERROR_TABLE, salesforceFailureFacts } from './salesforce-error-table.ts'
import type { SalesforceErrorRule, SalesforceFailure } from './salesforce-error-table.ts'

export { multipleChoiceIds, parseSalesforceErrorBody } from './salesforce-error-body.ts'
export type { SalesforceErrorDetail } from './salesforce-error-body.ts'
export {
  CONCURRENT_LIMIT_RETRY_MS,
  SALESFORCE_ERROR_TABLE,
  salesforceFailureFacts,
} from './salesforce-error-table.ts'
export type {
  SalesforceErrorRule,
  SalesforceFailure,
  SalesforceFailureFacts,
  SalesforceOperation,
} from './salesforce-error-table.ts'

/**
 * A 300 on an upsert: several rows carry the external id. Dead-lettered (validation) with the
 * matching ids, because only a human can say which row is the customer (or merge them).
 */
export class SalesforceMultipleMatchesError extends HubError {
  readonly matchingIds: readonly string[]

  constructor(message: string, matchingIds: readonly string[], options: HubErrorOptions) {
    super('validation', message, { ...options, code: 'MULTIPLE_CHOICES' })
    this.matchingIds = matchingIds
  }
}

/** The row that decides a failure; exported so tests can check each example hits its own row. */
export function matchSalesforceRule(failure: SalesforceFailure): SalesforceErrorRule {
  const facts = salesforceFailureFacts(failure)
  const rule = SALESFORCE_ERROR_TABLE.find((r) => r.matches(facts))
  // The last row matches everything, so this cannot be undefined; the check satisfies the type.
  if (rule === undefined) throw new Error('SALESFORCE_ERROR_TABLE has no catch-all row')
  return rule
}

/** Classifies a failure into the hub's taxonomy. */
export function classifySalesforceFailure(failure: SalesforceFailure): HubError {
  const rule = matchSalesforceRule(failure)
  const facts = salesforceFailureFacts(failure)
  const label = failure.label ?? 'request'
  const retryAfterMs = rule.retryAfterMs?.(facts)
  const build = (message: string, options: HubErrorOptions): HubError =>
    rule.type === 'throttled'
      ? HubError.throttled(message, retryAfterMs ?? 1000, options)
      : new HubError(rule.type, message, options)

  switch (failure.kind) {
    case 'network': {
      const reason = failure.error instanceof Error ? failure.error.message : String(failure.error)
      return build(`Salesforce ${label} failed: ${reason}`, { cause: failure.error })
    }
    case 'malformed_success':
      return build(`Salesforce ${label} answered ${failure.status} but ${failure.reason}`, {
        status: failure.status,
        code: 'MALFORMED_RESPONSE',
        cause: failure.cause ?? new Error(failure.reason),
      })
    case 'usage_ceiling': {
      const { used, max } = failure.usage
      const percent = Math.round((used / max) * 1000) / 10
      return build(
        `Salesforce ${label} not sent: the org has used ${used} of its ${max} daily API requests (${percent}%, at or above the ${failure.ratio * 100}% back-off ratio); waiting ${Math.round((retryAfterMs ?? 0) / 1000)} s for the rolling window to free some`,
        {
          code: 'API_USAGE_CEILING',
          cause: new Error(`Sforce-Limit-Info: api-usage=${used}/${max}`),
        },
      )
    }
    case 'response':
      break
  }
  const body = failure.body ?? ''
  // The raw response is the cause: operators see exactly what Salesforce said.
  const cause = new Error(`HTTP ${failure.status} ${body.slice(0, 2000)}`)
  if (failure.status === 300 && rule.id === 'multiple-matches') {
    const ids = multipleChoiceIds(body)
    return new SalesforceMultipleMatchesError(
      `Salesforce ${label} returned 300: the external id matches ${ids.length} rows (${ids.join(', ')}); merge them or correct the key, then resubmit`,
      ids,
      { status: 300, cause },
    )
  }
  const details = parseSalesforceErrorBody(body)
  const first = details.find((d) => d.code !== undefined) ?? details[0]
  const text = details
    .map((d) =>
      [d.message, d.code && `[${d.code}]`, d.fields.length > 0 && `fields ${d.fields.join(', ')}`]
        .filter(Boolean)
        .join(' '),
    )
    .join('; ')
  const path = first?.fields.join(',')
  return build(`Salesforce ${label} returned ${failure.status}${text ? `: ${text}` : ''}`, {
    status: failure.status,
    cause,
    ...(first?.code === undefined ? {} : { code: first.code }),
    ...(path === undefined || path === '' ? {} : { path }),
  })
}
