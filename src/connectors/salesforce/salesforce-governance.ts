/** @module connectors/salesforce/salesforce-governance — the per-org governor limits: concurrency under the 25 long-running cap, and a rate that spreads the daily allocation over the day. */
import type { ConnectorGovernance } from '../connector-contract.ts'
import { DAY_MS } from './salesforce-api-usage.ts'
import type { SalesforceConnectionConfig } from './salesforce-spec.ts'

/** The share of the daily allocation that may go back to back after a quiet spell. */
export const BURST_SHARE = 0.05

/**
 * The target is the org. A My Domain login host is the org's own, so it names it; the shared
 * login hosts (`login.` / `test.salesforce.com`) serve every org, so there the integration user
 * (unique across all orgs) or else the connected app tells orgs apart. Every flow calling one org
 * shares one governor.
 *
 * Rate: the allocation is a rolling 24 h count, so what matters is that no 24 h window holds more
 * than `dailyApiRequests` calls. A token bucket lets at most `burst + perSecond × 86,400` calls
 * through in any 24 h, so with `burst` = 5% of the allocation and `perSecond = (allocation − burst)
 * / 86,400` the hub can never spend more than its allocation in a day, yet a backlog of up to 5% of
 * it (5,000 calls of a 100,000 allocation) leaves at the concurrency limit's pace rather than
 * ~1.1 calls a second. The client's `Sforce-Limit-Info` back-off covers what this cannot see: the
 * other integrations spending the same org-wide allocation.
 */
export function salesforceGovernance(config: SalesforceConnectionConfig): ConnectorGovernance {
  const allocation = config.dailyApiRequests
  const burst = Math.max(1, Math.floor(allocation * BURST_SHARE))
  const perSecond = Math.max(allocation - burst, 1) / (DAY_MS / 1000)
  return {
    target: `salesforce:${orgKey(config)}`,
    concurrency: config.concurrencyLimit,
    rate: { perSecond, burst },
  }
}

const SHARED_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com'])

function orgKey(config: SalesforceConnectionConfig): string {
  const host = new URL(config.loginUrl).host.toLowerCase()
  if (!SHARED_LOGIN_HOSTS.has(host)) return host
  return `${host}/${(config.username ?? config.clientId).toLowerCase()}`
}
