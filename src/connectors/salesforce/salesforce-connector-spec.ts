/** @module connectors/salesforce/salesforce-connector-spec — the Salesforce connector described as data: config, operations, limits, error table, fault rows. */
import { defineConnectorSpec } from '../connector-contract.ts'
import type { ConnectorErrorMapping } from '../connector-contract.ts'
import { classifySalesforceFailure, SALESFORCE_ERROR_TABLE } from './salesforce-error-classifier.ts'
import { salesforceGovernance } from './salesforce-governance.ts'
import {
  parseSalesforceConnectionConfig,
  salesforceConfigFields,
  type SalesforceConnectionConfig,
} from './salesforce-spec.ts'

// The docs and the classifier share one table: each row's example is classified by the real code.
const errors: ConnectorErrorMapping[] = SALESFORCE_ERROR_TABLE.map((row) => ({
  id: row.id,
  when: row.when,
  type: row.type,
  example: () => classifySalesforceFailure(row.example),
}))

const DATA = '/services/data/vXX.X'

export const salesforceConnectorSpec = defineConnectorSpec<SalesforceConnectionConfig>({
  name: 'salesforce',
  title: 'Salesforce (REST API, Composite, Change Data Capture)',
  summary:
    'Keeps Salesforce Accounts in step with the hub’s canonical Customer through the REST API, authenticated with OAuth 2.0 (client credentials, or the username-password flow) and calling the `instance_url` the token names. Every write is an upsert by an external id field, so a request repeated after an unknown outcome updates the row it already made; Composite results are judged subrequest by subrequest. Account Change Data Capture is subscribed over CometD from a replay id the caller keeps, redelivered events are dropped, and each event maps to Customers, or to the ids to reconcile when the event bus lost data or the stored replay id has expired. One governor per org keeps the hub under the 25 concurrent long-running requests and spreads the daily API allocation over the day, and the client stops sending when `Sforce-Limit-Info` shows the org near its cap.',
  vendorDocs: [
    'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm',
    'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm',
    'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm',
    'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm',
    'https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm',
    'https://developer.salesforce.com/docs/atlas.en-us.api_streaming.meta/api_streaming/using_streaming_api_durability.htm',
    'https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm',
  ],
  parseConfig: parseSalesforceConnectionConfig,
  configFields: salesforceConfigFields,
  exampleConfig: {
    loginUrl: 'https://acme.my.salesforce.com',
    apiVersion: '62.0',
    grantType: 'client_credentials',
    clientId: '3MVG9rZjd7MXFdLhEXAMPLECONSUMERKEY',
    clientSecret: 'from-your-secret-store',
    externalIdField: 'ERP_Customer_Id__c',
    clientName: 'SynclineHub',
    concurrencyLimit: 10,
    dailyApiRequests: 20000,
  },
  operations: [
    {
      name: 'account.upsert',
      direction: 'outbound',
      description:
        'Creates or updates the Account whose external id field holds the customer’s key (201 created, 200 updated); 300 when several rows hold it.',
      endpoint: `PATCH ${DATA}/sobjects/Account/{externalIdField}/{value}`,
      idempotency:
        'upsert by external id: a repeat lands on the row the first attempt made (200 instead of 201); Salesforce has no idempotency key',
      inDoubtRead: `GET ${DATA}/sobjects/Account/{externalIdField}/{value}`,
    },
    {
      name: 'account.get',
      direction: 'read',
      description:
        'Reads an Account by external id; 404 `NOT_FOUND` about the row is “not there”, about the field is an error.',
      endpoint: `GET ${DATA}/sobjects/Account/{externalIdField}/{value}`,
      idempotency: 'a read',
    },
    {
      name: 'record.update',
      direction: 'outbound',
      description:
        'Updates one row by id, only if it has not changed since the hub read it (`If-Unmodified-Since`).',
      endpoint: `PATCH ${DATA}/sobjects/{type}/{id}`,
      idempotency:
        'the same values written to the same row; after someone else’s edit the precondition answers 412 (conflict: read, re-apply) instead of overwriting',
      inDoubtRead: `GET ${DATA}/sobjects/{type}/{id} (its LastModifiedDate and fields)`,
    },
    {
      name: 'soql.query',
      direction: 'read',
      description:
        'Runs a SOQL query and follows `nextRecordsUrl` page by page (2,000 rows a page) until `done`.',
      endpoint: `GET ${DATA}/query?q={soql}, then GET {nextRecordsUrl}`,
      idempotency: 'a read; an expired query locator runs the query again',
    },
    {
      name: 'composite',
      direction: 'outbound',
      description:
        'Sends up to 25 subrequests in one call (one API call against the allocation), optionally all-or-none; HTTP 200 whatever they did, so each subrequest gets its own outcome and only the failed ones are retried or dead-lettered.',
      endpoint: `POST ${DATA}/composite`,
      idempotency:
        'judged per subrequest: upserts by external id repeat safely; a call holding a create (POST) is a `write`, so a lost answer is an unknown outcome read before anything is sent again',
      inDoubtRead: `GET ${DATA}/sobjects/{type}/{externalIdField}/{value} for each subrequest’s row`,
    },
    {
      name: 'limits.get',
      direction: 'read',
      description: 'Reads the org’s daily API allocation and what remains of it.',
      endpoint: `GET ${DATA}/limits`,
      idempotency: 'a read',
    },
    {
      name: 'account.changeEvents',
      direction: 'inbound',
      description:
        'Subscribes to Account change events over the Streaming API (Bayeux long-polling: a handshake with the bearer token, a subscription with the replay extension from the caller’s checkpoint, `/meta/connect` held up to 110 s, the server’s advice followed) and hands over each event in commit order with its checkpoint: CREATE, UPDATE and UNDELETE as canonical Customers (one per record id, with changeType, changedFields, nulledFields and changeOrigin beside them), DELETE as the deleted ids, GAP_* and GAP_OVERFLOW as the ids (or all Accounts) to reconcile, an event that does not map as rejected. A stored replay id past retention is reported once as a retention gap and the subscription resumes from -1.',
      endpoint:
        'POST /cometd/XX.X (/meta/handshake, /meta/subscribe with ext.replay, /meta/connect), channel /data/AccountChangeEvent',
      idempotency:
        'redelivered events (same `EventUuid`, after a reconnect or a replay) are dropped before mapping by a window of the last 10,000 EventUuids, and counted; replay ids are resume points, not identities. The caller keeps the replay id: each delivery carries `{replayId, commitTimestamp}`, stored once the caller has committed it, and the next subscriber resumes after it (after a reconnect the subscriber itself resubscribes after the last delivery its handler completed). The Customer’s version is the commit instant, so a stale event never overwrites a newer one; the hub’s own echoes are flagged by `client=<clientName>` in changeOrigin',
    },
  ],
  limits: [
    {
      name: 'Daily API requests',
      limit:
        '100,000 per org plus a per-licence amount, on a rolling 24 h window shared by every integration and user; a composite counts once; past it every call is refused with 403 `REQUEST_LIMIT_EXCEEDED` (TotalRequests)',
      governedBy:
        'a rate governor per org: `(dailyApiRequests − burst) / 86,400` calls a second with a burst of 5% of `dailyApiRequests`, so no 24 h window exceeds the allocation; the client reads `Sforce-Limit-Info` on every response and stops sending (throttled) at `apiUsageBackoffRatio` of the org’s cap, for the time the rolling window needs to free calls (5 min to 1 h)',
    },
    {
      name: 'Concurrent long-running requests',
      limit:
        '25 requests running 20 s or longer at once per org (5 on Developer Edition); the excess is refused with 403 `REQUEST_LIMIT_EXCEEDED` (ConcurrentRequests)',
      governedBy:
        'one concurrency governor per org (`salesforce:<My Domain host>`) for every flow, at `concurrencyLimit` (≤ 25)',
    },
    {
      name: 'Composite subrequests',
      limit: '25 per `/composite` request',
      governedBy: 'the client refuses more before sending (validation `COMPOSITE_LIMIT`)',
    },
    {
      name: 'Query batch',
      limit:
        '2,000 rows per page (`batchSize` 200–2,000); query locators idle out after 15 minutes, 10 open per user',
      governedBy:
        'pages are fetched one at a time along `nextRecordsUrl`; an expired locator (`INVALID_QUERY_LOCATOR`) is retryable and reruns the query',
    },
    {
      name: 'Request duration',
      limit: 'up to 10 minutes per request',
      governedBy:
        '`requestTimeoutMs` (default 30 s): a hung write becomes an unknown outcome resolved by the in-doubt read',
    },
  ],
  errors,
  faultRows: [
    {
      row: 1,
      fault:
        'CometD delivers an event again, same `EventUuid` and replay id: the server dropped the client (`403::Unknown client`, advice `handshake`), the subscriber handshakes and resubscribes, and the org replays recent events',
      handling:
        'the subscriber resubscribes after the last event its handler completed and drops every event whose EventUuid is in its window of the last 10,000 (counted as duplicates), so each event reaches the hub once',
    },
    {
      row: 4,
      fault:
        'UPDATE events that change nothing the Customer holds: a no-op save (`LastModifiedDate` only), a system change (`SystemModstamp` only)',
      handling: '`ignored` with the reason; no Customer is produced, so no work is scheduled',
    },
    {
      row: 6,
      fault:
        '403 `REQUEST_LIMIT_EXCEEDED` (TotalRequests) once the daily allocation is spent; `Sforce-Limit-Info: api-usage=N/M` nearing the cap',
      handling:
        '`throttled` with a wait estimated from the rolling window (5 min to 1 h); at `apiUsageBackoffRatio` the client stops before sending, so the org is not driven into 403s',
    },
    {
      row: 7,
      fault:
        '25 concurrent long-running requests; 403 `REQUEST_LIMIT_EXCEEDED` (ConcurrentRequests) beyond',
      handling:
        'a shared governor per org at `concurrencyLimit` (≤ 25), measured at the simulator never exceeded; a refusal is `throttled` for 20 s',
    },
    {
      row: 8,
      fault: '401 `INVALID_SESSION_ID` once the session timed out or was revoked',
      handling:
        'one token request for all concurrent callers (single flight, across hub processes through the store), the call retried once; a second 401 is `auth`; a refused token request (`invalid_grant`, `invalid_client`) is `auth`. The change-event subscriber does the same for `401::Authentication invalid` or a handshake denied with failureReason 401: one refresh, a new handshake, resubscribed after its last event',
    },
    {
      row: 9,
      fault: '300 Multiple Choices: the external id matches several rows',
      handling:
        '`validation` with code `MULTIPLE_CHOICES` and the matching ids: dead-lettered for a human to merge the rows or fix the key',
    },
    {
      row: 10,
      fault: 'upsert answers 201 (created) or 200 (updated)',
      handling:
        'both are success with the row id, and `created` tells them apart; a replay is a 200',
    },
    {
      row: 12,
      fault: '412 when the row changed after `If-Unmodified-Since`',
      handling:
        '`conflict`: the engine reads the row again and re-applies, never overwriting blindly',
    },
    {
      row: 13,
      fault:
        'composite answers HTTP 200 with failed subrequests; `PROCESSING_HALTED` for the rest under allOrNone',
      handling:
        'one outcome per subrequest, each failure classified on its own (validation for the bad row, retryable for the halted ones)',
    },
    {
      row: 14,
      fault:
        '400 `FIELD_CUSTOM_VALIDATION_EXCEPTION`, `DUPLICATE_VALUE`, `REQUIRED_FIELD_MISSING`, `INVALID_FIELD`',
      handling: '`validation` with the code and fields: dead-lettered at once for a human to fix',
    },
    {
      row: 15,
      fault:
        '`GAP_CREATE|UPDATE|DELETE|UNDELETE` and `GAP_OVERFLOW` events with a header and no data; a stored replay id older than the 72 h retention, refused with `400::The replayId {…} you provided was invalid`',
      handling:
        'gap events are mapped to `reconcile` with the ids (or every Account, for an overflow or a `001*` wildcard), never to a Customer; an expired replay id is reported once as a `retention_gap`, “reconcile every Account changed since” the stored checkpoint’s commit time, after the subscription has resumed from -1, instead of retrying the dead id',
    },
    {
      row: 16,
      fault:
        'the write commits, then the connection drops or the request outlives `requestTimeoutMs`',
      handling:
        '`unknown_outcome`: the engine reads by external id before sending again, so nothing is duplicated',
    },
    {
      row: 17,
      fault: 'a new required custom field; a restricted picklist value removed',
      handling:
        '`validation` (`REQUIRED_FIELD_MISSING`, `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`) with the field: quarantined until the mapping is fixed',
    },
    {
      row: 18,
      fault: '503 `SERVER_UNAVAILABLE` during maintenance',
      handling:
        '`retryable` with capped backoff; the circuit opens and the backlog drains on recovery',
    },
  ],
  governance: salesforceGovernance,
})
