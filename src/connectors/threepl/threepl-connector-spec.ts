/** @module connectors/threepl/threepl-connector-spec — the 3PL connector described as data: config, operations, limits, error table, fault rows. */
import { defineConnectorSpec } from '../connector-contract.ts'
import type { ConnectorErrorMapping } from '../connector-contract.ts'
import { classifyThreePlFailure, THREEPL_ERROR_TABLE } from './threepl-error-classifier.ts'
import { parseThreePlConnectionConfig, threePlConfigFields } from './threepl-spec.ts'
import type { ThreePlConnectionConfig } from './threepl-spec.ts'

// The docs and the classifier share one table: each row's example is classified by the real code.
const errors: ConnectorErrorMapping[] = THREEPL_ERROR_TABLE.map((row) => ({
  id: row.id,
  when: row.when,
  type: row.type,
  example: () => classifyThreePlFailure(row.example, 0),
}))

const WEBHOOK_IDEMPOTENCY =
  'dedupe by `webhook-id` (the same on every retry and every endpoint of an event); the canonical version is the event `sequence` (stock) or the order version (shipment), so a late retry of an older event cannot overwrite newer state'

export const threeplConnectorSpec = defineConnectorSpec<ThreePlConnectionConfig>({
  name: 'threepl',
  title: '3PL warehouse (WMS API + Standard Webhooks)',
  summary:
    "Sends orders to a third-party warehouse as fulfillment orders and takes back what it ships and what its stock does. Creates are repeat-safe twice over: an `Idempotency-Key` replays the first answer, and the order's external reference is unique per account, so a create after an unknown outcome finds the order it already made. Shipments and stock changes arrive as Standard Webhooks, verified (HMAC-SHA256, timestamp tolerance, secret rotation), deduplicated by `webhook-id` and ordered by `sequence`; missed events are caught up from the paged inventory snapshot and the order read by business key. One governor per account keeps the hub inside the WMS's token bucket and concurrency cap.",
  vendorDocs: [
    'https://www.standardwebhooks.com',
    'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
    'https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/',
  ],
  parseConfig: parseThreePlConnectionConfig,
  configFields: threePlConfigFields,
  exampleConfig: {
    baseUrl: 'https://api.wms.example.com',
    apiKey: 'from-your-secret-store',
    webhookSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    warehouseId: 'WH-EAST',
    concurrencyLimit: 4,
    requestsPerSecond: 10,
    requestBurst: 50,
  },
  operations: [
    {
      name: 'fulfillmentOrder.create',
      direction: 'outbound',
      description:
        'Asks the warehouse to ship an order: ship-to address and one line per SKU, under the merchant order id as external reference (`SHOPIFY-O-<id>`).',
      endpoint: 'POST /v1/fulfillment_orders',
      idempotency:
        '`Idempotency-Key` (the engine’s key) replays the first 201; the external reference is unique per account, so a create that meets an existing order gets 409 `duplicate_external_reference` with `existing_id`, returned as the order',
      inDoubtRead: 'GET /v1/fulfillment_orders?external_reference={reference}',
    },
    {
      name: 'fulfillmentOrder.get',
      direction: 'read',
      description:
        'Reads a fulfillment order by external reference (or WMS id; 404 `resource_missing` is “absent”), with its status and, once shipped, its shipment.',
      endpoint:
        'GET /v1/fulfillment_orders?external_reference={reference} · GET /v1/fulfillment_orders/{id}',
      idempotency: 'a read',
    },
    {
      name: 'fulfillmentOrder.cancel',
      direction: 'outbound',
      description:
        'Cancels an order the warehouse has not shipped yet, releasing its stock; found by external reference first.',
      endpoint:
        'GET /v1/fulfillment_orders?external_reference={reference}, then POST /v1/fulfillment_orders/{id}/cancel',
      idempotency:
        'a second cancel answers 200 and changes nothing; a shipped order answers 409 `order_already_shipped`',
      inDoubtRead: 'GET /v1/fulfillment_orders/{id} (status `cancelled`)',
    },
    {
      name: 'inventory.snapshot',
      direction: 'read',
      description:
        'Reads on hand, allocated and available per SKU and warehouse, every page, with the event sequence the numbers include (`as_of_sequence`).',
      endpoint: 'GET /v1/inventory?warehouse={warehouseId}&limit=200&cursor={next_cursor}',
      idempotency: 'a read',
    },
    {
      name: 'shipment.confirmed',
      direction: 'inbound',
      description:
        'Webhook: an order left the warehouse, with carrier, tracking number and lines; mapped to a canonical Shipment.',
      endpoint: 'POST /webhooks/threepl/{connection} (Standard Webhooks)',
      idempotency: WEBHOOK_IDEMPOTENCY,
    },
    {
      name: 'inventory.adjusted',
      direction: 'inbound',
      description:
        'Webhook: on-hand stock of one SKU in one warehouse changed (shipment, cycle count, damage, receipt, correction); mapped to a canonical InventoryLevel.',
      endpoint: 'POST /webhooks/threepl/{connection} (Standard Webhooks)',
      idempotency: WEBHOOK_IDEMPOTENCY,
    },
  ],
  limits: [
    {
      name: 'Request rate',
      limit:
        'a token bucket per account, shared by every integration: 50 requests burst, refilled at 10 per second; an empty bucket answers 429 `rate_limited` with `Retry-After` (whole seconds) and `X-RateLimit-*` on every answer',
      governedBy:
        'one rate governor per account (`threepl:<host>`) at `requestsPerSecond` with `requestBurst`; a 429 is `throttled` and waits its Retry-After without burning an attempt',
    },
    {
      name: 'Concurrent requests',
      limit:
        'an optional cap per account; beyond it 429 `concurrency_limit_exceeded`, without Retry-After',
      governedBy:
        'one concurrency governor per account at `concurrencyLimit` (default 4), measured at the simulator never exceeded',
    },
    {
      name: 'Idempotency keys',
      limit:
        'kept 24 h; the same key with another body is 422 `idempotency_key_reused`, while the first request runs 409 `idempotency_key_in_use`',
      governedBy:
        'the engine’s key is stable per delivery; past 24 h the unique external reference still prevents a second order',
    },
    {
      name: 'Page size',
      limit: 'orders 1–100 per page (default 25), inventory 1–200 (default 50); opaque cursors',
      governedBy: 'the snapshot reads 200 per page and follows `next_cursor` to the end',
    },
    {
      name: 'Webhook delivery',
      limit:
        'retried on 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h; a 15 s response timeout; an endpoint failing for 5 days, or answering 410, is disabled',
      governedBy:
        'the hub verifies and stores a delivery in its inbox before answering; events missed while disabled are caught up by the inventory snapshot and the order read',
    },
    {
      name: 'Request duration',
      limit: 'no documented maximum',
      governedBy:
        '`requestTimeoutMs` (default 15 s): a hung write becomes an unknown outcome resolved by the read by external reference',
    },
  ],
  errors,
  faultRows: [
    {
      row: 1,
      fault:
        'the same message (same `webhook-id` and bytes) delivered twice: a duplicate send, a late 2xx after the 15 s timeout, a manual redelivery',
      handling:
        'every delivery verifies on its own (fresh timestamp and signature); the receiver reports `webhook-id` as the message id, so the inbox keeps one',
    },
    {
      row: 5,
      fault:
        'a delivery signed with the wrong key; during a secret rotation the header carries one `v1,` signature per valid secret',
      handling:
        'HMAC-SHA256 over `id.timestamp.body` in constant time against every configured `whsec_` secret and every signature; refused with 401 (`auth`), so the WMS retries freshly signed; a timestamp more than 5 min off is refused too',
    },
    {
      row: 6,
      fault: '429 `rate_limited` with `Retry-After` once the account bucket is empty',
      handling:
        '`throttled` with Retry-After, nothing written; the account’s rate governor paces the hub under the bucket',
    },
    {
      row: 7,
      fault: '429 `concurrency_limit_exceeded` past the account’s in-flight cap',
      handling:
        'the concurrency governor keeps the hub under it (none refused at the simulator); a refusal is `throttled` for 1 s',
    },
    {
      row: 9,
      fault:
        '201 with the order and `Location`; 409 `duplicate_external_reference` with `existing_id` for a used merchant order id',
      handling: 'the id is read from the body; on the 409 the existing order’s id is the result',
    },
    {
      row: 10,
      fault: 'replays of a create after a crash or an unknown outcome',
      handling:
        '`Idempotency-Key` replays the first 201; without it (expired, or ignored) the unique external reference returns the existing order; one order per reference in the ledger',
    },
    {
      row: 12,
      fault:
        'the warehouse ships on its own clock; a cancel that meets a shipped order is 409 `order_already_shipped`',
      handling:
        '`validation`: dead-lettered at once, because only a return can undo it; a cancel before shipping is repeat-safe',
    },
    {
      row: 14,
      fault:
        '422 `validation_failed` listing every invalid field (`lines[0].sku` `unknown_sku`, `ship_to.country_code`)',
      handling:
        '`validation` with the first field’s code and path, every field in the message; a missing ship-to field is refused before sending',
    },
    {
      row: 15,
      fault:
        'webhooks missed while the endpoint failed or was disabled (after 410 or 5 days of failures)',
      handling:
        'reconciliation: the paged inventory snapshot (stamped `as_of_sequence`) and the order read by external reference recover stock levels and shipments',
    },
    {
      row: 16,
      fault: 'the create commits, then the connection drops or times out before the answer',
      handling:
        '`unknown_outcome`; the read by external reference finds the order, and the retry with the same key replays it: nothing duplicated',
    },
    {
      row: 18,
      fault: 'outage: 502 / 503 / 504 HTML pages from the load balancer, 500 `api_error`',
      handling:
        '`retryable` with backoff (the create is keyed, so repeating is harmless); the circuit opens and the backlog drains at the governed rate',
    },
  ],
  governance: (config) => ({
    target: `threepl:${new URL(config.baseUrl).host}`,
    concurrency: config.concurrencyLimit,
    rate: { perSecond: config.requestsPerSecond, burst: config.requestBurst },
  }),
})
