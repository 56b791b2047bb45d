// Shared setup for the financial-postings tests: the NetSuite simulator with a small general ledger seeded, a client, the policy, and Shopify transactions as the REST API lists them.
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import {
  parseFinancialPostingPolicy,
  type FinancialPostingPolicy,
} from '../../src/flows/financial-postings/posting-policy.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'

/** The chart of accounts: clearing, receivable, refunds, and one account nobody may post to. */
export const ACCOUNTS = {
  clearing: '1210',
  receivable: '1100',
  refunds: '4010',
  inactive: '4999',
} as const

/** Seeds the ledger setup a journal entry needs; October 2026 is closed, November open. */
export function seedLedger(netsuite: NetSuiteSimulator): void {
  const put = (type: Parameters<typeof netsuite.records.put>[0], fields: Record<string, unknown>) =>
    netsuite.records.put(type, fields)
  put('subsidiary', { externalId: 'SUB-US', name: 'Syncline Retail US' })
  put('currency', { symbol: 'USD', name: 'US Dollar' })
  put('department', { externalId: 'ONLINE', name: 'Online Store' })
  put('classification', { externalId: 'SHOPIFY', name: 'Shopify' })
  put('account', { acctNumber: ACCOUNTS.clearing, acctName: 'Shopify Clearing', acctType: 'Bank' })
  put('account', {
    acctNumber: ACCOUNTS.receivable,
    acctName: 'Accounts Receivable',
    acctType: 'AcctRec',
  })
  put('account', { acctNumber: ACCOUNTS.refunds, acctName: 'Sales Refunds', acctType: 'Income' })
  put('account', {
    acctNumber: ACCOUNTS.inactive,
    acctName: 'Old Refunds',
    acctType: 'Income',
    isInactive: true,
  })
  put('accountingPeriod', {
    periodName: 'Oct 2026',
    startDate: '2026-10-01',
    endDate: '2026-10-31',
    closed: true,
  })
  put('accountingPeriod', {
    periodName: 'Nov 2026',
    startDate: '2026-11-01',
    endDate: '2026-11-30',
    closed: false,
  })
  put('accountingPeriod', {
    periodName: 'Q4 2026',
    startDate: '2026-10-01',
    endDate: '2026-12-31',
    isQuarter: true,
  })
}

export function netsuiteClient(netsuite: NetSuiteSimulator): NetSuiteClient {
  return new NetSuiteClient(
    parseNetSuiteConnectionConfig({
      accountId: netsuite.accountId,
      baseUrl: netsuite.baseUrl,
      clientId: netsuite.clientId,
      clientSecret: netsuite.clientSecret,
    }),
  )
}

export function policy(overrides: Record<string, unknown> = {}): FinancialPostingPolicy {
  return parseFinancialPostingPolicy({
    subsidiary: 'SUB-US',
    accounts: {
      clearing: ACCOUNTS.clearing,
      receivable: ACCOUNTS.receivable,
      refunds: ACCOUNTS.refunds,
    },
    dimensions: { department: 'ONLINE', class: 'SHOPIFY' },
    approval: { threshold: '1000.00', assignee: 'controller', timeoutMs: 3_600_000 },
    ...overrides,
  })
}

/** One Shopify order transaction as `GET /orders/{id}/transactions.json` lists it. */
export function transaction(
  id: number,
  kind: 'sale' | 'capture' | 'refund' | 'authorization',
  amount: string,
  processedAt: string,
  status = 'success',
): Record<string, unknown> {
  return {
    id,
    order_id: 450789469 + id,
    kind,
    status,
    amount,
    currency: 'USD',
    gateway: 'shopify_payments',
    processed_at: processedAt,
    test: false,
  }
}

/** Requests that touched a journal entry at all (read or write). */
export function journalRequests(netsuite: NetSuiteSimulator) {
  return netsuite.requests().filter((r) => r.path.includes('/journalEntry'))
}
