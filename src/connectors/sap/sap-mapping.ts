/** @module connectors/sap/sap-mapping — canonical Customer/Order → A_BusinessPartner/A_SalesOrder bodies. Pure. */
import { customerDisplayName } from '../../canonical/index.ts'
import type { Customer, Order } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import {
  BUSINESS_PARTNER_KEY_LENGTH,
  SALES_ORDER_REFERENCE_LENGTH,
  sapBusinessKey,
} from './sap-business-key.ts'
import { odataDate } from './sap-odata-json.ts'

export interface SapBusinessPartnerBody {
  /** `1` person, `2` organization. */
  BusinessPartnerCategory: '1' | '2'
  /** The hub's key on the partner (CHAR 20); every ensure queries by it first. */
  BusinessPartnerIdByExtSystem: string
  /** Upper case, CHAR 20: what users search the partner by in the Fiori apps. */
  SearchTerm1: string
  FirstName?: string
  LastName?: string
  OrganizationBPName1?: string
  OrganizationBPName2?: string
  BusinessPartnerGrouping?: string
  to_BusinessPartnerRole: { results: { BusinessPartnerRole: string }[] }
}

export interface SapSalesOrderItemBody {
  SalesOrderItem: string
  Material: string
  /** A decimal string, as OData v2 writes Edm.Decimal. */
  RequestedQuantity: string
  SalesOrderItemText?: string
}

export interface SapSalesOrderBody {
  SalesOrderType: string
  SalesOrganization: string
  DistributionChannel: string
  OrganizationDivision: string
  SoldToParty: string
  /** The hub's key on the order (CHAR 35); every create queries by it first. */
  PurchaseOrderByCustomer: string
  /** The day the customer ordered, `/Date(ms)/` at midnight UTC as Edm.DateTime dates are. */
  CustomerPurchaseOrderDate: string
  TransactionCurrency: string
  to_Item: { results: SapSalesOrderItemBody[] }
}

/** The sales area and document type orders are created with (from the connection config). */
export interface SapOrderDefaults {
  salesOrderType: string
  salesOrganization: string
  distributionChannel: string
  organizationDivision: string
}

export interface SapBusinessPartnerOptions {
  roles: readonly string[]
  grouping?: string | undefined
}

const NAME_LENGTH = 40
const SEARCH_TERM_LENGTH = 20
const MATERIAL_LENGTH = 40
const ITEM_TEXT_LENGTH = 40

/** The key the business partner of `customer` carries in `BusinessPartnerIdByExtSystem`. */
export function sapBusinessPartnerKey(customer: Customer): string {
  return sapBusinessKey(customer.source.system, customer.source.id, BUSINESS_PARTNER_KEY_LENGTH)
}

/** The key the sales order of `order` carries in `PurchaseOrderByCustomer`. */
export function sapSalesOrderReference(order: Order): string {
  return sapBusinessKey(order.source.system, order.source.id, SALES_ORDER_REFERENCE_LENGTH)
}

/**
 * An organization when the customer has a company name, a person when there is a person's name,
 * else an organization named after the email or id, because SAP requires a name. SAP's name
 * fields are 40 characters: a person's names are cut there, an organization's name continues in
 * name 2. Email and phone live in the partner's address, which this API version does not write.
 */
export function canonicalCustomerToSapBusinessPartner(
  customer: Customer,
  options: SapBusinessPartnerOptions,
): SapBusinessPartnerBody {
  const last = nonEmpty(customer.lastName)
  const first = nonEmpty(customer.firstName)
  // SAP requires a last name; someone known only by a first name is filed under it.
  const lastName = customer.companyName === undefined ? (last ?? first) : undefined
  const person = lastName !== undefined
  const names =
    lastName === undefined
      ? organizationNames(customerDisplayName(customer))
      : {
          LastName: clip(lastName, NAME_LENGTH),
          ...(last === undefined || first === undefined
            ? {}
            : { FirstName: clip(first, NAME_LENGTH) }),
        }
  return {
    BusinessPartnerCategory: person ? '1' : '2',
    BusinessPartnerIdByExtSystem: sapBusinessPartnerKey(customer),
    SearchTerm1: clip(customerDisplayName(customer).toUpperCase(), SEARCH_TERM_LENGTH),
    ...names,
    ...(options.grouping === undefined ? {} : { BusinessPartnerGrouping: options.grouping }),
    to_BusinessPartnerRole: {
      results: options.roles.map((role) => ({ BusinessPartnerRole: role })),
    },
  }
}

/**
 * The deep insert of `order` for sold-to party `soldToParty`. Items are numbered 10, 20… and
 * reference the material by SKU. No prices are sent: SD prices the order from its own
 * conditions, and the net value comes back as a decimal string in `TotalNetAmount`.
 */
export function canonicalOrderToSapSalesOrder(
  order: Order,
  soldToParty: string,
  defaults: SapOrderDefaults,
): SapSalesOrderBody {
  if (!/^[A-Za-z0-9]{1,10}$/.test(soldToParty)) {
    throw HubError.validation(
      `an SAP customer number is 1–10 letters or digits, got ${JSON.stringify(soldToParty.slice(0, 40))}`,
      { code: 'INVALID_ID', path: 'SoldToParty' },
    )
  }
  return {
    SalesOrderType: defaults.salesOrderType,
    SalesOrganization: defaults.salesOrganization,
    DistributionChannel: defaults.distributionChannel,
    OrganizationDivision: defaults.organizationDivision,
    SoldToParty: soldToParty,
    PurchaseOrderByCustomer: sapSalesOrderReference(order),
    CustomerPurchaseOrderDate: odataDate(calendarDayMs(order.placedAt)),
    TransactionCurrency: order.currency,
    to_Item: {
      results: order.lines.map((line, index) => {
        if (line.sku.length > MATERIAL_LENGTH) {
          throw HubError.validation(
            `SKU ${JSON.stringify(line.sku.slice(0, 60))} is longer than an SAP material number (${MATERIAL_LENGTH})`,
            { code: 'INVALID_SKU', path: `lines[${index}].sku` },
          )
        }
        const text = clip(line.title.trim(), ITEM_TEXT_LENGTH)
        return {
          SalesOrderItem: String((index + 1) * 10),
          Material: line.sku,
          RequestedQuantity: String(line.quantity),
          ...(text === '' ? {} : { SalesOrderItemText: text }),
        }
      }),
    },
  }
}

/** Name 1 and name 2, 40 characters each; anything beyond is cut. */
function organizationNames(name: string): {
  OrganizationBPName1: string
  OrganizationBPName2?: string
} {
  const first = clip(name, NAME_LENGTH)
  const rest = clip(name.slice(first.length).trim(), NAME_LENGTH)
  return rest === ''
    ? { OrganizationBPName1: first }
    : { OrganizationBPName1: first, OrganizationBPName2: rest }
}

/** The order's own calendar day (its offset, not UTC's) at midnight UTC, as SAP stores a date. */
function calendarDayMs(placedAt: string): number {
  const [year = 'x', month = 'x', day = 'x'] = placedAt.slice(0, 10).split('-')
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day))
  if (Number.isNaN(ms)) {
    throw HubError.validation(`placedAt ${JSON.stringify(placedAt)} has no calendar date`, {
      code: 'INVALID_DATE',
      path: 'placedAt',
    })
  }
  return ms
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim()
}

/** At most `max` UTF-16 units (what SAP's CHAR fields count), never half a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const last = text.charCodeAt(max - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}
