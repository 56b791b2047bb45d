/** @module connectors/sap/sap-odata-path — OData v2 URLs built safely: service roots, key predicates with SAP's ALPHA keys, quoted $filter literals, query strings. */
import { HubError } from '../../errors/hub-error.ts'

export const SERVICE_ROOT = '/sap/opu/odata/sap/'
export const SALES_ORDER_SERVICE = 'API_SALES_ORDER_SRV'
export const BUSINESS_PARTNER_SERVICE = 'API_BUSINESS_PARTNER'
export const OUTBOUND_DELIVERY_SERVICE = 'API_OUTBOUND_DELIVERY_SRV'
export const BILLING_DOCUMENT_SERVICE = 'API_BILLING_DOCUMENT_SRV'
export type SapService =
  | typeof SALES_ORDER_SERVICE
  | typeof BUSINESS_PARTNER_SERVICE
  | typeof OUTBOUND_DELIVERY_SERVICE
  | typeof BILLING_DOCUMENT_SERVICE

/**
 * ALPHA output conversion: SAP stores numeric keys zero-padded (`0000000001`) and shows them
 * without the zeros (`1`); both address the same entity. The hub keeps the short form, so a key
 * read back from a create and one typed by a user compare equal.
 */
export function alphaOut(key: string): string {
  if (!/^\d+$/.test(key)) return key
  const stripped = key.replace(/^0+/, '')
  return stripped === '' ? '0' : stripped
}

/** `'O''Brien'`: an OData string literal, quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/** `Field eq 'value'`. */
export function eq(field: string, value: string): string {
  return `${field} eq ${odataString(value)}`
}

/**
 * `A_SalesOrder('1')` for a document or partner number. Keys go into the URL path, so only
 * SAP's key shape passes: up to 10 letters or digits (CHAR 10 with ALPHA conversion).
 */
export function entityPath(set: string, key: string): string {
  if (!/^[A-Za-z0-9]{1,10}$/.test(key)) {
    throw HubError.validation(
      `not an SAP key for ${set}: ${JSON.stringify(key.slice(0, 40))} (expected 1–10 letters or digits)`,
      { code: 'INVALID_ID' },
    )
  }
  return `${set}(${odataString(alphaOut(key))})`
}

/**
 * A query string: system options (`$filter`, `$top`…) keep their `$` (Gateway accepts it
 * escaped too, but logs and traces read better), values are percent-encoded.
 */
export function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const pairs = Object.entries(params).flatMap(([name, value]) =>
    value === undefined ? [] : [`${name}=${encodeURIComponent(value)}`],
  )
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`
}
