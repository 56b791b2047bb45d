/** @module policies/consistency-policy-schema — the four domain consistency policies as data (zod), with defaults that match issue 6.
 *
 * A policy says, for one business domain, which system is the golden source (for the domain and
 * per field group), what a change from a system that does not own a field becomes, when a person
 * must approve, how often state is reconciled and within what tolerance, when to alert, and how
 * hard the hub may press each system (governor budgets). The engine derives flows' behaviour,
 * reconciliation jobs, alerts and governor budgets from it (`consistency-policy-plan.ts`).
 * Every message says what to write instead: it is printed as the fix at start.
 */
import { z } from 'zod'

/** The roles a system plays; connections bind a role to a vendor (crm: Salesforce, erp: NetSuite or SAP). */
export const SYSTEM_ROLES = ['crm', 'erp', 'commerce', 'wms'] as const
export type SystemRole = (typeof SYSTEM_ROLES)[number]

export const POLICY_DOMAINS = [
  'customerMaster',
  'orderLifecycle',
  'inventory',
  'financialPostings',
] as const
export type PolicyDomain = (typeof POLICY_DOMAINS)[number]

/** What a change to a field from a system that does not own it becomes. Never a silent overwrite. */
export const NON_OWNER_DISPOSITIONS = ['reject', 'approval'] as const
export type NonOwnerDisposition = (typeof NON_OWNER_DISPOSITIONS)[number]

const list = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ')

const role = z.enum(SYSTEM_ROLES, {
  error: `expected a system role: one of ${list(SYSTEM_ROLES)}`,
})

const disposition = z.enum(NON_OWNER_DISPOSITIONS, {
  error: `expected "reject" (refuse and audit) or "approval" (open an approval task)`,
})

const durationMs = (example: string) =>
  z
    .number({ error: `expected a duration in milliseconds, e.g. ${example}` })
    .int({ error: `expected whole milliseconds, e.g. ${example}` })
    .positive({ error: `expected a positive number of milliseconds, e.g. ${example}` })

const name = (what: string, example: string) =>
  z
    .string({ error: `expected ${what}, e.g. "${example}"` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, {
      error: `expected ${what} (letters, digits, ".", "_", "@", "-"), e.g. "${example}"`,
    })

const FieldGroup = z.strictObject({
  owner: role,
  fields: z
    .array(name('a canonical field name', 'creditLimit'), {
      error: 'expected a list of canonical field names, e.g. ["creditLimit", "paymentTerms"]',
    })
    .min(1, { error: 'a field group needs at least one field, e.g. ["creditLimit"]' }),
})
export type FieldGroup = z.output<typeof FieldGroup>

const Approval = z.strictObject({
  /** Who decides (a person or a queue). */
  assignee: name('an assignee (a user or a queue)', 'customer-master-stewards'),
  timeoutMs: durationMs('172800000 (2 days)'),
  escalateTo: name('who gets the task after the deadline', 'finance-controller').optional(),
})
export type ApprovalPolicy = z.output<typeof Approval>

const Alerts = z.strictObject({
  /** Alert when the oldest unprocessed change of the domain is older than this. */
  maxLagMs: durationMs('60000 (1 minute)'),
  /** Alert when this many runs of the domain are dead-lettered. */
  deadLetters: z
    .number({ error: 'expected a whole number of dead-lettered runs, e.g. 1' })
    .int({ error: 'expected a whole number of dead-lettered runs, e.g. 1' })
    .min(1, { error: 'expected at least 1, e.g. 1' }),
  /** Alert when this share of a domain's runs fail in a window, in percent. */
  failurePercent: z
    .number({ error: 'expected a percentage between 0 and 100, e.g. 5' })
    .gt(0, { error: 'expected a percentage above 0, e.g. 5' })
    .max(100, { error: 'expected a percentage of at most 100, e.g. 5' }),
})
export type AlertPolicy = z.output<typeof Alerts>

/** How hard the domain's flows may press one system (its share of the target's limits). */
const Budget = z.strictObject({
  concurrency: z
    .number({ error: 'expected calls in flight at once, e.g. 4' })
    .int({ error: 'expected a whole number of calls in flight, e.g. 4' })
    .min(1, { error: 'expected at least 1 call in flight, e.g. 4' }),
  perSecond: z
    .number({ error: 'expected calls per second, e.g. 5' })
    .positive({ error: 'expected a positive number of calls per second, e.g. 5' })
    .optional(),
})
export type GovernorBudget = z.output<typeof Budget>

const budgets = (defaults: Partial<Record<SystemRole, GovernorBudget>>) =>
  z
    .partialRecord(role, Budget, {
      error: `expected budgets keyed by system role (${list(SYSTEM_ROLES)}), e.g. {"erp": {"concurrency": 4}}`,
    })
    .default(defaults)

const decimal = z
  .string({ error: 'expected an amount as a decimal string, e.g. "10000.00"' })
  .regex(/^\d{1,15}(\.\d{1,4})?$/, {
    error: 'expected an amount as a decimal string, e.g. "10000.00"',
  })

const DAY = 86_400_000

export const CustomerMasterPolicy = z.strictObject({
  /** API + governed approval; near real time with approval controls. */
  mode: z
    .literal('api-governed-approval', { error: 'expected "api-governed-approval"' })
    .default('api-governed-approval'),
  goldenSource: role.default('crm'),
  /** Per field group; a field in no group belongs to `goldenSource`. */
  fieldGroups: z.record(name('a field group name', 'credit'), FieldGroup).default({
    identity: { owner: 'crm', fields: ['name', 'phone', 'website', 'billingAddress'] },
    contacts: { owner: 'crm', fields: ['contacts'] },
    credit: { owner: 'erp', fields: ['creditLimit', 'paymentTerms'] },
  }),
  nonOwnerChange: disposition.default('approval'),
  newRecords: z
    .strictObject({
      requireApproval: z.boolean({ error: 'expected true or false' }).default(true),
    })
    .default({ requireApproval: true }),
  approval: Approval.default({ assignee: 'customer-master-stewards', timeoutMs: 2 * DAY }),
  alerts: Alerts.default({ maxLagMs: 60_000, deadLetters: 1, failurePercent: 5 }),
  budgets: budgets({
    crm: { concurrency: 4, perSecond: 5 },
    erp: { concurrency: 4, perSecond: 5 },
  }),
})

export const OrderLifecyclePolicy = z.strictObject({
  /** API creation + event-driven status updates; process-consistent across channels. */
  mode: z
    .literal('api-create-event-status', { error: 'expected "api-create-event-status"' })
    .default('api-create-event-status'),
  goldenSource: role.default('commerce'),
  fieldGroups: z.record(name('a field group name', 'fulfilment'), FieldGroup).default({
    order: { owner: 'commerce', fields: ['lines', 'shippingAddress', 'customer'] },
    fulfilment: { owner: 'wms', fields: ['fulfilmentStatus', 'tracking'] },
    billing: { owner: 'erp', fields: ['invoiceStatus'] },
  }),
  nonOwnerChange: disposition.default('reject'),
  /**
   * Shopify's orders against the ERP's sales orders (server/hub-reconciliation.ts). Off by
   * default (no `everyMs`): a full compare reads every order of both systems, an API budget an
   * operator opts into; `POST /api/v1/reconciliation/runs` runs one on demand either way.
   * Missing and mismatched sales orders are healed through the order flow; the rest go to `assignee`.
   */
  reconciliation: z
    .strictObject({
      everyMs: durationMs('3600000 (1 hour)').optional(),
      assignee: name('who owns the order breaks not healed', 'order-desk').default('order-desk'),
    })
    .default({ assignee: 'order-desk' }),
  alerts: Alerts.default({ maxLagMs: 120_000, deadLetters: 1, failurePercent: 2 }),
  budgets: budgets({ erp: { concurrency: 8 }, wms: { concurrency: 4 } }),
})

export const InventoryPolicy = z.strictObject({
  /** Event streaming + periodic reconciliation; time-sensitive, tolerance-based. */
  mode: z
    .literal('stream-and-reconcile', { error: 'expected "stream-and-reconcile"' })
    .default('stream-and-reconcile'),
  goldenSource: role.default('wms'),
  fieldGroups: z.record(name('a field group name', 'stock'), FieldGroup).default({}),
  nonOwnerChange: disposition.default('reject'),
  reconciliation: z
    .strictObject({
      everyMs: durationMs('900000 (15 minutes)'),
      /** A difference within both bounds is drift the next event will fix, not a mismatch. */
      tolerance: z.strictObject({
        units: z
          .number({ error: 'expected a whole number of units, e.g. 2' })
          .int({ error: 'expected a whole number of units, e.g. 2' })
          .min(0, { error: 'expected 0 or more units, e.g. 2' }),
        percent: z
          .number({ error: 'expected a percentage between 0 and 100, e.g. 1' })
          .min(0, { error: 'expected a percentage of at least 0, e.g. 1' })
          .max(100, { error: 'expected a percentage of at most 100, e.g. 1' }),
      }),
    })
    .default({ everyMs: 900_000, tolerance: { units: 0, percent: 0 } }),
  alerts: Alerts.default({ maxLagMs: 30_000, deadLetters: 1, failurePercent: 5 }),
  budgets: budgets({ commerce: { concurrency: 4, perSecond: 2 }, wms: { concurrency: 2 } }),
})

export const FinancialPostingsPolicy = z.strictObject({
  /** Controlled ERP writes in validated batches; authoritative in the ERP with audit traceability. */
  mode: z
    .literal('controlled-batch', { error: 'expected "controlled-batch"' })
    .default('controlled-batch'),
  goldenSource: role.default('erp'),
  fieldGroups: z.record(name('a field group name', 'posting'), FieldGroup).default({}),
  nonOwnerChange: disposition.default('reject'),
  batch: z
    .strictObject({
      maxSize: z
        .number({ error: 'expected postings per batch, e.g. 200' })
        .int({ error: 'expected a whole number of postings per batch, e.g. 200' })
        .min(1, { error: 'expected at least 1 posting per batch, e.g. 200' })
        .max(10_000, { error: 'expected at most 10000 postings per batch, e.g. 200' }),
      everyMs: durationMs('3600000 (1 hour)'),
      /** A batch whose total is at or above this needs a person's approval before it is posted. */
      approvalThreshold: decimal,
    })
    .default({ maxSize: 200, everyMs: 3_600_000, approvalThreshold: '10000.00' }),
  approval: Approval.default({
    assignee: 'finance-controller',
    timeoutMs: DAY,
  }),
  alerts: Alerts.default({ maxLagMs: 3_600_000, deadLetters: 1, failurePercent: 1 }),
  budgets: budgets({ erp: { concurrency: 2, perSecond: 2 } }),
})

export const ConsistencyPoliciesSchema = z.strictObject({
  customerMaster: CustomerMasterPolicy.default(CustomerMasterPolicy.parse({})),
  orderLifecycle: OrderLifecyclePolicy.default(OrderLifecyclePolicy.parse({})),
  inventory: InventoryPolicy.default(InventoryPolicy.parse({})),
  financialPostings: FinancialPostingsPolicy.default(FinancialPostingsPolicy.parse({})),
})

export type ConsistencyPolicies = z.output<typeof ConsistencyPoliciesSchema>
export type CustomerMasterPolicy = z.output<typeof CustomerMasterPolicy>
export type DomainPolicy = ConsistencyPolicies[PolicyDomain]
