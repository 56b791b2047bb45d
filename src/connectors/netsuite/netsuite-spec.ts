/** @module connectors/netsuite/netsuite-spec — the NetSuite connection config as data: schema, defaults and field docs. */
import { z } from 'zod'
import {
  describeConfigFields,
  documented,
  parseConnectorConfig,
  secretField,
} from '../config-spec.ts'
import type { ConfigFieldReference } from '../config-spec.ts'
import type { Secret } from '../../secrets/secret-value.ts'

/** A credential that may be left out, when the other authentication method is configured. */
const optionalSecret = (doc: Parameters<typeof secretField>[0]) => {
  const schema = secretField(doc).optional()
  return documented(schema, { ...doc, secret: true })
}

const shape = {
  accountId: documented(
    z
      .string({ error: 'expected the NetSuite account id as a string' })
      .regex(/^[0-9A-Za-z]+(?:[_-][0-9A-Za-z]+)?$/, {
        error:
          'expected a NetSuite account id such as "1234567" or "1234567_SB1" (Setup > Company > Company Information)',
      }),
    {
      description: 'The NetSuite account id; sandbox accounts end in `_SB<n>`.',
      example: '1234567_SB1',
    },
  ),
  baseUrl: documented(
    z
      .url({
        protocol: /^https?$/,
        error:
          'expected an absolute http(s) URL, e.g. "https://1234567.suitetalk.api.netsuite.com"',
      })
      .optional(),
    {
      description:
        'SuiteTalk REST base URL, without `/services/rest`. Point it at a simulator in tests.',
      default: 'https://<accountId, lower case, "_" as "-">.suitetalk.api.netsuite.com',
      example: 'https://1234567-sb1.suitetalk.api.netsuite.com',
    },
  ),
  clientId: documented(
    z
      .string({ error: 'expected the OAuth 2.0 client id as a string' })
      .min(1, { error: 'clientId is empty' })
      .optional(),
    {
      description:
        'OAuth 2.0 client credentials: client id of the integration record. Give clientId and clientSecret, or the four TBA fields, not both.',
      example: '6f0c1a6e0b6d4e1f9a2c3b4d5e6f7a8b',
    },
  ),
  clientSecret: optionalSecret({
    description:
      'OAuth 2.0 client credentials: client secret of the integration record, sent only to the token endpoint.',
    example: 'a1b2c3…',
  }),
  consumerKey: documented(
    z
      .string({ error: 'expected the TBA consumer key as a string' })
      .min(1, { error: 'consumerKey is empty' })
      .optional(),
    {
      description:
        'Token-based authentication (OAuth 1.0a): consumer key of the integration record. Needs consumerSecret, tokenId and tokenSecret too.',
      example: '71cc02b731f05895561ef0862d71553a3ac99498a947c3b7beaf4a1e4a29f7c4',
    },
  ),
  consumerSecret: optionalSecret({
    description: 'TBA: consumer secret of the integration record; it only ever keys signatures.',
    example: 'from-your-secret-store',
  }),
  tokenId: documented(
    z
      .string({ error: 'expected the TBA token id as a string' })
      .min(1, { error: 'tokenId is empty' })
      .optional(),
    {
      description: 'TBA: token id of the access token (a user, a role and the integration record).',
      example: '89e08d9767c5ac85b374415725567d05b54ecf0960ad2470894a52f741020d82',
    },
  ),
  tokenSecret: optionalSecret({
    description: 'TBA: token secret of the access token; it only ever keys signatures.',
    example: 'from-your-secret-store',
  }),
  requestTimeoutMs: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive number of milliseconds' })
      .default(30_000),
    {
      description:
        'Deadline for one request. NetSuite itself allows 15 minutes; a shorter deadline turns a hung write into an unknown outcome the engine resolves by reading.',
      default: '30000 (30 s)',
      example: '30000',
    },
  ),
  concurrencyLimit: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive whole number of concurrent requests' })
      .optional(),
    {
      description:
        "Cap on this hub's concurrent requests, below the account limit that all integrations share (REST, SOAP and RESTlets).",
      default: "the account's unallocated limit from governanceLimits",
      example: '4',
    },
  ),
  deliveriesPerSecond: documented(
    z
      .number()
      .positive({ error: 'expected a positive number of deliveries per second, e.g. 20' })
      .max(10_000, { error: 'expected at most 10000 deliveries per second' })
      .optional(),
    {
      description:
        "Cap on this hub's deliveries per second to the account, shared by every flow; a delivery is one write plus the reads it needs (an existence check, a read-before-retry). NetSuite governs by concurrency, not rate: set this to leave headroom for the account's other integrations, and a backlog released at once (after an outage) leaves at this pace.",
      default: 'none (only the concurrency limit applies)',
      example: '20',
    },
  ),
}

/** How the connection authenticates; exactly one of the two is configured. */
export type NetSuiteAuthConfig =
  | { readonly method: 'oauth2'; readonly clientId: string; readonly clientSecret: Secret }
  | {
      readonly method: 'tba'
      readonly consumerKey: string
      readonly consumerSecret: Secret
      readonly tokenId: string
      readonly tokenSecret: Secret
    }

const OAUTH2_FIELDS = ['clientId', 'clientSecret'] as const
const TBA_FIELDS = ['consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'] as const
const OAUTH2_TEXT = 'clientId and clientSecret (OAuth 2.0 client credentials)'
const TBA_TEXT =
  'consumerKey, consumerSecret, tokenId and tokenSecret (token-based authentication, OAuth 1.0a)'

/** Names the fields to add or remove so that exactly one way to authenticate is configured. */
function checkAuthFields(input: unknown, ctx: z.RefinementCtx): void {
  if (typeof input !== 'object' || input === null) return
  const config = input as Record<string, unknown>
  const given = (names: readonly string[]) => names.filter((n) => config[n] !== undefined)
  const oauth2 = given(OAUTH2_FIELDS)
  const tba = given(TBA_FIELDS)
  if (oauth2.length === 0 && tba.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `configure one way to authenticate: ${OAUTH2_TEXT}, or ${TBA_TEXT}`,
    })
    return
  }
  if (oauth2.length > 0 && tba.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [tba[0] ?? 'consumerKey'],
      message: `give either ${OAUTH2_TEXT} or ${TBA_TEXT}, not both: remove one of the two sets`,
    })
    return
  }
  const [fields, text] = oauth2.length > 0 ? [OAUTH2_FIELDS, OAUTH2_TEXT] : [TBA_FIELDS, TBA_TEXT]
  for (const missing of fields.filter((n) => config[n] === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: `${missing} is missing: give ${text}`,
    })
  }
}

const fields = z.strictObject(shape)

function authOf(config: z.output<typeof fields>): NetSuiteAuthConfig {
  const { clientId, clientSecret, consumerKey, consumerSecret, tokenId, tokenSecret } = config
  if (clientId !== undefined && clientSecret !== undefined) {
    return { method: 'oauth2', clientId, clientSecret }
  }
  if (consumerKey && consumerSecret && tokenId && tokenSecret) {
    return { method: 'tba', consumerKey, consumerSecret, tokenId, tokenSecret }
  }
  // checkAuthFields has refused such a config before the transform runs.
  throw new Error('NetSuite config has no complete authentication method')
}

export const NetSuiteConnectionSpec = fields
  // Runs even when other fields failed, so one parse names every field to fix.
  .superRefine((config, ctx) => checkAuthFields(config, ctx), { when: () => true })
  .transform((config) => ({
    ...config,
    baseUrl: (config.baseUrl ?? defaultBaseUrl(config.accountId)).replace(/\/+$/, ''),
    auth: authOf(config),
  }))

export type NetSuiteConnectionConfig = z.output<typeof NetSuiteConnectionSpec>
export type NetSuiteConnectionInput = z.input<typeof NetSuiteConnectionSpec>

/** Validates a config; throws HubError.validation naming each field to fix. */
export function parseNetSuiteConnectionConfig(input: unknown): NetSuiteConnectionConfig {
  return parseConnectorConfig('NetSuite', NetSuiteConnectionSpec, input)
}

/** Field reference for a generated docs page. */
export function netSuiteConfigFields(): ConfigFieldReference[] {
  return describeConfigFields(shape)
}

/** NetSuite's account-specific domain: `1234567_SB1` → `1234567-sb1.suitetalk.api.netsuite.com`. */
function defaultBaseUrl(accountId: string): string {
  return `https://${accountId.toLowerCase().replace(/_/g, '-')}.suitetalk.api.netsuite.com`
}
