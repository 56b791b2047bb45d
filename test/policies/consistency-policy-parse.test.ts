/** @module test/policies/consistency-policy-parse.test — the policies' defaults match issue 6, and every bad field is reported with its path and the fix. */
import { describe, expect, it } from 'vitest'
import { parsePolicies, PolicyError } from '../../src/policies/consistency-policy-parse.ts'
import { planPolicies } from '../../src/policies/consistency-policy-plan.ts'

function problems(input: unknown): string[] {
  try {
    parsePolicies(input)
  } catch (error) {
    if (error instanceof PolicyError) return error.problems.map((p) => `${p.path}: ${p.message}`)
    throw error
  }
  throw new Error('the policies parsed')
}

describe('defaults', () => {
  it('match the issue: governed customer master, event-driven orders, reconciled inventory, batched postings', () => {
    const policies = parsePolicies(undefined)
    expect(policies.customerMaster).toMatchObject({
      mode: 'api-governed-approval',
      goldenSource: 'crm',
      nonOwnerChange: 'approval',
      newRecords: { requireApproval: true },
      approval: { assignee: 'customer-master-stewards', timeoutMs: 172_800_000 },
      fieldGroups: {
        identity: { owner: 'crm', fields: ['name', 'phone', 'website', 'billingAddress'] },
        contacts: { owner: 'crm', fields: ['contacts'] },
        credit: { owner: 'erp', fields: ['creditLimit', 'paymentTerms'] },
      },
    })
    expect(policies.orderLifecycle).toMatchObject({
      mode: 'api-create-event-status',
      goldenSource: 'commerce',
    })
    expect(policies.inventory).toMatchObject({
      mode: 'stream-and-reconcile',
      reconciliation: { everyMs: 900_000, tolerance: { units: 0, percent: 0 } },
    })
    expect(policies.financialPostings).toMatchObject({
      mode: 'controlled-batch',
      goldenSource: 'erp',
      batch: { maxSize: 200, approvalThreshold: '10000.00' },
    })
  })

  it('keeps what is given and defaults the rest, per field', () => {
    const policies = parsePolicies({
      customerMaster: {
        nonOwnerChange: 'reject',
        approval: { assignee: 'mdm', timeoutMs: 60_000 },
      },
    })
    expect(policies.customerMaster.nonOwnerChange).toBe('reject')
    expect(policies.customerMaster.approval).toEqual({ assignee: 'mdm', timeoutMs: 60_000 })
    expect(policies.customerMaster.goldenSource).toBe('crm')
    expect(policies.inventory.goldenSource).toBe('wms')
  })

  it('turns into reconciliation jobs, alerts and per-system budgets', () => {
    const plan = planPolicies(parsePolicies({}))
    expect(plan.reconciliationJobs).toEqual([
      {
        domain: 'inventory',
        everyMs: 900_000,
        tolerance: { units: 0, percent: 0 },
        goldenSource: 'wms',
      },
    ])
    expect(plan.alerts.map((a) => a.domain)).toEqual([
      'customerMaster',
      'orderLifecycle',
      'inventory',
      'financialPostings',
    ])
    // One budget per domain and system, never summed: the orders' ERP budget has no rate cap of
    // its own, whatever the other domains' rates.
    expect(plan.budgets).toEqual([
      { domain: 'customerMaster', role: 'crm', concurrency: 4, perSecond: 5 },
      { domain: 'customerMaster', role: 'erp', concurrency: 4, perSecond: 5 },
      { domain: 'orderLifecycle', role: 'erp', concurrency: 8 },
      { domain: 'orderLifecycle', role: 'wms', concurrency: 4 },
      { domain: 'inventory', role: 'commerce', concurrency: 4, perSecond: 2 },
      { domain: 'inventory', role: 'wms', concurrency: 2 },
      { domain: 'financialPostings', role: 'erp', concurrency: 2, perSecond: 2 },
    ])
  })
})

describe('errors print the path and the fix', () => {
  const cases: [string, unknown, string][] = [
    [
      'an unknown domain',
      { customers: {} },
      '(top level): unknown field "customers"; remove it or correct the spelling (known fields: customerMaster, orderLifecycle, inventory, financialPostings)',
    ],
    [
      'a misspelt field',
      { customerMaster: { goldenSorce: 'crm' } },
      'customerMaster: unknown field "goldenSorce"; remove it or correct the spelling (known fields: mode, goldenSource, fieldGroups, nonOwnerChange, newRecords, approval, alerts, budgets)',
    ],
    [
      'a domain that is not an object',
      { inventory: 'strict' },
      'inventory: expected an object of settings; write {} to take every default',
    ],
    [
      'an unknown system role',
      { customerMaster: { goldenSource: 'salesforce' } },
      'customerMaster.goldenSource: expected a system role: one of "crm", "erp", "commerce", "wms"',
    ],
    [
      'an unknown disposition',
      { orderLifecycle: { nonOwnerChange: 'overwrite' } },
      'orderLifecycle.nonOwnerChange: expected "reject" (refuse and audit) or "approval" (open an approval task)',
    ],
    [
      'an empty field group',
      { customerMaster: { fieldGroups: { credit: { owner: 'erp', fields: [] } } } },
      'customerMaster.fieldGroups.credit.fields: a field group needs at least one field, e.g. ["creditLimit"]',
    ],
    [
      'a negative timeout',
      { customerMaster: { approval: { assignee: 'mdm', timeoutMs: -5 } } },
      'customerMaster.approval.timeoutMs: expected a positive number of milliseconds, e.g. 172800000 (2 days)',
    ],
    [
      'a tolerance above 100 %',
      { inventory: { reconciliation: { everyMs: 60_000, tolerance: { units: 0, percent: 150 } } } },
      'inventory.reconciliation.tolerance.percent: expected a percentage of at most 100, e.g. 1',
    ],
    [
      'a threshold that is not a decimal',
      {
        financialPostings: {
          batch: { maxSize: 100, everyMs: 60_000, approvalThreshold: 10000 },
        },
      },
      'financialPostings.batch.approvalThreshold: expected an amount as a decimal string, e.g. "10000.00"',
    ],
    [
      'a budget for an unknown system',
      { inventory: { budgets: { shopify: { concurrency: 2 } } } },
      'inventory.budgets: unknown field "shopify"; remove it or correct the spelling (known fields: crm, erp, commerce, wms)',
    ],
    [
      'a budget of zero calls',
      { inventory: { budgets: { wms: { concurrency: 0 } } } },
      'inventory.budgets.wms.concurrency: expected at least 1 call in flight, e.g. 4',
    ],
    [
      'a field with two owners',
      {
        customerMaster: {
          fieldGroups: {
            a: { owner: 'crm', fields: ['name'] },
            b: { owner: 'erp', fields: ['name'] },
          },
        },
      },
      'customerMaster.fieldGroups.b.fields[0]: "name" is already in field group "a"; a field has one owner, so list it in one group only',
    ],
    [
      'an escalation to the same person',
      { financialPostings: { approval: { assignee: 'cfo', timeoutMs: 1_000, escalateTo: 'cfo' } } },
      'financialPostings.approval.escalateTo: escalating to the assignee ("cfo") again changes nothing; name someone else or remove escalateTo',
    ],
    [
      'postings owned outside the ERP',
      { financialPostings: { goldenSource: 'commerce' } },
      'financialPostings.goldenSource: financial postings are authoritative in the ERP; set "erp" (got "commerce")',
    ],
  ]
  for (const [what, input, expected] of cases) {
    it(`names ${what}`, () => {
      expect(problems(input)).toContain(expected)
    })
  }

  it('lists every problem in one error, each on its own line', () => {
    let message = ''
    try {
      parsePolicies(
        { customerMaster: { goldenSource: 'x', nonOwnerChange: 'y' } },
        { source: 'config file hub.json', prefix: 'policies' },
      )
    } catch (error) {
      message = (error as Error).message
    }
    expect(message.split('\n')).toEqual([
      'config file hub.json is invalid; fix these fields:',
      '  - policies.customerMaster.goldenSource: expected a system role: one of "crm", "erp", "commerce", "wms"',
      '  - policies.customerMaster.nonOwnerChange: expected "reject" (refuse and audit) or "approval" (open an approval task)',
    ])
  })
})
