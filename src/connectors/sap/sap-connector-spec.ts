/** @module connectors/sap/sap-connector-spec — what the SAP S/4HANA Cloud connector declares about itself, as data. */
import { defineConnectorSpec } from '../connector-contract.ts'
import type {
  ConnectorErrorMapping,
  ConnectorFaultRow,
  ConnectorLimit,
  ConnectorOperation,
} from '../connector-contract.ts'
import { SAP_ERROR_TABLE, classifySapFailure } from './sap-error-classifier.ts'
import { parseSapConnectionConfig, sapConfigFields, sapGovernanceTarget } from './sap-spec.ts'
import type { SapConnectionConfig } from './sap-spec.ts'

const SO = '/sap/opu/odata/sap/API_SALES_ORDER_SRV'
const BP = '/sap/opu/odata/sap/API_BUSINESS_PARTNER'
const DL = '/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV'
const BD = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV'
/** A fixed "now" so a row's example classifies the same on every run. */
const EXAMPLE_NOW = Date.parse('2026-01-10T12:00:00Z')

const NO_NATIVE_KEY =
  'SAP has no idempotency key (Repeatability-Request-ID is not supported by these APIs)'

const operations: readonly ConnectorOperation[] = [
  {
    name: 'businessPartner.ensure',
    direction: 'outbound',
    description:
      'Finds the business partner by BusinessPartnerIdByExtSystem (the hub key, e.g. SHOPIFY-1001), and creates it when there is none: a person or an organization, with the customer roles (FLCU00/FLCU01) in one deep insert. An existing partner is left alone.',
    endpoint: `GET ${BP}/A_BusinessPartner?$filter=BusinessPartnerIdByExtSystem eq '{key}'; POST ${BP}/A_BusinessPartner`,
    idempotency: `${NO_NATIVE_KEY}: every create is preceded by the query by BusinessPartnerIdByExtSystem, and the engine runs one call per key at a time, so a repeat finds the partner instead of creating another.`,
    inDoubtRead: `GET ${BP}/A_BusinessPartner?$filter=BusinessPartnerIdByExtSystem eq '{key}' (the oldest match wins)`,
  },
  {
    name: 'salesOrder.create',
    direction: 'outbound',
    description:
      'Creates the sales order with its items in one atomic deep insert (to_Item): PurchaseOrderByCustomer = the hub key, SoldToParty = the customer, Material = SKU, RequestedQuantity as a decimal string; SD prices it.',
    endpoint: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{key}'; POST ${SO}/A_SalesOrder`,
    idempotency: `${NO_NATIVE_KEY}: every create is preceded by the query by PurchaseOrderByCustomer, and the engine runs one call per key at a time; the deep insert is atomic, so no half order is ever found.`,
    inDoubtRead: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{key}' (the oldest match wins)`,
  },
  {
    name: 'salesOrder.createBatch',
    direction: 'outbound',
    description:
      'Creates many sales orders in one $batch, one changeset per order: each commits or rolls back alone, and each order gets its own outcome (created, already there, or its classified error).',
    endpoint: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{a}' or …; POST ${SO}/$batch`,
    idempotency:
      'The orders SAP already holds are found first by PurchaseOrderByCustomer and left out of the batch, so a batch repeated after an unknown outcome sends only what is still missing.',
    inDoubtRead: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{a}' or PurchaseOrderByCustomer eq '{b}' …`,
  },
  {
    name: 'salesOrder.update',
    direction: 'outbound',
    description:
      'Changes header fields of a sales order under If-Match with the ETag of the read the change was decided on.',
    endpoint: `PATCH ${SO}/A_SalesOrder('{id}') with If-Match`,
    idempotency:
      'Optimistic concurrency: a repeat after the change applied carries the old ETag and is refused 412 (a conflict: read again), so it never applies twice or over a user’s edit.',
    inDoubtRead: `GET ${SO}/A_SalesOrder('{id}') and compare the changed fields and the ETag`,
  },
  {
    name: 'salesOrder.place',
    direction: 'outbound',
    description:
      'Creates the sales order as salesOrder.create does and reports credit management’s verdict: SAP saves an order that fails the credit check with TotalCreditCheckStatus B (blocked for delivery) instead of refusing it; the order-to-cash port answers that as a refusal and rejects the blocked order’s items.',
    endpoint: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{key}'&$select=SalesOrder,TotalCreditCheckStatus,OverallSDDocumentRejectionSts; POST ${SO}/A_SalesOrder`,
    idempotency: `${NO_NATIVE_KEY}: the create is preceded by the query by PurchaseOrderByCustomer; a blocked order found by it is refused again, not created again.`,
    inDoubtRead: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{key}' (a credit-blocked order does not count as placed)`,
  },
  {
    name: 'salesOrder.reject',
    direction: 'outbound',
    description:
      'Takes a sales order out of the process the way SAP documents it (there is no cancel status): every item gets a reason for rejection (SalesDocumentRjcnReason), one PATCH per item under the order’s current ETag.',
    endpoint: `GET ${SO}/A_SalesOrder('{id}')?$expand=to_Item; PATCH ${SO}/A_SalesOrderItem(SalesOrder='{id}',SalesOrderItem='{n}') with If-Match`,
    idempotency:
      'Items already carrying a reason are skipped, so a repeat after an unknown outcome only rejects what is left; each PATCH is under If-Match.',
    inDoubtRead: `GET ${SO}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq '{key}': done when OverallSDDocumentRejectionSts is C`,
  },
  {
    name: 'outboundDelivery.createAndPostGoodsIssue',
    direction: 'outbound',
    description:
      'Creates an outbound delivery for the order’s open, unrejected items (deep insert of to_DeliveryDocumentItem with ReferenceSDDocument/ReferenceSDDocumentItem; DeliveryDocumentBySupplier = the hub key of the shipment), then posts goods issue with the function import PostGoodsIssue.',
    endpoint: `GET ${DL}/A_OutbDeliveryHeader?$filter=DeliveryDocumentBySupplier eq '{key}'; POST ${DL}/A_OutbDeliveryHeader; POST ${DL}/PostGoodsIssue?DeliveryDocument='{id}'`,
    idempotency: `${NO_NATIVE_KEY}: the delivery is found by DeliveryDocumentBySupplier before it is created, and goods issue is posted only while OverallGoodsMovementStatus is not C (SAP refuses a second posting).`,
    inDoubtRead: `GET ${DL}/A_OutbDeliveryHeader?$filter=DeliveryDocumentBySupplier eq '{key}': done when OverallGoodsMovementStatus is C`,
  },
  {
    name: 'billingDocument.request',
    direction: 'outbound',
    description:
      'Bills the order’s deliveries through the asynchronous SOAP service BillingDocumentRequest_In (SAP answers 202 with no body), then reads API_BILLING_DOCUMENT_SRV until the billing document appears.',
    endpoint: `GET ${BD}/A_BillingDocumentItem?$filter=SalesDocument eq '{id}'; GET ${DL}/A_OutbDeliveryItem?$filter=ReferenceSDDocument eq '{id}'; POST /sap/bc/srt/scs_ext/sap/billingdocumentrequest_in`,
    idempotency:
      'The billing items are read before the request is sent; SAP also refuses to bill a completely billed delivery (the repeat ends as an error in its message monitor, not a second invoice). A document that does not appear within the wait is an unknown outcome, settled by the read.',
    inDoubtRead: `GET ${BD}/A_BillingDocumentItem?$filter=SalesDocument eq '{id}'`,
  },
  {
    name: 'businessPartner.read',
    direction: 'read',
    description:
      'Reads a business partner by number (mapped to a canonical Customer with SAP as its source) or finds it by the hub key.',
    endpoint: `GET ${BP}/A_BusinessPartner('{id}'); GET ${BP}/A_BusinessPartner?$filter=…`,
    idempotency: 'A read has no effect.',
  },
  {
    name: 'salesOrder.read',
    direction: 'read',
    description:
      'Reads a sales order with its items (amounts as decimal strings) and its ETag; queries page with $top/$skip or the server’s __next.',
    endpoint: `GET ${SO}/A_SalesOrder('{id}')?$expand=to_Item; GET ${SO}/A_SalesOrder?$filter=…&$top=&$skip=`,
    idempotency: 'A read has no effect.',
  },
  {
    name: 'businessEvent.receive',
    direction: 'inbound',
    description:
      'Accepts a key-only business event pushed as a structured CloudEvent (BusinessPartner.Created/Changed, SalesOrder.Created/Changed/Deleted), refuses a malformed one naming the field, and resolves it by reading the entity as SAP holds it now: a business partner as a canonical Customer, a sales order as its snapshot, each with the version from its ETag; an entity SAP no longer has resolves to deleted.',
    endpoint: `POST {hub webhook} (application/cloudevents+json); GET ${BP}/A_BusinessPartner('{key}'); GET ${SO}/A_SalesOrder('{key}')?$expand=to_Item`,
    idempotency:
      'The CloudEvent id is the dedupe key (the same on every redelivery). Nothing is taken from the event but the key: every delivery, late, repeated or reordered, resolves to the current state and its ETag change timestamp, and the engine’s version guard applies a version once and never one older than applied.',
    inDoubtRead: `GET ${BP}/A_BusinessPartner('{key}') or GET ${SO}/A_SalesOrder('{key}')?$expand=to_Item: resolving again is the read`,
  },
  {
    name: 'businessEvent.pull',
    direction: 'inbound',
    description:
      'Pages through the event feed after a stored sequence (the simulator’s /__sim/events stands in for an Event Mesh queue) and hands out each event with its sequence, a feed-retention gap first when events were dropped.',
    endpoint: 'GET {event feed}?after={seq}&limit={n}',
    idempotency:
      'A read. The caller persists each event’s sequence after handling it and the next consumer starts after it, so a restart neither skips nor repeats an event.',
  },
]

const limits: readonly ConnectorLimit[] = [
  {
    name: 'Request throttling',
    limit:
      'None documented for the S/4HANA Cloud OData APIs; the system or its Web Dispatcher may answer 429 or 503 with Retry-After',
    governedBy:
      'throttled with the Retry-After the system sent (1 s when it sent none), which the engine holds for the business key; a 503 without Retry-After is retryable and feeds the circuit breaker',
  },
  {
    name: 'Concurrent calls',
    limit: "None documented; each call occupies a work process shared with the tenant's users",
    governedBy:
      'one concurrency governor per system (target sap:<host>), concurrencyLimit (default 8), shared by every flow',
  },
  {
    name: 'Call rate',
    limit: 'None documented',
    governedBy: 'requestsPerSecond, when set: the engine paces calls to the system at that rate',
  },
  {
    name: 'Security session and CSRF token',
    limit:
      'A CSRF token is valid only with the cookies of the session it was issued to; a session ends after its idle timeout (about 30 min)',
    governedBy:
      'one session per connection (shared by the hub processes through the store): log on once, share the token single-flight; 403 X-CSRF-Token: Required re-fetches it once and 401 logs on once, then the request is retried once',
  },
  {
    name: 'Key fields',
    limit: 'BusinessPartnerIdByExtSystem holds 20 characters, PurchaseOrderByCustomer 35',
    governedBy:
      'the hub key is SYSTEM-id when it fits, else a stable SHA-256 digest of it of the field’s length (e.g. SHOP~…)',
  },
]

const errors: readonly ConnectorErrorMapping[] = SAP_ERROR_TABLE.map((row) => ({
  id: row.id,
  when: row.when,
  type: row.type,
  example: () => classifySapFailure({ ...row.example, label: `example ${row.id}` }, EXAMPLE_NOW),
}))

const faultRows: readonly ConnectorFaultRow[] = [
  {
    row: 1,
    fault:
      'The same event (same CloudEvent id) delivered again: the broker retries after an error or a 200 that came too late, or an operator redelivers',
    handling:
      'the event id is the dedupe key: once handled, a redelivery is flagged duplicate and not resolved again (a bounded in-memory window; stored as the inbox’s message id, which is unique across restarts). Two deliveries in flight at once resolve to the same version, which the version guard applies once',
  },
  {
    row: 3,
    fault:
      'Out of order: SalesOrder.Changed before Created, an older change after a newer one (deliveries held and released newest first)',
    handling:
      'no event is applied as such: each resolves to the entity’s current state, so a late event resolves to the latest version too; the version (the ETag’s change timestamp in 100 ns ticks, distinct for two changes in one millisecond) orders applications in the engine’s version guard, which skips an equal or older one',
  },
  {
    row: 4,
    fault:
      'A save that changed nothing still publishes Changed; an event re-published without any change',
    handling:
      'an event without a change resolves to the version already applied, which the guard skips; a save without change moves the ETag, but the resolution’s content fingerprint (SHA-256 of the mapped entity without its version) is unchanged, so the caller can skip the work',
  },
  {
    row: 6,
    fault: '429 (generic) or 503 from the Web Dispatcher, with Retry-After',
    handling:
      'throttled with Retry-After; nothing is written; the per-system governor keeps concurrency and rate at the configured caps',
  },
  {
    row: 8,
    fault:
      '403 X-CSRF-Token: Required (token rotated, session timed out, a balancer without stickiness); 401 once the session cookie is dead',
    handling:
      'the token (or the session) is fetched again once, single-flight for all concurrent callers and hub processes, and the request retried once; a second refusal is auth. The refusal comes before any work, so the retry duplicates nothing',
  },
  {
    row: 9,
    fault: '201 with the entity, ETag and Location; keys written without leading zeros',
    handling:
      'the key is read from the body (else Location) and kept without leading zeros (ALPHA), so 0000000001 and 1 are the same order',
  },
  {
    row: 10,
    fault: 'No native idempotency: a second POST is a second order',
    handling:
      'every create queries PurchaseOrderByCustomer / BusinessPartnerIdByExtSystem first; a replay finds the existing record',
  },
  {
    row: 12,
    fault: '412 on a stale ETag (a user saved the order), 428 without If-Match',
    handling:
      'updates always send If-Match from the read; 412 is a conflict (read again, re-apply), 428 a validation error (a bug)',
  },
  {
    row: 13,
    fault: '$batch 202 with a failed, rolled-back changeset beside committed ones',
    handling:
      'one order per changeset; each order’s outcome is recorded on its own (created, already there, or its classified error)',
  },
  {
    row: 14,
    fault:
      '400 with T100 messages: V1/320 sold-to not in the sales area, V1/392 material, V1/462 blocked…',
    handling:
      'validation with the SAP message, code and field: dead-lettered at once, never retried',
  },
  {
    row: 15,
    fault:
      'Key-only events: the state has moved on (changed again, or deleted) by the time the event is read; events dropped from the feed before they were read',
    handling:
      'the key is resolved by an OData read of the current state, never from the event; an entity SAP no longer has resolves to deleted, not an error; the pull consumer reports a gap (reconcile what changed) before it resumes at the oldest event still kept',
  },
  {
    row: 16,
    fault:
      'The order is committed, then the connection resets (or the answer comes after our deadline)',
    handling:
      'unknown_outcome; the in-doubt read is the query by PurchaseOrderByCustomer, which finds the order, so the retry creates nothing',
  },
  {
    row: 17,
    fault: 'A key user adds a mandatory extension field (YY1_…): creates fail 00/055',
    handling: 'validation naming the field, so the operator sees which field to map',
  },
  {
    row: 18,
    fault: 'Maintenance: 503 with Retry-After on every request, reads included',
    handling:
      'throttled with Retry-After (503 without it: retryable), which the engine waits out and its circuit breaker counts; nothing is lost, deliveries resume after',
  },
]

export const sapConnectorSpec = defineConnectorSpec<SapConnectionConfig>({
  name: 'sap',
  title: 'SAP S/4HANA Cloud (OData v2)',
  summary:
    'Creates business partners (customers) and sales orders in SAP S/4HANA Cloud through the OData v2 services API_BUSINESS_PARTNER and API_SALES_ORDER_SRV, under a communication user with HTTP Basic. One security session per connection carries the CSRF token every write needs. SAP offers no idempotency key, so each create first queries the hub’s business key (BusinessPartnerIdByExtSystem, PurchaseOrderByCustomer); changes go under If-Match with the ETag, and many orders can go in one $batch with one changeset each. Inbound, its key-only business events (pushed CloudEvents, or pulled from a feed by sequence) are deduplicated by event id and resolved by reading the entity’s current state and version, so a late or repeated event never applies stale state.',
  vendorDocs: [
    'https://api.sap.com/api/API_SALES_ORDER_SRV/overview',
    'https://api.sap.com/api/API_BUSINESS_PARTNER/overview',
    'https://api.sap.com/api/API_OUTBOUND_DELIVERY_SRV_0002/overview',
    'https://api.sap.com/api/API_BILLING_DOCUMENT_SRV/overview',
    'https://api.sap.com/api/BILLINGDOCUMENTREQUEST_IN/overview',
    'https://sap.github.io/cloud-sdk/docs/js/features/connectivity/csrf',
    'https://sap.github.io/cloud-sdk/docs/js/features/odata/common/etag',
    'https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md',
  ],
  parseConfig: parseSapConnectionConfig,
  configFields: sapConfigFields,
  exampleConfig: {
    baseUrl: 'https://my300000-api.s4hana.cloud.sap',
    username: 'SYNCLINE_INT',
    password: '<communication user password>',
    salesOrderType: 'OR',
    salesOrganization: '1710',
    distributionChannel: '10',
    organizationDivision: '00',
    customerRoles: ['FLCU00', 'FLCU01'],
    requestTimeoutMs: 30_000,
    concurrencyLimit: 4,
    requestsPerSecond: 10,
  },
  operations,
  limits,
  errors,
  faultRows,
  governance: (config) => ({
    target: sapGovernanceTarget(config),
    concurrency: config.concurrencyLimit,
    ...(config.requestsPerSecond === undefined
      ? {}
      : { rate: { perSecond: config.requestsPerSecond } }),
  }),
})
