/** @module connectors/shopify/shopify-connector-spec — the Shopify connector described as data: config, operations, limits, error table, fault rows, governance. */
import { defineConnectorSpec } from '../connector-contract.ts'
import type { ConnectorErrorMapping } from '../connector-contract.ts'
import { SHOPIFY_ERROR_TABLE } from './shopify-error-table.ts'
import { parseShopifyConnectionConfig, shopifyConfigFields } from './shopify-spec.ts'
import type { ShopifyConnectionConfig } from './shopify-spec.ts'

/** REST Admin API on a standard plan: a bucket of 40 requests per app and shop, leaking 2/s. */
export const SHOPIFY_REST_BUCKET_SIZE = 40
export const SHOPIFY_REST_LEAK_PER_SECOND = 2
/** GraphQL Admin API on a standard plan (current docs): 2,000 points, restoring 100/s. */
export const SHOPIFY_GRAPHQL_BUCKET_POINTS = 2000
export const SHOPIFY_GRAPHQL_RESTORE_PER_SECOND = 100
/**
 * The most REST requests one governed call makes: a fulfillment write reads the order's
 * fulfillments and fulfillment orders, then posts. The governor meters calls, so it charges each
 * call this much of the bucket.
 */
export const SHOPIFY_REQUESTS_PER_CALL = 3
/** Calls in flight per shop. Shopify has no concurrency cap; this keeps the bucket's drain steady. */
export const SHOPIFY_DEFAULT_CONCURRENCY = 4

const errors: ConnectorErrorMapping[] = SHOPIFY_ERROR_TABLE.map((row) => ({
  id: row.id,
  when: row.when,
  type: row.type,
  example: () => row.example(),
}))

export const shopifyConnectorSpec = defineConnectorSpec<ShopifyConnectionConfig>({
  name: 'shopify',
  title: 'Shopify (Admin API and webhooks)',
  summary:
    "Receives a shop's order and customer webhooks (HMAC-verified over the raw bytes, with a secret-rotation window, deduplicated by event id), reads orders through the Admin REST API for reconciliation, records shipments as fulfillments and sets stock levels. Shopify has no idempotency key for writes: a fulfillment is recognised by its tracking number before one is created, and stock is set to an absolute number, so a repeat after an unknown outcome changes nothing. The REST leaky bucket is governed per shop; GraphQL calls watch their query cost.",
  vendorDocs: [
    'https://shopify.dev/docs/api/admin-rest',
    'https://shopify.dev/docs/api/admin-graphql',
    'https://shopify.dev/docs/apps/build/webhooks',
    'https://shopify.dev/docs/api/usage/limits',
  ],
  parseConfig: parseShopifyConnectionConfig,
  configFields: shopifyConfigFields,
  exampleConfig: {
    shopDomain: 'acme.myshopify.com',
    apiVersion: '2026-01',
    accessToken: 'from-your-secret-store',
    webhookSecrets: [
      { secret: 'from-your-secret-store' },
      { secret: 'from-your-secret-store-rotated', activeFrom: '2026-03-01T12:00:00Z' },
    ],
  },
  operations: [
    {
      name: 'order.webhook',
      direction: 'inbound',
      description:
        '`orders/create`, `orders/updated` (and `customers/*`) webhooks: the HMAC over the raw body is checked before parsing, the `X-Shopify-*` headers are read, the order maps to a canonical Order with its int64 ids as strings.',
      endpoint:
        'POST /webhooks/shopify/{connection} (X-Shopify-Hmac-Sha256, X-Shopify-Webhook-Id, X-Shopify-Event-Id)',
      idempotency:
        'the inbox keys each delivery on `X-Shopify-Event-Id` and topic (retries and duplicate subscriptions collapse; `X-Shopify-Webhook-Id` when there is no event id); `updated_at` is the source version, so a stale retry never overwrites newer state',
    },
    {
      name: 'fulfillment.create',
      direction: 'outbound',
      description:
        "Records a shipment on the order: the lines shipped (all that is left when none are named) from its open fulfillment orders, with the carrier's tracking numbers.",
      endpoint:
        'GET /admin/api/{version}/orders/{id}/fulfillments.json, GET …/orders/{id}/fulfillment_orders.json, then POST /admin/api/{version}/fulfillments.json',
      idempotency:
        "Shopify has no idempotency key and deduplicates nothing: the write first looks for the order's fulfillment carrying its tracking number (the hub's key when the carrier gave none) and creates only if there is none; a 422 (nothing left to fulfil) is answered by the same read",
      inDoubtRead:
        'GET /admin/api/{version}/orders/{id}/fulfillments.json, matching the tracking number',
    },
    {
      name: 'inventoryLevel.set',
      direction: 'outbound',
      description:
        'Sets the available quantity of a SKU at a location: GraphQL `inventorySetQuantities` (the SKU resolved through `inventoryItems`), or REST `inventory_levels/set.json` by inventory item id.',
      endpoint:
        'POST /admin/api/{version}/graphql.json (inventoryItems, inventorySetQuantities) or POST /admin/api/{version}/inventory_levels/set.json',
      idempotency:
        'an absolute set, never an adjustment: a repeat leaves the same number (Shopify answers no adjustment group); with `compareQuantity` a stock that moved meanwhile is `conflict`',
      inDoubtRead:
        'GET /admin/api/{version}/inventory_levels.json?inventory_item_ids={item}&location_ids={location}',
    },
    {
      name: 'order.get',
      direction: 'read',
      description: 'Reads one order by id (a 404 is "no such order").',
      endpoint: 'GET /admin/api/{version}/orders/{id}.json',
      idempotency: 'a read',
    },
    {
      name: 'orders.list',
      direction: 'read',
      description:
        'Reconciliation: orders changed since an instant, every status, paged through the `Link` header cursor.',
      endpoint:
        'GET /admin/api/{version}/orders.json?status=any&updated_at_min={instant}&limit=250',
      idempotency: 'a read',
    },
    {
      name: 'graphql.query',
      direction: 'read',
      description:
        'A GraphQL Admin query (an order with its fulfillment orders, inventory items and levels) priced by Shopify; the answer’s `extensions.cost` is kept.',
      endpoint: 'POST /admin/api/{version}/graphql.json',
      idempotency: 'a read',
    },
    {
      name: 'webhooks.list',
      direction: 'read',
      description:
        'The Admin API subscriptions, to notice one Shopify deleted after consecutive failed deliveries (and create it again).',
      endpoint: 'GET /admin/api/{version}/webhooks.json',
      idempotency: 'a read',
    },
  ],
  limits: [
    {
      name: 'REST Admin API request rate',
      limit:
        'a leaky bucket per app and shop: 40 requests, leaking 2/s on standard plans (4/s Advanced, 20/s Plus); when full, 429 with `Retry-After`; the fill is in `X-Shopify-Shop-Api-Call-Limit`',
      governedBy:
        'one rate governor per shop (`shopify:<shop domain>`): a call makes up to 3 requests, so 2/3 calls per second with a burst of 13 (40 ÷ 3); a 429 waits its `Retry-After`',
    },
    {
      name: 'GraphQL Admin API query cost',
      limit:
        'a bucket of 2,000 points restoring 100/s on standard plans (older docs: 1,000 and 50/s; 200 / 1,000 / 2,000 per s on Advanced / Plus / Enterprise); one query at most 1,000 points; `THROTTLED` with HTTP 200 when short',
      governedBy:
        'the GraphQL client keeps the `throttleStatus` of the latest answer and does not send a call whose expected cost the restored bucket cannot cover; `THROTTLED` waits (requested − available) ÷ restoreRate',
    },
    {
      name: 'Concurrent requests',
      limit: 'no documented cap; the buckets govern',
      governedBy: '4 calls in flight per shop, so a backlog drains the bucket evenly',
    },
    {
      name: 'Webhook delivery',
      limit:
        '5 s to answer; 8 retries over 4 hours with the original payload; an Admin API subscription is deleted after 8 consecutive failed deliveries',
      governedBy:
        'the gateway answers after storing the delivery; `webhooks.list` shows a deleted subscription; `orders.list` with `updated_at_min` refills what was missed',
    },
    {
      name: 'API versions',
      limit:
        'quarterly `YYYY-MM` versions, each supported ≥ 12 months; a request for an unsupported version is served by the oldest supported one',
      governedBy:
        'the version actually served (`X-Shopify-API-Version`) is kept as `lastServedApiVersion`; a difference from `apiVersion` is schema drift to act on',
    },
  ],
  errors,
  faultRows: [
    {
      row: 1,
      fault: 'the same delivery again (same `X-Shopify-Webhook-Id`), e.g. after a late 200',
      handling: 'the inbox key is the event id and topic, the same for every retry: stored once',
    },
    {
      row: 2,
      fault:
        'one merchant action delivered to two subscriptions: same `X-Shopify-Event-Id`, two webhook ids',
      handling: 'keyed on the event id, both deliveries are one business event',
    },
    {
      row: 3,
      fault: 'retries carry the original payload, deliveries arrive out of order or a day late',
      handling:
        '`updated_at` becomes the canonical source version, so an older payload never overwrites a newer one; deliveries older than `staleAfterMs` are flagged stale',
    },
    {
      row: 5,
      fault:
        'a body or signature that does not match; the old secret still signing for up to 1 h after a rotation',
      handling:
        'HMAC-SHA256 over the raw bytes with a timing-safe compare before parsing; old and new secrets both accepted within `rotationWindowMs`; a mismatch is `auth` and nothing is stored',
    },
    {
      row: 6,
      fault:
        'REST 429 with `Retry-After` from the leaky bucket; GraphQL `THROTTLED` with `extensions.cost`',
      handling:
        '`throttled` with the wait (Retry-After, or the GraphQL deficit ÷ restoreRate) without burning an attempt; a per-shop rate governor keeps the hub under the bucket',
    },
    {
      row: 10,
      fault: 'a fulfillment replayed after a crash: Shopify has no idempotency key',
      handling:
        'read before create: the fulfillment with the tracking number is found and returned, nothing is posted again',
    },
    {
      row: 11,
      fault:
        'non-idempotent writes: a second identical fulfillment POST ships again or is refused 422; an inventory adjustment applies twice',
      handling:
        'fulfillments are recognised by tracking number before any POST, and a 422 goes back to that read; stock is only ever set, never adjusted',
    },
    {
      row: 14,
      fault: '422 `{"errors": …}` (e.g. an over-fulfilment, a bad field) or GraphQL `userErrors`',
      handling: '`validation` naming the first field: dead-lettered at once for a human to fix',
    },
    {
      row: 15,
      fault:
        'webhooks missed while the hub was down; the subscription deleted after 8 consecutive failures',
      handling:
        '`webhooks.list` shows the subscription gone so it can be created again; `orders.list` with `updated_at_min` and `status=any` reads everything changed meanwhile',
    },
    {
      row: 16,
      fault: 'the fulfillment POST is committed, then the connection drops',
      handling:
        '`unknown_outcome`: the in-doubt read finds the fulfillment by tracking number, and the retried write returns it instead of posting',
    },
    {
      row: 17,
      fault: 'the configured API version was removed and the request fell forward to another',
      handling: '`lastServedApiVersion` reports the version Shopify served, for a drift alert',
    },
    {
      row: 18,
      fault: '5xx bursts and the edge’s HTML 502/503/504 pages',
      handling:
        '`retryable` for reads and 503; a create answered 5xx is `unknown_outcome` and read before it is sent again',
    },
  ],
  governance: (config) => ({
    target: `shopify:${config.shopDomain}`,
    concurrency: SHOPIFY_DEFAULT_CONCURRENCY,
    rate: {
      perSecond: SHOPIFY_REST_LEAK_PER_SECOND / SHOPIFY_REQUESTS_PER_CALL,
      burst: Math.floor(SHOPIFY_REST_BUCKET_SIZE / SHOPIFY_REQUESTS_PER_CALL),
    },
  }),
})
