/** @module sandbox/shopify/shopify-order-builder — builds orders in the documented REST shape, from an Admin API body or from the storefront generator. */

import { findCatalogueItem } from './shopify-store.ts'
import type { CustomerRecord, OrderRecord, Resource, ShopifyStore } from './shopify-store.ts'
import { money, toId } from './shopify-wire.ts'

export const FINANCIAL_STATUSES = [
  'pending',
  'authorized',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
  'voided',
] as const

export interface LineDraft {
  readonly sku: string | null
  readonly variantId: bigint | null
  readonly productId: bigint | null
  readonly title: string
  readonly priceCents: number
  readonly quantity: number
}

export interface OrderDraft {
  readonly customer: CustomerRecord | null
  readonly email: string | null
  readonly lines: readonly LineDraft[]
  readonly financialStatus: string
  readonly tags: string
  readonly note: string | null
  readonly currency: string
  readonly billingAddress: Resource | null
  readonly shippingAddress: Resource | null
  readonly sourceName: string
}

const TAX_RATE = 0.08

/** A plausible US address for a generated customer. */
export function addressFor(firstName: string, lastName: string, n: number): Resource {
  return {
    first_name: firstName,
    last_name: lastName,
    name: `${firstName} ${lastName}`,
    company: null,
    address1: `${100 + n} Main Street`,
    address2: null,
    city: 'New York',
    province: 'New York',
    province_code: 'NY',
    country: 'United States',
    country_code: 'US',
    zip: '10001',
    phone: null,
    latitude: null,
    longitude: null,
  }
}

/** A catalogue line for a SKU; an unknown SKU becomes a custom line item (no product or variant). */
export function catalogueLine(sku: string, quantity: number): LineDraft {
  const item = findCatalogueItem({ sku })
  return {
    sku,
    variantId: item?.variantId ?? null,
    productId: item?.productId ?? null,
    title: item?.title ?? sku,
    priceCents: item?.priceCents ?? 0,
    quantity,
  }
}

/** Creates the order in the store (with `id` when it was reserved earlier) and returns it. */
export function buildOrder(
  store: ShopifyStore,
  draft: OrderDraft,
  reservedId?: bigint,
): OrderRecord {
  const id = reservedId ?? store.nextId('order')
  const orderNumber = store.nextOrderNumber()
  const at = store.now()
  const stamp = store.time(at)
  let subtotal = 0
  let tax = 0
  const lineItems = draft.lines.map((line) => {
    const lineId = store.nextId('lineItem')
    const lineTotal = line.priceCents * line.quantity
    const lineTax = Math.round(lineTotal * TAX_RATE)
    subtotal += lineTotal
    tax += lineTax
    return {
      id: lineId,
      admin_graphql_api_id: `gid://shopify/LineItem/${lineId}`,
      sku: line.sku,
      variant_id: line.variantId,
      product_id: line.productId,
      title: line.title,
      name: line.title,
      variant_title: null,
      vendor: 'Syncline Sandbox',
      quantity: line.quantity,
      current_quantity: line.quantity,
      fulfillable_quantity: line.quantity,
      fulfillment_status: null,
      price: money(line.priceCents),
      total_discount: '0.00',
      taxable: true,
      requires_shipping: true,
      gift_card: false,
      grams: 0,
      tax_lines: [{ title: 'Sales Tax', rate: TAX_RATE, price: money(lineTax) }],
    }
  })
  const total = subtotal + tax
  const email =
    draft.email ?? (draft.customer ? (draft.customer.body.email as string | null) : null)
  const body: Resource = {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${orderNumber}`,
    number: orderNumber - 1000,
    order_number: orderNumber,
    confirmation_number: `SIM${orderNumber}`,
    confirmed: true,
    test: false,
    email,
    contact_email: email,
    phone: null,
    created_at: stamp,
    updated_at: stamp,
    processed_at: stamp,
    closed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    currency: draft.currency,
    presentment_currency: draft.currency,
    subtotal_price: money(subtotal),
    current_subtotal_price: money(subtotal),
    total_line_items_price: money(subtotal),
    total_discounts: '0.00',
    total_tax: money(tax),
    current_total_tax: money(tax),
    total_price: money(total),
    current_total_price: money(total),
    taxes_included: false,
    tax_lines: [{ title: 'Sales Tax', rate: TAX_RATE, price: money(tax) }],
    financial_status: draft.financialStatus,
    fulfillment_status: null,
    source_name: draft.sourceName,
    buyer_accepts_marketing: false,
    tags: draft.tags,
    note: draft.note,
    customer: draft.customer ? store.customerSummary(draft.customer) : null,
    billing_address: draft.billingAddress,
    shipping_address: draft.shippingAddress,
    line_items: lineItems,
    shipping_lines: [],
  }
  const record: OrderRecord = { id, createdAt: at, updatedAt: at, body }
  store.orders.set(id, record)
  return record
}

export type DraftResult =
  | { readonly ok: true; readonly draft: OrderDraft; readonly newCustomer: CustomerRecord | null }
  | { readonly ok: false; readonly status: number; readonly errors: unknown }

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** Reads a POST orders.json body the way the Admin API does, with its 400/422 error shapes. */
export function draftFromAdminBody(
  store: ShopifyStore,
  body: unknown,
  currency: string,
): DraftResult {
  const order = isObject(body) ? body.order : undefined
  if (!isObject(order)) {
    return { ok: false, status: 400, errors: { order: 'Required parameter missing or invalid' } }
  }
  const rawLines = Array.isArray(order.line_items) ? (order.line_items as unknown[]) : []
  if (rawLines.length === 0) {
    return { ok: false, status: 422, errors: { line_items: ['must have at least one line item'] } }
  }
  const lines: LineDraft[] = []
  for (const raw of rawLines) {
    if (!isObject(raw)) return { ok: false, status: 422, errors: { line_items: ['is invalid'] } }
    const quantity = raw.quantity === undefined ? 1 : raw.quantity
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
      return {
        ok: false,
        status: 422,
        errors: { line_items: ['quantity must be greater than or equal to 1'] },
      }
    }
    const variantId = toId(raw.variant_id)
    const byVariant = variantId === null ? undefined : findCatalogueItem({ variantId })
    if (variantId !== null && !byVariant) {
      return { ok: false, status: 422, errors: { line_items: ['variant not found'] } }
    }
    const sku = byVariant?.sku ?? text(raw.sku)
    const base = sku === null ? null : catalogueLine(sku, quantity)
    const price = text(raw.price) ?? (typeof raw.price === 'number' ? raw.price.toFixed(2) : null)
    const title = text(raw.title) ?? base?.title ?? null
    if (title === null) {
      return { ok: false, status: 422, errors: { line_items: ["title can't be blank"] } }
    }
    const priceCents = price === null ? (base?.priceCents ?? 0) : Math.round(Number(price) * 100)
    if (!Number.isFinite(priceCents)) {
      return { ok: false, status: 422, errors: { line_items: ['price is invalid'] } }
    }
    lines.push({
      sku,
      variantId: base?.variantId ?? null,
      productId: base?.productId ?? null,
      title,
      priceCents,
      quantity,
    })
  }
  const financialStatus = text(order.financial_status) ?? 'paid'
  if (!(FINANCIAL_STATUSES as readonly string[]).includes(financialStatus)) {
    return { ok: false, status: 422, errors: { financial_status: ['is not included in the list'] } }
  }
  // Customer last: every refusal above must leave the shop unchanged.
  let customer: CustomerRecord | null = null
  let newCustomer: CustomerRecord | null = null
  const email = text(order.email)
  if (isObject(order.customer)) {
    const id = toId(order.customer.id)
    const customerEmail = text(order.customer.email) ?? email
    if (id !== null) {
      customer = store.customers.get(id) ?? null
      if (!customer) return { ok: false, status: 422, errors: { customer: ['not found'] } }
    } else if (customerEmail !== null) {
      customer = store.customerByEmail(customerEmail) ?? null
      if (!customer) {
        customer = newCustomer = store.createCustomer({
          email: customerEmail,
          firstName: text(order.customer.first_name),
          lastName: text(order.customer.last_name),
          currency,
        })
      }
    }
  }
  return {
    ok: true,
    newCustomer,
    draft: {
      customer,
      email: email ?? (customer ? text(customer.body.email) : null),
      lines,
      financialStatus,
      tags: text(order.tags) ?? '',
      note: text(order.note),
      currency: text(order.currency) ?? currency,
      billingAddress: isObject(order.billing_address) ? order.billing_address : null,
      shippingAddress: isObject(order.shipping_address) ? order.shipping_address : null,
      sourceName: 'syncline-sandbox-admin',
    },
  }
}
