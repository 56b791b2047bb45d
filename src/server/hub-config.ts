/** @module server/hub-config — the hub's configuration as data, validated at start.
 *
 * Errors print the fix: each names the field, what is wrong, and an example of a right value.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ShopifyConnectionSpec } from '../connectors/shopify/shopify-spec.ts'
import { NetSuiteConnectionSpec } from '../connectors/netsuite/netsuite-spec.ts'
import { SapConnectionSpec } from '../connectors/sap/sap-spec.ts'
import { SalesforceConnectionSpec } from '../connectors/salesforce/salesforce-spec.ts'
import { ThreePlConnectionSpec } from '../connectors/threepl/threepl-spec.ts'
import { OrderToCashPolicySpec } from '../flows/order-to-cash/order-to-cash-policy.ts'
import {
  financialPostingsProblems,
  FinancialPostingsBindingSpec,
} from './hub-financial-postings-config.ts'
import { formatIssuePath } from '../connectors/config-spec.ts'
import { parsePolicies, PolicyError } from '../policies/consistency-policy-parse.ts'
import type { ConsistencyPolicies } from '../policies/consistency-policy-schema.ts'
import { InventoryFlowBinding, inventoryBindingProblems } from './hub-inventory-config.ts'

const connectionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, e.g. "demo"')

/** The ERPs an order flow can be bound to; each is a connection kind under `connections`. */
export const ERP_SYSTEMS = ['netsuite', 'sap'] as const
export type ErpSystem = (typeof ERP_SYSTEMS)[number]

const FLOW_NAMES = [
  'shopify-order-to-erp',
  'shopify-order-to-netsuite',
  'shopify-order-to-cash',
  'shopify-order-fulfilment-saga',
  'customer-master',
  'financial-postings',
  'threepl-inventory',
] as const

const bindingName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes')

const FlowBinding = z.discriminatedUnion(
  'flow',
  [
    z.strictObject({
      /** The order flow, written against canonical objects; the ERP is chosen here. */
      flow: z.literal('shopify-order-to-erp'),
      /** Runs and metrics show this name; two bindings of the flow need two names. Default: the flow's. */
      name: bindingName.optional(),
      shopifyConnection: connectionName,
      erp: z.enum(ERP_SYSTEMS, {
        error: `expected the ERP the orders go to: ${ERP_SYSTEMS.map((e) => `"${e}"`).join(' or ')}`,
      }),
      erpConnection: connectionName,
    }),
    z.strictObject({
      /**
       * Order to cash (docs/processes.md): order → ERP sales order → 3PL fulfillment → shipment →
       * ERP fulfillment and invoice, Shopify fulfillment and payment. Not to be bound to a Shopify
       * connection an order flow also takes, or each order is placed twice.
       */
      flow: z.literal('shopify-order-to-cash'),
      name: bindingName.optional(),
      shopifyConnection: connectionName,
      erp: z.enum(ERP_SYSTEMS, {
        error: `expected the ERP the orders go to: ${ERP_SYSTEMS.map((e) => `"${e}"`).join(' or ')}`,
      }),
      erpConnection: connectionName,
      threeplConnection: connectionName,
      policy: OrderToCashPolicySpec.prefault({}),
    }),
    z.strictObject({
      /**
       * The order fulfilment saga (docs/processes.md): ERP sales order → 3PL fulfillment request
       * → ERP invoice → Shopify payment capture, undone newest first by the engine when a step
       * is refused. NetSuite only (its invoice is taken back by a credit memo). Not to be bound
       * to a Shopify connection another order flow takes, or each order is placed twice.
       */
      flow: z.literal('shopify-order-fulfilment-saga'),
      name: bindingName.optional(),
      shopifyConnection: connectionName,
      erp: z.literal('netsuite', {
        error: 'expected "netsuite": the saga credits invoices the NetSuite way',
      }),
      erpConnection: connectionName,
      threeplConnection: connectionName,
    }),
    z.strictObject({
      /**
       * The customer master (docs/processes.md): Salesforce Account changes (CDC, subscribed by
       * the hub) to the ERP customer, per `policies.customerMaster`. See hub-customer-master.ts.
       */
      flow: z.literal('customer-master'),
      name: bindingName.optional(),
      salesforceConnection: connectionName,
      erp: z.enum(ERP_SYSTEMS, {
        error: `expected the ERP the customers go to: ${ERP_SYSTEMS.map((e) => `"${e}"`).join(' or ')}`,
      }),
      erpConnection: connectionName,
    }),
    /** Financial postings (docs/processes.md §4): see hub-financial-postings.ts. */
    FinancialPostingsBindingSpec,
    /** Inventory (docs/processes.md §3): see hub-inventory-config.ts. */
    InventoryFlowBinding,
    z.strictObject({
      /** The first flow's name, kept for existing configs: the same flow bound to NetSuite. */
      flow: z.literal('shopify-order-to-netsuite'),
      shopifyConnection: connectionName,
      netsuiteConnection: connectionName,
    }),
  ],
  { error: `unknown flow; available: ${FLOW_NAMES.map((f) => `"${f}"`).join(', ')}` },
)
export type FlowBinding = z.output<typeof FlowBinding>

export const HubConfigSchema = z.strictObject({
  tenantId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .default('default'),
  connections: z
    .strictObject({
      /** Keyed by connection name: webhooks arrive at `/webhooks/shopify/<name>`. */
      shopify: z.record(connectionName, ShopifyConnectionSpec).default({}),
      netsuite: z.record(connectionName, NetSuiteConnectionSpec).default({}),
      sap: z.record(connectionName, SapConnectionSpec).default({}),
      /** Keyed by connection name: webhooks arrive at `/webhooks/threepl/<name>`. */
      threepl: z.record(connectionName, ThreePlConnectionSpec).default({}),
      /** Keyed by connection name: a customer-master binding subscribes to the org's Account changes. */
      salesforce: z.record(connectionName, SalesforceConnectionSpec).default({}),
    })
    .default({ shopify: {}, netsuite: {}, sap: {}, threepl: {}, salesforce: {} }),
  flows: z.array(FlowBinding).default([]),
  engine: z
    .strictObject({
      concurrency: z.number().int().min(1).max(1024).optional(),
      claimBatch: z.number().int().min(1).max(500).optional(),
      leaseMs: z.number().int().min(1_000).optional(),
      heartbeatMs: z.number().int().min(100).optional(),
      idlePollMs: z.number().int().min(5).optional(),
      retry: z
        .strictObject({
          maxAttempts: z.number().int().min(1).optional(),
          baseDelayMs: z.number().int().min(1).optional(),
          maxDelayMs: z.number().int().min(1).optional(),
          throttleJitterMs: z.number().int().min(0).optional(),
        })
        .optional(),
    })
    .default({}),
  gateway: z
    .strictObject({
      bodyLimitBytes: z
        .number()
        .int()
        .min(1_024)
        .max(64 * 1024 * 1024)
        .default(5 * 1024 * 1024),
    })
    .default({ bodyLimitBytes: 5 * 1024 * 1024 }),
  /**
   * Consistency policies per domain (issue 6): golden sources, field ownership, approvals,
   * reconciliation, alerts and budgets. Absent domains and fields take the defaults.
   */
  policies: z
    .unknown()
    .optional()
    .transform((value, ctx): ConsistencyPolicies => {
      try {
        return parsePolicies(value)
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error
        for (const problem of error.problems) {
          ctx.issues.push({
            code: 'custom',
            input: value,
            message: problem.message,
            path: problem.path === '(top level)' ? [] : problem.path.split('.'),
          })
        }
        return z.NEVER
      }
    }),
  /** How the policies' alerts are evaluated (server/hub-alerting.ts); the rules are under `policies`. */
  alerting: z
    .strictObject({
      /** Between evaluations, ms. */
      everyMs: z
        .number({ error: 'expected milliseconds between alert evaluations, e.g. 5000' })
        .int({ error: 'expected whole milliseconds, e.g. 5000' })
        .min(1_000, { error: 'expected at least 1000 ms between evaluations, e.g. 5000' })
        .default(5_000),
      /** The trailing window over which a domain's share of failed runs is computed, ms. */
      failureWindowMs: z
        .number({ error: 'expected a window in milliseconds, e.g. 900000 (15 minutes)' })
        .int({ error: 'expected whole milliseconds, e.g. 900000 (15 minutes)' })
        .min(1_000, { error: 'expected a window of at least 1000 ms, e.g. 900000 (15 minutes)' })
        .default(900_000),
    })
    .default({ everyMs: 5_000, failureWindowMs: 900_000 }),
  /** Seconds between the summary lines `syncline start` prints. */
  summaryIntervalMs: z.number().int().min(0).default(5_000),
})

export type HubConfig = z.output<typeof HubConfigSchema>

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

export function parseHubConfig(input: unknown, source = 'config'): HubConfig {
  const result = HubConfigSchema.safeParse(input)
  if (result.success) return checkReferences(result.data, source)
  const lines = result.error.issues.map(
    (issue) => `  - ${formatIssuePath(issue.path) || '(top level)'}: ${issue.message}`,
  )
  throw new ConfigError(`${source} is invalid; fix these fields:\n${lines.join('\n')}`, {
    cause: result.error,
  })
}

export async function loadHubConfig(path: string | undefined): Promise<HubConfig> {
  if (path === undefined) return parseHubConfig({}, 'default config')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${path}; pass an existing JSON file to --config`,
      {
        cause: error,
      },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    })
  }
  return parseHubConfig(json, `config file ${path}`)
}

function checkReferences(config: HubConfig, source: string): HubConfig {
  const problems: string[] = []
  type Kind = 'shopify' | 'threepl' | 'salesforce' | ErpSystem
  const known = (kind: Kind) => Object.keys(config.connections[kind])
  const check = (path: string, kind: Kind, label: string, name: string) => {
    if (known(kind).includes(name)) return
    problems.push(
      `  - ${path}: no ${label} connection named "${name}"; known: ${known(kind).join(', ') || '(none)'} (define it under connections.${kind})`,
    )
  }
  const named = new Map<string, number>()
  for (const [i, binding] of config.flows.entries()) {
    if (binding.flow === 'threepl-inventory') continue // inventoryBindingProblems checks it
    const name =
      binding.flow === 'shopify-order-to-netsuite' ? binding.flow : (binding.name ?? binding.flow)
    const first = named.get(name)
    if (first !== undefined) {
      problems.push(
        `  - flows[${i}].name: flows[${first}] already runs as "${name}"; give this binding its own \`name\`, e.g. "${name}-2"`,
      )
    } else named.set(name, i)
    if (binding.flow === 'customer-master') {
      const sf = binding.salesforceConnection
      check(`flows[${i}].salesforceConnection`, 'salesforce', 'Salesforce', sf)
      const label = binding.erp === 'sap' ? 'SAP' : 'NetSuite'
      check(`flows[${i}].erpConnection`, binding.erp, label, binding.erpConnection)
      continue
    }
    check(`flows[${i}].shopifyConnection`, 'shopify', 'Shopify', binding.shopifyConnection)
    if (binding.flow === 'shopify-order-to-netsuite') {
      check(`flows[${i}].netsuiteConnection`, 'netsuite', 'NetSuite', binding.netsuiteConnection)
    } else {
      const label = binding.erp === 'sap' ? 'SAP' : 'NetSuite'
      check(`flows[${i}].erpConnection`, binding.erp, label, binding.erpConnection)
    }
    if (
      binding.flow === 'shopify-order-to-cash' ||
      binding.flow === 'shopify-order-fulfilment-saga'
    ) {
      check(`flows[${i}].threeplConnection`, 'threepl', '3PL', binding.threeplConnection)
    }
  }
  problems.push(...financialPostingsProblems(config.flows))
  problems.push(...inventoryBindingProblems(config))
  if (problems.length > 0) {
    throw new ConfigError(`${source} is invalid; fix these fields:\n${problems.join('\n')}`)
  }
  return config
}
