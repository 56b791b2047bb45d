/** @module connectors/threepl/threepl-outbound-mapping — a canonical Order as the fulfillment order the warehouse is asked to ship. */
import type { Address, Order } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { ThreePlShipTo } from './threepl-api-shapes.ts'

/** What `POST /v1/fulfillment_orders` takes. */
export interface ThreePlFulfillmentOrderBody {
  /** The merchant order id: unique per account, so it is the business key of the order. */
  external_reference: string
  ship_to: ThreePlShipTo
  lines: { sku: string; quantity: number }[]
}

/** The WMS caps an external reference at 255 characters and an order at 500 lines. */
const MAX_REFERENCE = 255
const MAX_LINES = 500

/**
 * `SHOPIFY-O-<id>`: the source system and the order's id there, so orders from two storefronts
 * cannot collide, and the same key the ERP side uses for the same order.
 */
export function threePlExternalReference(order: Pick<Order, 'source'>): string {
  const system = order.source.system.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
  return `${system}-O-${order.source.id}`
}

/**
 * The fulfillment order for a canonical order: shipped to its shipping address, one line per SKU
 * (quantities of repeated SKUs summed, as the warehouse picks by SKU). Refuses, before anything
 * is sent, what the warehouse would refuse: a missing ship-to field is a validation error naming
 * the canonical field to fix.
 */
export function canonicalOrderToFulfillmentOrder(
  order: Order,
  options: { externalReference?: string } = {},
): ThreePlFulfillmentOrderBody {
  const reference = options.externalReference ?? threePlExternalReference(order)
  if (reference === '' || reference.length > MAX_REFERENCE) {
    throw HubError.validation(
      `a 3PL external reference must be 1–${MAX_REFERENCE} characters, got ${reference.length}`,
      { code: 'INVALID_REFERENCE', path: 'external_reference' },
    )
  }
  const quantities = new Map<string, number>()
  for (const line of order.lines) {
    quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity)
  }
  if (quantities.size > MAX_LINES) {
    throw HubError.validation(
      `order ${order.orderName} has ${quantities.size} SKUs; the warehouse takes at most ${MAX_LINES} lines per fulfillment order`,
      { code: 'TOO_MANY_LINES', path: 'lines' },
    )
  }
  return {
    external_reference: reference,
    ship_to: shipTo(order),
    lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })),
  }
}

function shipTo(order: Order): ThreePlShipTo {
  const address: Address = order.shippingAddress ?? {}
  const person = [order.customer.firstName, order.customer.lastName].filter(Boolean).join(' ')
  const name = address.name ?? (person || order.customer.companyName)
  const required = {
    name,
    address1: address.line1,
    city: address.city,
    postal_code: address.postalCode,
    country_code: address.countryCode?.toUpperCase(),
  }
  const canonicalField: Record<keyof typeof required, string> = {
    name: 'shippingAddress.name',
    address1: 'shippingAddress.line1',
    city: 'shippingAddress.city',
    postal_code: 'shippingAddress.postalCode',
    country_code: 'shippingAddress.countryCode',
  }
  if (!complete(required)) {
    const missing = (Object.keys(required) as (keyof typeof required)[]).filter(
      (k) => !present(required[k]),
    )
    throw HubError.validation(
      `order ${order.orderName} cannot be shipped: the warehouse needs ${missing.map((k) => canonicalField[k]).join(', ')}`,
      { code: 'MISSING_SHIP_TO', path: canonicalField[missing[0] ?? 'name'] },
    )
  }
  const optional = {
    company: address.company,
    address2: address.line2,
    province_code: address.region,
    phone: address.phone ?? order.customer.phone,
    email: order.customer.email,
  }
  return {
    ...required,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => present(v))),
  }
}

type RequiredShipTo = Pick<
  ThreePlShipTo,
  'name' | 'address1' | 'city' | 'postal_code' | 'country_code'
>

function complete(
  fields: Record<keyof RequiredShipTo, string | undefined>,
): fields is RequiredShipTo {
  return Object.values(fields).every(present)
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== ''
}
