/** @module connectors/sap/sap-operations — the connector's operations: business partners ensured and sales orders created once, by querying the business key first. */
import type { Customer } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { SapClient } from './sap-client.ts'
import { canonicalCustomerToSapBusinessPartner, sapBusinessPartnerKey } from './sap-mapping.ts'
import type { SapSalesOrderBody } from './sap-mapping.ts'
import { textOf } from './sap-odata-json.ts'
import type { ODataEntity } from './sap-odata-json.ts'
import {
  BUSINESS_PARTNER_SERVICE,
  SALES_ORDER_SERVICE,
  alphaOut,
  entityPath,
  eq,
} from './sap-odata-path.ts'
import { queryEntities } from './sap-odata-query.ts'
import { sapBusinessPartnerToCanonical, sapSalesOrderToSnapshot } from './sap-reverse-mapping.ts'
import type { SapSalesOrderSnapshot } from './sap-reverse-mapping.ts'

export interface SapBusinessPartnerRef {
  /** `BusinessPartner`. */
  businessPartner: string
  /** The customer number sales documents use as sold-to party (in S/4HANA usually the same number). */
  customer: string
}

export interface SapSalesOrderRef {
  salesOrder: string
  etag: string | undefined
}

export interface SapSalesOrderRead {
  snapshot: SapSalesOrderSnapshot
  etag: string | undefined
}

/**
 * The partner carrying `key` in `BusinessPartnerIdByExtSystem`, or null. SAP does not keep that
 * field unique: when several carry it (someone created one by hand), the oldest wins, so every
 * caller agrees on the same partner.
 */
export async function findBusinessPartnerByKey(
  client: SapClient,
  key: string,
  signal?: AbortSignal,
): Promise<SapBusinessPartnerRef | null> {
  const [found] = await queryEntities(
    client,
    BUSINESS_PARTNER_SERVICE,
    'A_BusinessPartner',
    {
      filter: eq('BusinessPartnerIdByExtSystem', key),
      select: ['BusinessPartner', 'Customer'],
      orderby: 'BusinessPartner',
      limit: 1,
    },
    signal,
  )
  return found === undefined ? null : partnerRef(found)
}

/**
 * SAP has no idempotency key, so "create once" is a query by the business key before every
 * create; the engine runs one call per business key at a time, so two deliveries of one customer
 * cannot both miss it. An existing partner is left alone: the customer master is governed in SAP.
 */
export async function ensureBusinessPartner(
  client: SapClient,
  customer: Customer,
  signal?: AbortSignal,
): Promise<SapBusinessPartnerRef & { created: boolean }> {
  const key = sapBusinessPartnerKey(customer)
  const existing = await findBusinessPartnerByKey(client, key, signal)
  if (existing !== null) return { ...existing, created: false }
  const { customerRoles, businessPartnerGrouping } = client.config
  const body = canonicalCustomerToSapBusinessPartner(customer, {
    roles: customerRoles,
    grouping: businessPartnerGrouping,
  })
  const created = await client.create(
    BUSINESS_PARTNER_SERVICE,
    'A_BusinessPartner',
    'BusinessPartner',
    body,
    signal,
  )
  return { ...partnerRef(created.entity, created.key), created: true }
}

/**
 * The sales order carrying `reference` in `PurchaseOrderByCustomer`, or null; the oldest when a
 * duplicate exists (created outside the hub), so every caller agrees on one.
 */
export async function findSalesOrderByReference(
  client: SapClient,
  reference: string,
  signal?: AbortSignal,
): Promise<SapSalesOrderRef | null> {
  const [found] = await queryEntities(
    client,
    SALES_ORDER_SERVICE,
    'A_SalesOrder',
    {
      filter: eq('PurchaseOrderByCustomer', reference),
      select: ['SalesOrder'],
      orderby: 'SalesOrder',
      limit: 1,
    },
    signal,
  )
  if (found === undefined) return null
  const id = textOf(found, 'SalesOrder')
  // An answer without the key must not read as "absent": the caller would create a duplicate.
  if (id === undefined) throw keyless('A_SalesOrder', 'SalesOrder')
  const meta = found.__metadata as { etag?: unknown } | undefined
  return { salesOrder: alphaOut(id), etag: typeof meta?.etag === 'string' ? meta.etag : undefined }
}

/**
 * Creates the order (header and items in one atomic deep insert) unless one with its
 * `PurchaseOrderByCustomer` exists. After an unknown outcome the same query is the in-doubt read,
 * so a retry finds the order a dropped connection hid instead of creating a second.
 */
export async function createSalesOrderOnce(
  client: SapClient,
  body: SapSalesOrderBody,
  signal?: AbortSignal,
): Promise<SapSalesOrderRef & { created: boolean }> {
  const existing = await findSalesOrderByReference(client, body.PurchaseOrderByCustomer, signal)
  if (existing !== null) return { ...existing, created: false }
  const created = await client.create(
    SALES_ORDER_SERVICE,
    'A_SalesOrder',
    'SalesOrder',
    body,
    signal,
  )
  return { salesOrder: created.key, etag: created.etag, created: true }
}

/** The business partner as a canonical Customer (SAP as its source), or null when SAP has none. */
export async function readBusinessPartner(
  client: SapClient,
  businessPartner: string,
  signal?: AbortSignal,
): Promise<Customer | null> {
  const read = await client.read(
    BUSINESS_PARTNER_SERVICE,
    entityPath('A_BusinessPartner', businessPartner),
    {},
    signal,
  )
  return read === null ? null : sapBusinessPartnerToCanonical(read.entity)
}

/** The order with its items and ETag, or null when SAP has no such order. */
export async function readSalesOrder(
  client: SapClient,
  salesOrder: string,
  signal?: AbortSignal,
): Promise<SapSalesOrderRead | null> {
  const read = await client.read(
    SALES_ORDER_SERVICE,
    entityPath('A_SalesOrder', salesOrder),
    { $expand: 'to_Item' },
    signal,
  )
  return read === null ? null : { snapshot: sapSalesOrderToSnapshot(read.entity), etag: read.etag }
}

/** The header fields a hub flow may change after creation. */
export interface SapSalesOrderHeaderChange {
  PurchaseOrderByCustomer?: string
  CustomerPurchaseOrderDate?: string
  RequestedDeliveryDate?: string
  DeliveryBlockReason?: string
  HeaderBillingBlockReason?: string
}

/**
 * PATCH of the header under `If-Match: etag` (from the read the change was decided on). If a
 * user saved the order since, SAP answers 412 and this is a conflict: read again, re-apply.
 */
export async function updateSalesOrderHeader(
  client: SapClient,
  salesOrder: string,
  change: SapSalesOrderHeaderChange,
  etag: string,
  signal?: AbortSignal,
): Promise<{ etag: string | undefined }> {
  return client.update(
    SALES_ORDER_SERVICE,
    entityPath('A_SalesOrder', salesOrder),
    change,
    etag,
    signal,
  )
}

function partnerRef(entity: ODataEntity, key?: string): SapBusinessPartnerRef {
  const id = key ?? textOf(entity, 'BusinessPartner')
  if (id === undefined) throw keyless('A_BusinessPartner', 'BusinessPartner')
  const businessPartner = alphaOut(id)
  const customer = textOf(entity, 'Customer')
  return {
    businessPartner,
    customer: customer === undefined ? businessPartner : alphaOut(customer),
  }
}

function keyless(set: string, key: string): HubError {
  return HubError.retryable(`SAP answered a query of ${set} with an entity without ${key}`, {
    code: 'MALFORMED_RESPONSE',
  })
}
