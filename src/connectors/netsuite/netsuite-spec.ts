/** @module connectors/netsuite/netsuite-spec — the NetSuite connection config as data: schema, defaults and field docs. */
import { z } from 'zod'
import {
  describeConfigFields,
  documented,
  parseConnectorConfig,
  secretField,
} from '../config-spec.ts'
import type { ConfigFieldReference } from '../config-spec.ts'

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
      .min(1, { error: 'clientId is empty' }),
    {
      description: 'Client id of the integration record (OAuth 2.0 client credentials flow).',
      example: '6f0c1a6e0b6d4e1f9a2c3b4d5e6f7a8b',
    },
  ),
  clientSecret: secretField({
    description: 'Client secret of the integration record, sent only to the token endpoint.',
    example: 'a1b2c3…',
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

export const NetSuiteConnectionSpec = z.strictObject(shape).transform((config) => ({
  ...config,
  baseUrl: (config.baseUrl ?? defaultBaseUrl(config.accountId)).replace(/\/+$/, ''),
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
