/** @module connectors/salesforce/salesforce-spec — the Salesforce connection config as data: schema, defaults and field docs. */
import { z } from 'zod'
import {
  describeConfigFields,
  documented,
  parseConnectorConfig,
  secretField,
} from '../config-spec.ts'
import type { ConfigFieldReference } from '../config-spec.ts'

/** Salesforce refuses more than 25 concurrent long-running requests per org (production and sandbox). */
export const SALESFORCE_MAX_CONCURRENCY = 25
/** The base daily allocation of an Enterprise org before per-licence additions. */
export const SALESFORCE_DEFAULT_DAILY_API_REQUESTS = 100_000

const shape = {
  loginUrl: documented(
    z.url({
      protocol: /^https?$/,
      error:
        'expected an absolute http(s) URL, e.g. "https://acme.my.salesforce.com" (your My Domain)',
    }),
    {
      description:
        'Where the token request goes: your My Domain URL (required for the client credentials flow), or `https://login.salesforce.com` / `https://test.salesforce.com` for the username-password flow. REST calls go to the `instance_url` the token response names, never here.',
      example: 'https://acme.my.salesforce.com',
    },
  ),
  apiVersion: documented(
    z
      .string({ error: 'expected the REST API version as a string, e.g. "62.0"' })
      .regex(/^v?\d{2,3}\.0$/, { error: 'expected an API version such as "62.0" or "v62.0"' })
      .default('62.0'),
    {
      description:
        'REST API version in the path (`/services/data/vXX.X`). Salesforce ships three a year and keeps old ones for years; pin the one the mapping was tested with.',
      default: '62.0 (Winter ’25)',
      example: 'v62.0',
    },
  ),
  grantType: documented(
    z
      .enum(['client_credentials', 'password'], {
        error: 'expected "client_credentials" or "password"',
      })
      .default('client_credentials'),
    {
      description:
        'OAuth 2.0 flow: `client_credentials` (the connected app runs as its configured integration user; needs My Domain) or `password` (username-password flow with `username`, `password` and `securityToken`).',
      default: 'client_credentials',
      example: 'client_credentials',
    },
  ),
  clientId: documented(
    z
      .string({ error: 'expected the connected app consumer key as a string' })
      .min(1, { error: 'clientId is empty' }),
    {
      description: 'Consumer key of the connected app.',
      example: '3MVG9rZjd7MXFdLh…',
    },
  ),
  clientSecret: secretField({
    description: 'Consumer secret of the connected app, sent only to the token endpoint.',
    example: 'E8C1…',
  }),
  username: documented(z.string().min(1, { error: 'username is empty' }).optional(), {
    description: 'Integration user for the `password` flow; unused with `client_credentials`.',
    default: 'none (required when grantType is "password")',
    example: 'integration@acme.example',
  }),
  password: documented(
    secretField({ description: 'Password of the integration user (`password` flow).' }).optional(),
    {
      description: 'Password of the integration user (`password` flow).',
      default: 'none (required when grantType is "password")',
      secret: true,
    },
  ),
  securityToken: documented(
    secretField({ description: 'Security token appended to the password.' }).optional(),
    {
      description:
        'Security token of the integration user, appended to the password as Salesforce requires from IPs outside the org’s trusted ranges (`password` flow).',
      default: 'none (the password is sent as it is)',
      secret: true,
    },
  ),
  externalIdField: documented(
    z
      .string({ error: 'expected the API name of an Account external id field' })
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, {
        error: 'expected a field API name such as "ERP_Customer_Id__c"',
      }),
    {
      description:
        'API name of the Account field marked External ID that upserts address (`PATCH …/Account/<field>/<value>`). Mark it Unique too, or two rows with one key answer 300 and wait for a human.',
      example: 'ERP_Customer_Id__c',
    },
  ),
  clientName: documented(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected 1–40 letters, digits, "_" or "-"' })
      .default('SynclineHub'),
    {
      description:
        'Sent as `Sforce-Call-Options: client=<name>` on every call, so change events the hub caused carry it in `changeOrigin` and are recognised as echoes.',
      default: 'SynclineHub',
      example: 'SynclineHub',
    },
  ),
  requestTimeoutMs: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive number of milliseconds' })
      .default(30_000),
    {
      description:
        'Deadline for one request. Salesforce itself allows 10 minutes; a shorter deadline turns a hung write into an unknown outcome the engine resolves by reading by external id.',
      default: '30000 (30 s)',
      example: '30000',
    },
  ),
  concurrencyLimit: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive whole number of concurrent requests' })
      .max(SALESFORCE_MAX_CONCURRENCY, {
        error: `expected at most ${SALESFORCE_MAX_CONCURRENCY}: the org refuses more concurrent long-running requests`,
      })
      .default(SALESFORCE_MAX_CONCURRENCY),
    {
      description:
        "Cap on this hub's requests in flight to the org. The org allows 25 concurrent long-running (≥ 20 s) requests, shared with every integration (5 on Developer Edition): set it lower to leave them room.",
      default: '25',
      example: '10',
    },
  ),
  dailyApiRequests: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive whole number of API requests per 24 h' })
      .default(SALESFORCE_DEFAULT_DAILY_API_REQUESTS),
    {
      description:
        "This hub's share of the org's daily API allocation (rolling 24 h, shared by every integration and user). The governor spreads it over the day; see Limits.",
      default: '100000 (the base allocation of an Enterprise org)',
      example: '20000',
    },
  ),
  apiUsageBackoffRatio: documented(
    z
      .number()
      .min(0.5, { error: 'expected a fraction between 0.5 and 1' })
      .max(1, { error: 'expected a fraction between 0.5 and 1' })
      .default(0.9),
    {
      description:
        'When `Sforce-Limit-Info` reports the org’s usage at or above this fraction of its allocation, the client stops sending (throttled) until the rolling window has freed some, so the hub never spends the last of an allocation other integrations need.',
      default: '0.9',
      example: '0.9',
    },
  ),
}

export const SalesforceConnectionSpec = z
  .strictObject(shape)
  .superRefine((config, ctx) => {
    if (config.grantType !== 'password') return
    for (const field of ['username', 'password'] as const) {
      if (config[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} is required when grantType is "password"`,
        })
      }
    }
  })
  .transform((config) => ({
    ...config,
    loginUrl: config.loginUrl.replace(/\/+$/, ''),
    apiVersion: config.apiVersion.replace(/^v/, ''),
  }))

export type SalesforceConnectionConfig = z.output<typeof SalesforceConnectionSpec>
export type SalesforceConnectionInput = z.input<typeof SalesforceConnectionSpec>

/** Validates a config; throws HubError.validation naming each field to fix. */
export function parseSalesforceConnectionConfig(input: unknown): SalesforceConnectionConfig {
  return parseConnectorConfig('Salesforce', SalesforceConnectionSpec, input)
}

/** Field reference for a generated docs page. */
export function salesforceConfigFields(): ConfigFieldReference[] {
  return describeConfigFields(shape)
}
