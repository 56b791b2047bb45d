/** @module connectors/netsuite/netsuite-mapping — canonical Customer/Order → NetSuite customer/salesOrder bodies. Pure. */
import { customerDisplayName } from '../../canonical/index.ts'
import type { Customer, Order } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'

/** A NetSuite reference field: by internal id or by external id. */
export type NetSuiteRef = { id: string } | { externalId: string }

export interface NetSuiteCustomerBody {
  externalId: string
  isPerson: boolean
  companyName?: string
  firstName?: string
  lastName?: string
  email?: string
  phone?: string
  subsidiary?: { id: string }
}

export interface NetSuiteSalesOrderLine {
  item: { externalId: string }
  quantity: number
  /** A number when it round-trips exactly, else the exact decimal string (NetSuite accepts both). */
  rate: number | string
  description: string
}

export interface NetSuiteSalesOrderBody {
  externalId: string
  entity: { id: string }
  tranDate: string
  otherRefNum: string
  memo: string
  currency: { refName: string }
  item: { items: NetSuiteSalesOrderLine[] }
  /**
   * A free-form text custom body field holding the source version this record was written from
   * (e.g. Shopify's `updated_at`): read-before-retry compares it, so an update whose outcome was
   * unknown counts as applied only when the record really carries that version.
   */
  custbody_syncline_source_version?: string
}

/** The custom body field (see `NetSuiteSalesOrderBody`) that records the source version. */
export const NETSUITE_SOURCE_VERSION_FIELD = 'custbody_syncline_source_version'

export interface NetSuiteCustomerMappingOptions {
  /** Internal id of the subsidiary (OneWorld accounts require one). */
  subsidiaryId?: string
}

/**
 * `SHOPIFY-C-<id>`: the source system and object kind are part of the key, so ids from two sources (or
 * an order and a customer with the same number) can never claim the same NetSuite record.
 */
export function netsuiteCustomerExternalId(customer: Customer): string {
  return `${systemPrefix(customer.source.system)}-C-${customer.source.id}`
}

/** `SHOPIFY-O-<id>`; see `netsuiteCustomerExternalId`. */
export function netsuiteSalesOrderExternalId(order: Order): string {
  return `${systemPrefix(order.source.system)}-O-${order.source.id}`
}

/**
 * A company when the customer has a company name; otherwise a person when there is a name to give.
 * With neither, a company named after the email or id, because NetSuite requires some name.
 */
export function canonicalCustomerToNetSuite(
  customer: Customer,
  options: NetSuiteCustomerMappingOptions = {},
): NetSuiteCustomerBody {
  const hasPersonName = customer.firstName !== undefined || customer.lastName !== undefined
  const identity =
    customer.companyName === undefined && hasPersonName
      ? {
          isPerson: true,
          ...(customer.firstName === undefined ? {} : { firstName: customer.firstName }),
          ...(customer.lastName === undefined ? {} : { lastName: customer.lastName }),
        }
      : { isPerson: false, companyName: customerDisplayName(customer) }
  return {
    externalId: netsuiteCustomerExternalId(customer),
    ...identity,
    ...(customer.email === undefined ? {} : { email: customer.email }),
    ...(customer.phone === undefined ? {} : { phone: customer.phone }),
    ...(options.subsidiaryId === undefined ? {} : { subsidiary: { id: options.subsidiaryId } }),
  }
}

/**
 * The salesOrder for `order`, placed for the NetSuite customer `customerInternalId`. Items are referenced by
 * external id = SKU, the convention for inventory items synced into NetSuite.
 */
export function canonicalOrderToNetSuiteSalesOrder(
  order: Order,
  customerInternalId: string,
): NetSuiteSalesOrderBody {
  if (!/^\d+$/.test(customerInternalId)) {
    throw HubError.validation(
      `a NetSuite internal id is numeric, got ${JSON.stringify(customerInternalId.slice(0, 64))}`,
      {
        code: 'INVALID_ID',
        path: 'entity',
      },
    )
  }
  return {
    externalId: netsuiteSalesOrderExternalId(order),
    entity: { id: customerInternalId },
    // The date as the source wrote it (its own offset), i.e. the merchant's local order date, not UTC's.
    tranDate: order.placedAt.slice(0, 10),
    otherRefNum: order.orderName,
    memo: `${sourceLabel(order.source.system)} order ${order.orderName}`,
    currency: { refName: order.currency },
    item: {
      items: order.lines.map((line) => ({
        item: { externalId: line.sku },
        quantity: line.quantity,
        rate: decimalForJson(line.unitPrice),
        description: line.title,
      })),
    },
    ...(order.source.version === undefined
      ? {}
      : { custbody_syncline_source_version: order.source.version }),
  }
}

/**
 * `"49.99"` → `49.99`; `"49.90"` → `49.9` (same value); a decimal a double cannot hold exactly stays a
 * string, because JSON.stringify of the nearest double would send a different amount.
 */
export function decimalForJson(amount: string): number | string {
  const asNumber = Number(amount)
  if (!Number.isFinite(asNumber) || String(asNumber) !== normaliseDecimal(amount)) return amount
  return asNumber === 0 ? 0 : asNumber // folds -0, which JSON would print as 0 anyway
}

/** Canonical decimal text: no leading zeros, no trailing fractional zeros, no "-0". */
function normaliseDecimal(amount: string): string {
  const negative = amount.startsWith('-')
  const [whole = '0', fraction = ''] = amount.replace(/^[-+]/, '').split('.')
  const intPart = whole.replace(/^0+(?=\d)/, '')
  const fracPart = fraction.replace(/0+$/, '')
  const text = fracPart === '' ? intPart : `${intPart}.${fracPart}`
  return negative && /[1-9]/.test(text) ? `-${text}` : text
}

function systemPrefix(system: string): string {
  return system.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
}

function sourceLabel(system: string): string {
  return system === 'shopify' ? 'Shopify' : system
}
