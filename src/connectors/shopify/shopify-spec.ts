/** @module connectors/shopify/shopify-spec — the Shopify connection config as data: schema, defaults and field docs. */
import { z } from 'zod'
import type { Secret } from '../../secrets/secret-value.ts'
import {
  describeConfigFields,
  documented,
  parseConnectorConfig,
  secretField,
} from '../config-spec.ts'
import type { ConfigFieldReference } from '../config-spec.ts'

const HOUR_MS = 60 * 60 * 1000

/** Shopify keeps signing with the previous secret for up to 1 h after a rotation (see external-apis §4.1). */
export const DEFAULT_ROTATION_WINDOW_MS = HOUR_MS
/** Deliveries can arrive up to a day late; older ones are flagged, not rejected. */
export const DEFAULT_STALE_AFTER_MS = 24 * HOUR_MS

const isoInstant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 instant with a zone, e.g. "2026-01-10T16:00:00Z"',
})

export const ShopifyWebhookSecretSpec = z.strictObject({
  secret: secretField({
    description: "The app's client secret that Shopify signs webhook bodies with (HMAC-SHA256).",
    example: 'shpss_0123456789abcdef',
  }),
  activeFrom: documented(isoInstant.optional(), {
    description:
      'When this secret became the signing secret. Omit only for the oldest secret. The previous secret stays accepted for `rotationWindowMs` after this instant.',
    example: '2026-03-01T12:00:00Z',
  }),
})
export type ShopifyWebhookSecret = z.output<typeof ShopifyWebhookSecretSpec>

const shape = {
  shopDomain: documented(
    z
      .string({ error: 'expected the shop domain as a string, e.g. "acme.myshopify.com"' })
      .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, {
        error:
          'expected "<shop>.myshopify.com" (lower case, no scheme or path), e.g. "acme.myshopify.com"',
      }),
    {
      description: "The shop's permanent myshopify.com domain; also the tenant key on webhooks.",
      example: 'acme.myshopify.com',
    },
  ),
  apiVersion: documented(
    z.string({ error: 'expected an API version string' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, {
      error: 'expected a stable Admin API version "YYYY-MM", e.g. "2026-01"',
    }),
    {
      description:
        'The Admin API version to call. Shopify falls forward from unsupported versions, so keep it current.',
      example: '2026-01',
    },
  ),
  adminBaseUrl: documented(
    z
      .url({
        protocol: /^https?$/,
        error: 'expected an absolute http(s) URL, e.g. "https://acme.myshopify.com"',
      })
      .optional(),
    {
      description:
        'Base URL of the Admin API, without `/admin/api/...`. Point it at a simulator in tests.',
      default: 'https://<shopDomain>',
      example: 'https://acme.myshopify.com',
    },
  ),
  accessToken: secretField({
    description: 'Admin API access token, sent as `X-Shopify-Access-Token`.',
    example: 'shpat_0123456789abcdef',
  }),
  webhookSecrets: documented(
    z.array(ShopifyWebhookSecretSpec).min(1, {
      error: 'list at least one webhook secret: [{ "secret": "..." }]',
    }),
    {
      description:
        'Webhook signing secrets, old and new. During a rotation add the new one with `activeFrom`; remove the old one after the rotation window.',
      example: '[{ "secret": "…" }, { "secret": "…", "activeFrom": "2026-03-01T12:00:00Z" }]',
    },
  ),
  rotationWindowMs: documented(
    z
      .number()
      .int()
      .min(0, { error: 'expected a non-negative number of milliseconds' })
      .default(DEFAULT_ROTATION_WINDOW_MS),
    {
      description:
        'How long a superseded webhook secret stays accepted after its successor became active.',
      default: '3600000 (1 hour)',
      example: '3600000',
    },
  ),
  staleAfterMs: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive number of milliseconds' })
      .default(DEFAULT_STALE_AFTER_MS),
    {
      description:
        'A webhook whose `X-Shopify-Triggered-At` is older than this is flagged stale (still processed, ordered by `updated_at`).',
      default: '86400000 (24 hours)',
      example: '86400000',
    },
  ),
  requestTimeoutMs: documented(
    z
      .number()
      .int()
      .positive({ error: 'expected a positive number of milliseconds' })
      .default(10_000),
    {
      description: 'Deadline for one Admin API request, connect to last body byte.',
      default: '10000 (10 s)',
      example: '10000',
    },
  ),
}

export const ShopifyConnectionSpec = z
  .strictObject(shape)
  .superRefine((config, ctx) => {
    const undated = config.webhookSecrets.filter((s) => s.activeFrom === undefined).length
    if (undated > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookSecrets'],
        message:
          'only the oldest webhook secret may omit "activeFrom"; give every newer secret the instant it became active',
      })
    }
    const instants = config.webhookSecrets.flatMap((s) =>
      s.activeFrom ? [Date.parse(s.activeFrom)] : [],
    )
    if (new Set(instants).size !== instants.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookSecrets'],
        message:
          'two webhook secrets have the same "activeFrom"; each rotation needs its own instant',
      })
    }
  })
  .transform((config) => ({
    ...config,
    adminBaseUrl: (config.adminBaseUrl ?? `https://${config.shopDomain}`).replace(/\/+$/, ''),
  }))

export type ShopifyConnectionConfig = z.output<typeof ShopifyConnectionSpec>
export type ShopifyConnectionInput = z.input<typeof ShopifyConnectionSpec>

/** Validates a config; throws HubError.validation naming each field to fix. */
export function parseShopifyConnectionConfig(input: unknown): ShopifyConnectionConfig {
  return parseConnectorConfig('Shopify', ShopifyConnectionSpec, input)
}

/** Field reference for a generated docs page. */
export function shopifyConfigFields(): ConfigFieldReference[] {
  return describeConfigFields(shape)
}

/**
 * The webhook secrets accepted at `now`: a secret is valid from its `activeFrom` (or always, if omitted)
 * until `rotationWindowMs` after the next newer secret became active. Not-yet-active secrets are not
 * accepted, because Shopify only signs with a secret once it has been rotated in.
 */
export function validWebhookSecrets(
  secrets: readonly ShopifyWebhookSecret[],
  now: number,
  rotationWindowMs: number,
): { index: number; secret: Secret }[] {
  const ordered = secrets
    .map((entry, index) => ({
      index,
      secret: entry.secret,
      from:
        entry.activeFrom === undefined ? Number.NEGATIVE_INFINITY : Date.parse(entry.activeFrom),
    }))
    .sort((a, b) => a.from - b.from)
  return ordered
    .filter((entry, i) => {
      const successor = ordered[i + 1]
      const stillAccepted = successor === undefined || now < successor.from + rotationWindowMs
      return entry.from <= now && stillAccepted
    })
    .map(({ index, secret }) => ({ index, secret }))
}
