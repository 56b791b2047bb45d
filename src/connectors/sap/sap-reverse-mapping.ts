/** @module connectors/sap/sap-reverse-mapping — SAP payloads → canonical: A_BusinessPartner → Customer, A_SalesOrder with items → a sales order snapshot. Pure. */
import { Customer, DecimalString } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import { etagInstant, expandedOf, odataDateMs, textOf } from './sap-odata-json.ts'
import type { ODataEntity } from './sap-odata-json.ts'
import { alphaOut } from './sap-odata-path.ts'

export interface SapSalesOrderLine {
  /** `10`, `20`…: the item number. */
  item: string
  sku: string
  title?: string
  /** A decimal string: SAP quantities are decimals, and a whole number is written without a point. */
  quantity: string
  unit?: string
  /** Net price per unit as SD priced it, a decimal string in the document currency. */
  netPrice?: string
  netAmount: string
}

/**
 * A sales order as SAP holds it, in the hub's terms: amounts as decimal strings, dates as ISO
 * days, keys without leading zeros. Not a canonical Order: SAP's header carries no tax or gross
 * total, so the parts the canonical Order requires cannot be filled honestly.
 */
export interface SapSalesOrderSnapshot {
  kind: 'sap-sales-order'
  source: { system: 'sap'; id: string; version?: string }
  /** `PurchaseOrderByCustomer`: the hub's key, or the customer's own reference. */
  reference?: string
  soldToParty: string
  salesOrderType: string
  /** `1710/10/00`: sales organization, distribution channel, division. */
  salesArea: string
  currency: string
  netAmount: string
  /** The document date, `YYYY-MM-DD`. */
  orderDate?: string
  /** `OverallSDProcessStatus`: A open, B in process, C completed. */
  status?: string
  lines: SapSalesOrderLine[]
}

/** An `A_BusinessPartner` entity (the `d` of a read) → a canonical Customer with SAP as its source. */
export function sapBusinessPartnerToCanonical(entity: ODataEntity): Customer {
  const id = textOf(entity, 'BusinessPartner')
  if (id === undefined) throw invalid('A_BusinessPartner', 'has no BusinessPartner key')
  const version = etagInstant(metadataEtag(entity))
  const person = textOf(entity, 'BusinessPartnerCategory') === '1'
  const organization = [
    textOf(entity, 'OrganizationBPName1'),
    textOf(entity, 'OrganizationBPName2'),
  ]
    .filter((part) => part !== undefined)
    .join(' ')
  const companyName = organization || textOf(entity, 'BusinessPartnerFullName')
  const firstName = textOf(entity, 'FirstName')
  const lastName = textOf(entity, 'LastName')
  const candidate = {
    kind: 'customer',
    schemaVersion: 1,
    source: { system: 'sap', id: alphaOut(id), ...(version === undefined ? {} : { version }) },
    ...(person
      ? {
          ...(firstName === undefined ? {} : { firstName }),
          ...(lastName === undefined ? {} : { lastName }),
        }
      : companyName === undefined
        ? {}
        : { companyName }),
  }
  const parsed = Customer.safeParse(candidate)
  if (!parsed.success) {
    throw HubError.validation(`SAP business partner ${id} does not map to a Customer`, {
      cause: parsed.error,
      code: 'MAPPING_FAILED',
    })
  }
  return parsed.data
}

/** An `A_SalesOrder` entity read with `$expand=to_Item` → its snapshot. */
export function sapSalesOrderToSnapshot(entity: ODataEntity): SapSalesOrderSnapshot {
  const id = textOf(entity, 'SalesOrder')
  if (id === undefined) throw invalid('A_SalesOrder', 'has no SalesOrder key')
  const required = (field: string): string => {
    const value = textOf(entity, field)
    if (value === undefined) throw invalid(`A_SalesOrder ${id}`, `has no ${field}`)
    return value
  }
  const version = etagInstant(metadataEtag(entity))
  const reference = textOf(entity, 'PurchaseOrderByCustomer')
  const orderDate = isoDay(entity.SalesOrderDate)
  const status = textOf(entity, 'OverallSDProcessStatus')
  return {
    kind: 'sap-sales-order',
    source: { system: 'sap', id: alphaOut(id), ...(version === undefined ? {} : { version }) },
    ...(reference === undefined ? {} : { reference }),
    soldToParty: alphaOut(required('SoldToParty')),
    salesOrderType: required('SalesOrderType'),
    salesArea: ['SalesOrganization', 'DistributionChannel', 'OrganizationDivision']
      .map(required)
      .join('/'),
    currency: required('TransactionCurrency'),
    netAmount: decimal(entity, 'TotalNetAmount', `A_SalesOrder ${id}`),
    ...(orderDate === undefined ? {} : { orderDate }),
    ...(status === undefined ? {} : { status }),
    lines: expandedOf(entity, 'to_Item').map((item) => lineOf(item, id)),
  }
}

function lineOf(item: ODataEntity, order: string): SapSalesOrderLine {
  const number = textOf(item, 'SalesOrderItem')
  const sku = textOf(item, 'Material')
  if (number === undefined || sku === undefined) {
    throw invalid(`A_SalesOrder ${order}`, 'has an item without SalesOrderItem or Material')
  }
  const where = `A_SalesOrderItem ${order}/${number}`
  const title = textOf(item, 'SalesOrderItemText')
  const unit = textOf(item, 'RequestedQuantityUnit')
  const netPrice = textOf(item, 'NetPriceAmount')
  return {
    item: alphaOut(number),
    sku,
    ...(title === undefined ? {} : { title }),
    quantity: decimal(item, 'RequestedQuantity', where),
    ...(unit === undefined ? {} : { unit }),
    ...(netPrice === undefined ? {} : { netPrice: decimal(item, 'NetPriceAmount', where) }),
    netAmount: decimal(item, 'NetAmount', where),
  }
}

/** Edm.Decimal arrives as a string; a number here would already have passed through a double. */
function decimal(entity: ODataEntity, field: string, where: string): string {
  const value = entity[field]
  if (typeof value !== 'string' || !DecimalString.safeParse(value).success) {
    throw invalid(where, `has ${field} ${JSON.stringify(value)}, not a decimal string`)
  }
  return value
}

function isoDay(value: unknown): string | undefined {
  const ms = odataDateMs(value)
  return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 10)
}

function metadataEtag(entity: ODataEntity): string | undefined {
  const meta = entity.__metadata
  const etag =
    typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).etag : undefined
  return typeof etag === 'string' ? etag : undefined
}

function invalid(what: string, problem: string): HubError {
  return HubError.validation(`SAP ${what} ${problem}`, { code: 'MAPPING_FAILED' })
}
