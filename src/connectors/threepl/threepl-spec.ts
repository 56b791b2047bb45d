/** @module connectors/threepl/threepl-spec — the 3PL (warehouse) connection config as data: schema, defaults and field docs. */
import { z } from 'zod'
import { Secret } from '../../secrets/secret-value.ts'
import {
  describeConfigFields,
  documented,
  parseConnectorConfig,
  secretField,
} from '../config-spec.ts'
import type { ConfigFieldReference } from '../config-spec.ts'

/** Standard Webhooks: a receiver accepts a `webhook-timestamp` at most 5 minutes off its clock. */
export const WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000
/** Deliveries are retried for about three days; older ones are flagged, not refused. */
export const DEFAULT_STALE_AFTER_MS = 24 * 60 * 60 * 1000
/** A generic WMS account: a bucket of 50 requests refilled at 10 per second. */
export const DEFAULT_REQUESTS_PER_SECOND = 10
export const DEFAULT_REQUEST_BURST = 50
export const DEFAULT_CONCURRENCY = 4

const WHSEC_PREFIX = 'whsec_'
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * The HMAC key of a Standard Webhooks secret (`whsec_<base64 of 24–64 bytes>`), or null. Strict
 * base64, as the spec's reference libraries decode it: a secret Node's lenient decoder accepts
 * but the sender's refuses would fail every delivery.
 */
export function webhookSecretKey(secret: string): Buffer | null {
  if (!secret.startsWith(WHSEC_PREFIX)) return null
  const encoded = secret.slice(WHSEC_PREFIX.length)
  if (!STRICT_BASE64.test(encoded)) return null
  const key = Buffer.from(encoded, 'base64')
  return key.length >= 24 && key.length <= 64 ? key : null
}

// The message never echoes the value: a secret must not land in a log line, even a wrong one.
const webhookSecret = z
  .custom<Secret | string>(
    (value) =>
      (value instanceof Secret || typeof value === 'string') &&
      webhookSecretKey(value instanceof Secret ? value.reveal() : value) !== null,
    {
      error:
        'expected a Standard Webhooks signing secret: "whsec_" followed by 24–64 bytes in padded base64, as the warehouse shows it for the endpoint',
    },
  )
  .transform((value) => (value instanceof Secret ? value : new Secret(value)))

const positiveMs = z.int().positive({ error: 'expected a positive number of milliseconds' })

const shape = {
  baseUrl: documented(
    z.url({
      protocol: /^https?$/,
      error: 'expected the API base URL without "/v1", e.g. "https://api.wms.example.com"',
    }),
    {
      description:
        "The warehouse API's base URL, without `/v1`. Point it at the simulator in tests.",
      example: 'https://api.wms.example.com',
    },
  ),
  apiKey: secretField({
    description:
      'The account API key, sent as `Authorization: Bearer <key>`. It does not expire; the warehouse revokes it when rotated.',
    example: 'tpl_live_…',
  }),
  webhookSecrets: documented(
    z.array(webhookSecret).min(1, {
      error: 'list the webhook endpoint\'s signing secret: ["whsec_…"] (two during a rotation)',
    }),
    {
      description:
        "The webhook endpoint's signing secrets (`whsec_…`). During a rotation list the new one and the old one: a delivery verifies with either until the old one is removed.",
      example: '["whsec_…"]',
      secret: true,
    },
  ),
  warehouseId: documented(
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
        error: 'expected a warehouse id as the WMS names it, e.g. "WH-EAST"',
      })
      .optional(),
    {
      description:
        'The warehouse whose stock this connection reads and reconciles. The WMS picks the warehouse for each order itself.',
      default: 'every warehouse of the account',
      example: 'WH-EAST',
    },
  ),
  requestTimeoutMs: documented(positiveMs.default(15_000), {
    description:
      'Deadline for one request. A write that runs past it is an unknown outcome, resolved by reading the order by its external reference.',
    default: '15000 (15 s)',
    example: '15000',
  }),
  concurrencyLimit: documented(
    z
      .int()
      .positive({ error: 'expected a positive whole number of concurrent requests' })
      .default(DEFAULT_CONCURRENCY),
    {
      description:
        "Cap on this hub's requests in flight to the account. A WMS may cap concurrent requests per account (answered 429 `concurrency_limit_exceeded`); stay below it.",
      default: String(DEFAULT_CONCURRENCY),
      example: '4',
    },
  ),
  requestsPerSecond: documented(
    z
      .number()
      .positive({ error: 'expected a positive number of requests per second, e.g. 10' })
      .max(1000, { error: 'expected at most 1000 requests per second' })
      .default(DEFAULT_REQUESTS_PER_SECOND),
    {
      description:
        "Sustained rate of this hub's requests to the account. The WMS refills its per-account token bucket at this rate and answers 429 with Retry-After once it is empty.",
      default: `${DEFAULT_REQUESTS_PER_SECOND} (the account bucket's refill rate)`,
      example: '10',
    },
  ),
  requestBurst: documented(
    z
      .int()
      .positive({ error: 'expected a positive whole number of requests' })
      .default(DEFAULT_REQUEST_BURST),
    {
      description:
        'Requests that may go back to back after a quiet spell: the size of the account bucket, less what other integrations of the account use.',
      default: `${DEFAULT_REQUEST_BURST} (the account bucket's size)`,
      example: '50',
    },
  ),
  staleAfterMs: documented(positiveMs.default(DEFAULT_STALE_AFTER_MS), {
    description:
      'A webhook whose event happened longer ago than this is flagged stale: still processed, but ordered by its `sequence` so it cannot overwrite newer state.',
    default: '86400000 (24 hours)',
    example: '86400000',
  }),
}

export const ThreePlConnectionSpec = z.strictObject(shape).transform((config) => ({
  ...config,
  baseUrl: config.baseUrl.replace(/\/+$/, ''),
}))

export type ThreePlConnectionConfig = z.output<typeof ThreePlConnectionSpec>
export type ThreePlConnectionInput = z.input<typeof ThreePlConnectionSpec>

/** Validates a config; throws HubError.validation naming each field to fix. */
export function parseThreePlConnectionConfig(input: unknown): ThreePlConnectionConfig {
  return parseConnectorConfig('3PL', ThreePlConnectionSpec, input)
}

/** Field reference for a generated docs page. */
export function threePlConfigFields(): ConfigFieldReference[] {
  return describeConfigFields(shape)
}
