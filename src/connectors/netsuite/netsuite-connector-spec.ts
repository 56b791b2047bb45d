/** @module connectors/netsuite/netsuite-connector-spec — the NetSuite connector described as data: config, operations, limits, error table, fault rows. */
import { defineConnectorSpec } from '../connector-contract.ts'
import type { ConnectorErrorMapping } from '../connector-contract.ts'
import { classifyNetSuiteFailure, NETSUITE_ERROR_TABLE } from './netsuite-error-classifier.ts'
import {
  netSuiteConfigFields,
  parseNetSuiteConnectionConfig,
  type NetSuiteConnectionConfig,
} from './netsuite-spec.ts'

/**
 * The account limit of a developer / Standard account without SuiteCloud Plus licences. The hub
 * reads the real one from `governanceLimits` at start and uses the lower of that and
 * `concurrencyLimit`; this default applies only until then.
 */
export const NETSUITE_DEFAULT_CONCURRENCY = 5

// The docs and the classifier share one table: each row's example is classified by the real code.
const errors: ConnectorErrorMapping[] = NETSUITE_ERROR_TABLE.map((row) => ({
  id: row.id,
  when: row.when,
  type: row.type,
  example: () => classifyNetSuiteFailure(row.example, 0),
}))

export const netsuiteConnectorSpec = defineConnectorSpec<NetSuiteConnectionConfig>({
  name: 'netsuite',
  title: 'Oracle NetSuite (SuiteTalk REST)',
  summary:
    'Writes customers and sales orders to a NetSuite account through the SuiteTalk REST record API, invoices and ships sales orders through `!transform`, and reads with SuiteQL; authenticated with OAuth 2.0 client credentials or token-based authentication (OAuth 1.0a, HMAC-SHA256). Every record write is an upsert by external id, so a request repeated after an unknown outcome updates the record it already made instead of making a second one; the account-wide concurrency limit, shared with every other integration, is read from `governanceLimits` and never exceeded.',
  vendorDocs: [
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_1540391670.html',
    'https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1544787084.html',
  ],
  parseConfig: parseNetSuiteConnectionConfig,
  configFields: netSuiteConfigFields,
  exampleConfig: {
    accountId: '1234567_SB1',
    baseUrl: 'https://1234567-sb1.suitetalk.api.netsuite.com',
    clientId: '6f0c1a6e0b6d4e1f9a2c3b4d5e6f7a8b',
    clientSecret: 'from-your-secret-store',
    concurrencyLimit: 4,
  },
  operations: [
    {
      name: 'customer.ensure',
      direction: 'outbound',
      description:
        'Creates the customer for an order if the account has none with its external id; an existing customer is left alone (the customer master is governed on its own).',
      endpoint: 'GET then PUT /services/rest/record/v1/customer/eid:{externalId}',
      idempotency:
        'upsert by external id (`SHOPIFY-C-<id>`): a repeat updates the same record; `X-NetSuite-Idempotency-Key` sent as well',
      inDoubtRead: 'GET /services/rest/record/v1/customer/eid:{externalId}',
    },
    {
      name: 'salesOrder.create',
      direction: 'outbound',
      description:
        'Creates the sales order for an order, or brings it up to a newer source version; items are referenced by external id = SKU.',
      endpoint: 'PUT /services/rest/record/v1/salesOrder/eid:{externalId}',
      idempotency:
        'upsert by external id (`SHOPIFY-O-<id>`), guarded by the source version in `custbody_syncline_source_version` so a stale version is never applied',
      inDoubtRead:
        'GET /services/rest/record/v1/salesOrder/eid:{externalId}, counting only a record that carries this version or newer',
    },
    {
      name: 'invoice.fromSalesOrder',
      direction: 'outbound',
      description:
        'Invoices a whole sales order by transforming it. NetSuite’s transform is not idempotent (a second one bills again), so the connector first looks for an invoice already created from the order and returns it instead.',
      endpoint: 'POST /services/rest/record/v1/salesOrder/{id}/!transform/invoice',
      idempotency:
        "guarded: SuiteQL `transaction` where `type = 'CustInvc'` and `createdfrom` = the order before transforming, plus one `X-NetSuite-Idempotency-Key` per order (`syncline-invoice-salesOrder-<id>`)",
      inDoubtRead:
        'SuiteQL: the invoices whose `createdfrom` is the order (the same guard, so calling again after an unknown outcome is the safe retry)',
    },
    {
      name: 'itemFulfillment.fromSalesOrder',
      direction: 'outbound',
      description:
        'Ships a sales order, whole or the given lines (`replace=item`), by transforming it into an item fulfillment. Partial shipments are normal, so a second call is a second shipment.',
      endpoint: 'POST /services/rest/record/v1/salesOrder/{id}/!transform/itemFulfillment',
      idempotency:
        'the caller’s `X-NetSuite-Idempotency-Key` (one per warehouse shipment); the flow reads the order’s fulfillments before repeating one',
      inDoubtRead: 'SuiteQL: the item fulfillments whose `createdfrom` is the order',
    },
    {
      name: 'journalEntry.post',
      direction: 'outbound',
      description:
        'Posts a validated journal batch (settled payments and refunds of one day, currency and subsidiary) as one journal entry; references are resolved to internal ids from the ledger setup read first.',
      endpoint: 'GET then PUT /services/rest/record/v1/journalEntry/eid:{externalId}',
      idempotency:
        'upsert by external id (`SHOPIFY-JE-<subsidiary>-<currency>-<day>`) after a read: an entry already there with the batch’s fingerprint (`custbody_syncline_batch_hash`) counts as posted, one with another fingerprint is refused, never overwritten',
      inDoubtRead:
        'GET /services/rest/record/v1/journalEntry/eid:{externalId}, counting only an entry with this batch’s fingerprint',
    },
    {
      name: 'ledgerSetup.read',
      direction: 'read',
      description:
        'Reads what a journal entry posts against: the chart of accounts, posting periods (closed or all-locked ones refused), subsidiaries, departments, classes, locations and currencies.',
      endpoint:
        'SuiteQL over `account`, `accountingperiod`, `subsidiary`, `department`, `classification`, `location`, `currency`',
      idempotency: 'a read',
    },
    {
      name: 'suiteql.query',
      direction: 'read',
      description:
        'Runs a SuiteQL query and pages it to the end (`limit` ≤ 1000, `offset`, `hasMore`); a query past NetSuite’s 100,000-row cap fails with a hint to page by key range instead of stopping short.',
      endpoint: 'POST /services/rest/query/v1/suiteql?limit={n}&offset={m} (`Prefer: transient`)',
      idempotency: 'a read',
    },
    {
      name: 'record.get',
      direction: 'read',
      description: 'Reads a record by external id; 404 `NONEXISTENT_ID` is “not there”.',
      endpoint: 'GET /services/rest/record/v1/{type}/eid:{externalId}',
      idempotency: 'a read',
    },
    {
      name: 'governanceLimits.get',
      direction: 'read',
      description: 'Reads the account’s concurrency limit and what is left unallocated, at start.',
      endpoint: 'GET /services/rest/system/v1/governanceLimits',
      idempotency: 'a read',
    },
  ],
  limits: [
    {
      name: 'Concurrent requests',
      limit:
        'per account (5 on a Standard tier, +10 per SuiteCloud Plus licence), shared by REST, SOAP and RESTlets of every integration; the excess is answered 429',
      governedBy:
        'one concurrency governor per account (`netsuite:<accountId>`) for every flow, set to the lower of `concurrencyLimit` and the unallocated limit from `governanceLimits`',
    },
    {
      name: 'Request rate',
      limit: 'no documented rate limit; concurrency governs',
      governedBy:
        '`deliveriesPerSecond`, when set, paces deliveries so a backlog released after an outage leaves at that rate',
    },
    {
      name: 'Request duration',
      limit: 'up to 15 minutes per request',
      governedBy:
        '`requestTimeoutMs` (default 30 s): a hung write becomes an unknown outcome resolved by the in-doubt read',
    },
  ],
  errors,
  faultRows: [
    {
      row: 6,
      fault: '429 once more requests are in flight than the account allows',
      handling:
        '`throttled`, waiting `Retry-After` (else 1 s) without burning an attempt; the governor keeps the hub under the limit',
    },
    {
      row: 7,
      fault: 'account-wide concurrency slots from `governanceLimits`',
      handling: 'a shared governor per account, measured at the simulator never exceeded',
    },
    {
      row: 8,
      fault:
        '401 once the OAuth 2.0 access token expired; 401 `INVALID_LOGIN_ATTEMPT` for a TBA signature that fails (wrong secret, stale timestamp, reused nonce)',
      handling:
        'OAuth 2.0: one token request for all concurrent callers (single flight, across hub processes through the store), the call retried once; a second 401 is `auth`. TBA: every request signed afresh (new nonce and timestamp), a refused signature is `auth`',
    },
    {
      row: 9,
      fault: '204 No Content with the new record only in `Location`',
      handling:
        'the internal id is read from `Location`; a 2xx without one on a write is `unknown_outcome`',
    },
    {
      row: 10,
      fault: 'replays after a crash; `IDEMPOTENCY_ERROR` when a key is reused',
      handling:
        'upsert by external id, so a replay creates nothing new; the key conflict is `conflict` (read, then retry)',
    },
    {
      row: 11,
      fault: '`!transform/invoice` is not idempotent: a second transform makes a second invoice',
      handling:
        'the transform is guarded by a read of the invoices created from the order, so a repeat (after a crash or an unknown outcome) returns the first invoice and makes none',
    },
    {
      row: 12,
      fault:
        'no conditional write: a user edits the record in the UI between two writes of the hub (last write wins)',
      handling:
        'the hub writes only the fields it maps (PUT by external id merges them into the record), so a UI edit of any other field survives; an older source version is never applied over a newer one (`custbody_syncline_source_version`)',
    },
    {
      row: 14,
      fault: '400 `INVALID_VALUE` / `USER_ERROR` with `o:errorPath`',
      handling: '`validation` with code and path: dead-lettered at once for a human to fix',
    },
    {
      row: 17,
      fault:
        'an administrator makes a new custom field mandatory on the form: writes that worked yesterday answer 400 `USER_ERROR` “Please enter value(s) for: …”',
      handling:
        '`validation` with the field in the message and path: quarantined (dead-lettered) for a human to map the field, then replayed; nothing is written meanwhile',
    },
    {
      row: 16,
      fault: 'commit, then the connection drops or the request times out',
      handling:
        '`unknown_outcome`: the engine reads by external id before sending again, so nothing is duplicated',
    },
    {
      row: 18,
      fault: '503 during maintenance',
      handling:
        '`retryable` with capped backoff; the circuit opens and the backlog drains on recovery',
    },
  ],
  governance: (config) => ({
    target: `netsuite:${config.accountId}`,
    concurrency: config.concurrencyLimit ?? NETSUITE_DEFAULT_CONCURRENCY,
    ...(config.deliveriesPerSecond === undefined
      ? {}
      : { rate: { perSecond: config.deliveriesPerSecond } }),
  }),
})
