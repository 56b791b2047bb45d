/** @module connectors/shopify/shopify-mapping — Shopify order/customer payloads → canonical Order/Customer. */
import { ZodRealError } from 'zod'
import type { z } from 'zod'
import { Customer, Order } from '../../canonical/index.ts'
import type { Address } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import { formatIssuePath } from '../config-spec.ts'

export const SHOPIFY_SYSTEM = 'shopify'

export interface ShopifyOrderMappingOptions {
  /**
   * When the hub received the payload (ISO instant or epoch ms). Used only as the last fallback for
   * `placedAt` when the payload has neither `created_at` nor `processed_at`; never as the version,
   * because a receive time says nothing about the order's own history.
   */
  receivedAt?: string | number
}

/** The engine's business key for a Shopify order: one run history per order. */
export function shopifyOrderBusinessKey(orderId: string): string {
  if (!/^\d{1,20}$/.test(orderId)) {
    throw HubError.validation(
      `a Shopify order id is the numeric REST id (e.g. "820982911946154508"), got ${JSON.stringify(orderId.slice(0, 64))}`,
      { code: 'INVALID_ID' },
    )
  }
  return `shopify:order:${orderId}`
}

/**
 * Maps an order payload (webhook body or the Admin API's `order`, parsed with `parseShopifyJson`)
 * to a validated canonical Order. Throws HubError.validation naming the failing field.
 */
export function shopifyOrderToCanonical(
  payload: unknown,
  options: ShopifyOrderMappingOptions = {},
): Order {
  const order = requireObject(payload, 'order')
  const id = requireId(order.id, 'id', 'order')
  const orderNumber = typeof order.order_number === 'number' ? order.order_number : undefined
  const candidate = compact({
    kind: 'order',
    schemaVersion: 1,
    source: compact({ system: SHOPIFY_SYSTEM, id, version: present(order.updated_at) }),
    orderName: present(order.name) ?? (orderNumber === undefined ? undefined : `#${orderNumber}`),
    currency: present(order.currency),
    customer: mapOrderCustomer(order),
    lines: Array.isArray(order.line_items) ? order.line_items.map(mapLine) : order.line_items,
    subtotal: order.subtotal_price,
    tax: order.total_tax,
    total: order.total_price,
    financialStatus: present(order.financial_status),
    billingAddress: mapAddress(order.billing_address),
    shippingAddress: mapAddress(order.shipping_address),
    placedAt:
      present(order.created_at) ?? present(order.processed_at) ?? receivedAtIso(options.receivedAt),
  })
  return validate(Order, candidate, `Shopify order ${id}`)
}

/** Maps a `customers/*` webhook body or the Admin API's `customer` to a validated canonical Customer. */
export function shopifyCustomerToCanonical(payload: unknown): Customer {
  const customer = requireObject(payload, 'customer')
  const candidate = mapCustomer(customer, undefined)
  return validate(Customer, candidate, `Shopify customer ${String(candidate.source.id)}`)
}

function mapOrderCustomer(order: Record<string, unknown>): unknown {
  // Guest and some POS orders have no customer; leave it absent so validation names the field.
  if (!isObject(order.customer)) return present(order.customer)
  return mapCustomer(order.customer, present(order.email) ?? present(order.contact_email))
}

function mapCustomer(customer: Record<string, unknown>, orderEmail: unknown) {
  const address = isObject(customer.default_address) ? customer.default_address : undefined
  return compact({
    kind: 'customer',
    schemaVersion: 1,
    source: compact({
      system: SHOPIFY_SYSTEM,
      id: requireId(customer.id, 'customer.id', 'customer'),
      version: present(customer.updated_at),
    }),
    email: present(customer.email) ?? orderEmail,
    firstName: present(customer.first_name),
    lastName: present(customer.last_name),
    companyName: address ? present(address.company) : undefined,
    phone: present(customer.phone),
    defaultAddress: mapAddress(address),
  })
}

function mapLine(value: unknown, index: number): unknown {
  if (!isObject(value)) return value
  return compact({
    sourceLineId: requireId(value.id, `line_items[${index}].id`, 'order line'),
    // A missing SKU stays as '' so the canonical rule "every line needs a SKU" reports it by path.
    sku: present(value.sku) ?? '',
    title: present(value.title) ?? present(value.name) ?? '',
    quantity: value.quantity,
    unitPrice: value.price,
  })
}

function mapAddress(value: unknown): Address | undefined {
  if (!isObject(value)) return undefined
  const person = [value.first_name, value.last_name].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  )
  const address = compact({
    name: present(value.name) ?? (person.length > 0 ? person.join(' ') : undefined),
    company: present(value.company),
    line1: present(value.address1),
    line2: present(value.address2),
    city: present(value.city),
    region: present(value.province_code) ?? present(value.province),
    postalCode: present(value.zip),
    countryCode: present(value.country_code),
    phone: present(value.phone),
  })
  return Object.keys(address).length === 0 ? undefined : (address as Address)
}

// Canonical field → Shopify field, so an operator reading a dead letter knows what to fix at the source.
const SHOPIFY_FIELD = new Map<string, string>(
  Object.entries({
    orderName: 'name',
    lines: 'line_items',
    subtotal: 'subtotal_price',
    tax: 'total_tax',
    total: 'total_price',
    placedAt: 'created_at',
    financialStatus: 'financial_status',
    billingAddress: 'billing_address',
    shippingAddress: 'shipping_address',
    sourceLineId: 'id',
    unitPrice: 'price',
    firstName: 'first_name',
    lastName: 'last_name',
    defaultAddress: 'default_address',
    countryCode: 'country_code',
    postalCode: 'zip',
    line1: 'address1',
    line2: 'address2',
    region: 'province_code',
  }),
)

/**
 * Issues named in a mapping error. The message is stored with the run, the step and the dead letter
 * and logged: one line per issue would let a body of 10,000 bad line items build a ~4 MB record.
 * The first few tell the operator what to fix at the source.
 */
export const MAX_REPORTED_ISSUES = 10

function validate<S extends z.ZodType>(schema: S, candidate: unknown, what: string): z.output<S> {
  const result = schema.safeParse(candidate)
  if (result.success) return result.data
  const { issues } = result.error
  const problems = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const canonical = formatIssuePath(issue.path) || '(root)'
    const shopify = formatIssuePath(
      issue.path.map((p) => (typeof p === 'string' ? (SHOPIFY_FIELD.get(p) ?? p) : p)),
    )
    return `${canonical} (Shopify ${shopify || 'payload'}): ${issue.message}`
  })
  if (issues.length > MAX_REPORTED_ISSUES) {
    problems.push(`… and ${issues.length - MAX_REPORTED_ISSUES} more`)
  }
  const first = issues[0]
  throw HubError.validation(`${what} does not map to the canonical model: ${problems.join('; ')}`, {
    // Only the reported issues: a ZodError's message is the JSON of every issue it holds.
    cause:
      issues.length > MAX_REPORTED_ISSUES
        ? new ZodRealError(issues.slice(0, MAX_REPORTED_ISSUES))
        : result.error,
    code: 'CANONICAL_MAPPING',
    ...(first ? { path: formatIssuePath(first.path) } : {}),
  })
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (isObject(value)) return value
  throw HubError.validation(`Shopify ${what} payload is not a JSON object`, {
    code: 'CANONICAL_MAPPING',
  })
}

/** Ids must arrive exactly: a string, or a number that is still exact (parse with parseShopifyJson). */
function requireId(value: unknown, path: string, what: string): string {
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  const problem =
    typeof value === 'number'
      ? `is a JS number beyond 2^53 and has lost precision; parse the body with parseShopifyJson`
      : 'is missing'
  throw HubError.validation(`Shopify ${what} ${path} ${problem}`, {
    code: 'CANONICAL_MAPPING',
    path,
  })
}

function receivedAtIso(receivedAt: string | number | undefined): string | undefined {
  if (receivedAt === undefined) return undefined
  const ms = typeof receivedAt === 'number' ? receivedAt : Date.parse(receivedAt)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString()
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Shopify sends `null` and `""` for absent optional fields; the canonical model wants them absent. */
function present(value: unknown): unknown {
  return value === null || value === '' ? undefined : value
}

function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T
}
