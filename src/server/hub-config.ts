/** @module server/hub-config — the hub's configuration as data, validated at start.
 *
 * Errors print the fix: each names the field, what is wrong, and an example of a right value.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { ShopifyConnectionSpec } from '../connectors/shopify/shopify-spec.ts'
import { NetSuiteConnectionSpec } from '../connectors/netsuite/netsuite-spec.ts'
import { formatIssuePath } from '../connectors/config-spec.ts'

const connectionName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, e.g. "demo"')

const FlowBinding = z.strictObject({
  /** Only `shopify-order-to-netsuite` exists so far. */
  flow: z.literal('shopify-order-to-netsuite', {
    error: 'unknown flow; available: "shopify-order-to-netsuite"',
  }),
  shopifyConnection: connectionName,
  netsuiteConnection: connectionName,
})

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
    })
    .default({ shopify: {}, netsuite: {} }),
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
  const shopify = new Set(Object.keys(config.connections.shopify))
  const netsuite = new Set(Object.keys(config.connections.netsuite))
  for (const [i, binding] of config.flows.entries()) {
    if (!shopify.has(binding.shopifyConnection)) {
      problems.push(
        `  - flows[${i}].shopifyConnection: no Shopify connection named "${binding.shopifyConnection}"; known: ${[...shopify].join(', ') || '(none)'}`,
      )
    }
    if (!netsuite.has(binding.netsuiteConnection)) {
      problems.push(
        `  - flows[${i}].netsuiteConnection: no NetSuite connection named "${binding.netsuiteConnection}"; known: ${[...netsuite].join(', ') || '(none)'}`,
      )
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`${source} is invalid; fix these fields:\n${problems.join('\n')}`)
  }
  return config
}
