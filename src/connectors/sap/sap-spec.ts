/** @module connectors/sap/sap-spec — the SAP S/4HANA Cloud connection config as data: schema, defaults and field docs. */
import { z } from 'zod'
import {
  describeConfigFields,
  documented,
  parseConnectorConfig,
  secretField,
} from '../config-spec.ts'
import type { ConfigFieldReference } from '../config-spec.ts'

/** Sales-area and document-type codes are short upper-case keys in SD customizing. */
const code = (length: number, what: string) =>
  z
    .string({ error: `expected the ${what} as a string` })
    .regex(new RegExp(`^[A-Z0-9]{1,${length}}$`), {
      error: `expected the ${what}: 1–${length} upper-case letters or digits`,
    })

const shape = {
  baseUrl: documented(
    z.url({
      protocol: /^https?$/,
      error: 'expected an absolute http(s) URL, e.g. "https://my300000-api.s4hana.cloud.sap"',
    }),
    {
      description:
        'API host of the S/4HANA Cloud tenant (the `-api` host of the communication system), without `/sap/opu/odata`. Point it at the simulator in tests.',
      example: 'https://my300000-api.s4hana.cloud.sap',
    },
  ),
  sapClient: documented(
    z
      .string()
      .regex(/^\d{3}$/, { error: 'expected a three-digit SAP client, e.g. "100"' })
      .optional(),
    {
      description:
        'Sent as `sap-client` on every request. S/4HANA Cloud has one client per tenant and needs none; on-premise systems usually do.',
      default: "none (the system's default client)",
      example: '100',
    },
  ),
  username: documented(
    z
      .string({ error: 'expected the communication user as a string' })
      .min(1, { error: 'username is empty' }),
    {
      description:
        'Communication user of the communication arrangement (scenarios SAP_COM_0109 sales order integration and SAP_COM_0008 business partner); HTTP Basic.',
      example: 'SYNCLINE_INT',
    },
  ),
  password: secretField({
    description:
      "The communication user's password; sent only on the logon request that opens the security session and fetches the CSRF token.",
    example: 'S3cret…',
  }),
  salesOrderType: documented(code(4, 'sales document type').default('OR'), {
    description: 'Sales document type of the orders the hub creates (`SalesOrderType`).',
    default: 'OR (standard order)',
    example: 'OR',
  }),
  salesOrganization: documented(code(4, 'sales organization').default('1710'), {
    description:
      'Sales organization of the sales area the orders are created in. The default is the SAP best-practice demo company; set your own.',
    default: '1710',
    example: '1710',
  }),
  distributionChannel: documented(code(2, 'distribution channel').default('10'), {
    description: 'Distribution channel of the sales area.',
    default: '10',
    example: '10',
  }),
  organizationDivision: documented(code(2, 'division').default('00'), {
    description: 'Division of the sales area (`OrganizationDivision`).',
    default: '00',
    example: '00',
  }),
  customerRoles: documented(
    z
      .array(code(6, 'business partner role'))
      .min(1, { error: 'expected at least one business partner role, e.g. ["FLCU01"]' })
      .default(['FLCU00', 'FLCU01']),
    {
      description:
        'Roles a new business partner is created with; `FLCU01` (customer, sales) makes it a sold-to party in the sales area.',
      default: '["FLCU00", "FLCU01"]',
      example: '["FLCU00", "FLCU01"]',
    },
  ),
  businessPartnerGrouping: documented(code(4, 'business partner grouping').optional(), {
    description:
      'Grouping of new business partners (`BusinessPartnerGrouping`); it picks their number range.',
    default: "the system's default grouping",
    example: 'BP02',
  }),
  requestTimeoutMs: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive number of milliseconds' })
      .default(30_000),
    {
      description:
        'Deadline for one request. A write that misses it is an unknown outcome, which the hub resolves by querying the business key before anything is sent again.',
      default: '30000 (30 s)',
      example: '30000',
    },
  ),
  concurrencyLimit: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive whole number of concurrent requests' })
      .max(1_000, { error: 'expected at most 1000 concurrent requests' })
      .default(8),
    {
      description:
        "Calls in flight at once to this system, shared by every flow. SAP documents no limit; every call occupies a work process the tenant's users share.",
      default: '8',
      example: '4',
    },
  ),
  requestsPerSecond: documented(
    z
      .number()
      .positive({ error: 'expected a positive number of calls per second, e.g. 10' })
      .max(10_000, { error: 'expected at most 10000 calls per second' })
      .optional(),
    {
      description:
        "Cap on the hub's governed calls per second to this system, shared by every flow; one call is a delivery (a write with the query that guards it). Leaves headroom for the tenant's users, and paces a backlog released after an outage.",
      default: 'none (only the concurrency limit applies)',
      example: '10',
    },
  ),
}

export const SapConnectionSpec = z.strictObject(shape).transform((config) => ({
  ...config,
  baseUrl: config.baseUrl.replace(/\/+$/, ''),
}))

export type SapConnectionConfig = z.output<typeof SapConnectionSpec>
export type SapConnectionInput = z.input<typeof SapConnectionSpec>

/** Validates a config; throws HubError.validation naming each field to fix. */
export function parseSapConnectionConfig(input: unknown): SapConnectionConfig {
  return parseConnectorConfig('SAP', SapConnectionSpec, input)
}

/** Field reference for a generated docs page. */
export function sapConfigFields(): ConfigFieldReference[] {
  return describeConfigFields(shape)
}

/** `sap:<host>`: one governor per system, whichever flow calls it. */
export function sapGovernanceTarget(config: SapConnectionConfig): string {
  return `sap:${new URL(config.baseUrl).host}`
}
