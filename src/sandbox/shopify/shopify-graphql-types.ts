/** @module sandbox/shopify/shopify-graphql-types — the GraphQL Admin query types the sandbox serves: shop, orders with line items, fulfillment orders and fulfillments, inventory items, levels and locations. */

import type { ShopifyAdminDeps } from './shopify-admin-api.ts'
import type { Args, FieldDef, FieldShape, TypeDef } from './shopify-graphql-exec.ts'
import { GqlFieldError } from './shopify-graphql-exec.ts'
import type {
  FulfillmentOrderLine,
  FulfillmentOrderRecord,
  FulfillmentRecord,
} from './shopify-fulfillment-book.ts'
import { LOCATIONS } from './shopify-inventory.ts'
import type { ShopLocation } from './shopify-inventory.ts'
import { CATALOGUE } from './shopify-store.ts'
import type { OrderRecord, Resource } from './shopify-store.ts'
import { toId } from './shopify-wire.ts'

export type Ctx = ShopifyAdminDeps

export function field<P>(
  type: string,
  shape: FieldShape,
  resolve: (parent: P, args: Args, ctx: Ctx) => unknown,
  args: readonly string[] = [],
  required: readonly string[] = [],
): FieldDef<Ctx> {
  return { type, shape, resolve: resolve, args, required }
}
export const scalar = <P>(resolve: (parent: P, args: Args, ctx: Ctx) => unknown) =>
  field<P>('String', 'scalar', resolve)
const PAGE = ['first', 'after']

export const gid = (kind: string, id: bigint | string): string => `gid://shopify/${kind}/${id}`

/** `gid://shopify/Order/123` → 123n; anything else is Shopify's "Invalid global id". */
export function parseGid(value: unknown, kind: string): bigint {
  const match =
    typeof value === 'string' ? /^gid:\/\/shopify\/(\w+)\/(\d{1,19})$/.exec(value) : null
  const id = match?.[1] === kind ? toId(match[2]) : null
  if (id === null) {
    throw new GqlFieldError(`Invalid global id '${String(value)}'`, 'argumentLiteralsIncompatible')
  }
  return id
}

interface Money {
  readonly amount: unknown
  readonly currency: unknown
}
const moneyBag = (amount: unknown, currency: unknown): Money => ({ amount, currency })
const enumOf = (value: unknown): string | null =>
  typeof value === 'string' ? value.toUpperCase() : null

interface FoLine {
  readonly line: FulfillmentOrderLine
  readonly order: OrderRecord
}

/** `sku:SKU-1` or `sku:'SKU-1'`; other search terms are not served by the sandbox. */
function skuFilter(query: unknown): string | null {
  if (typeof query !== 'string' || query.trim() === '') return null
  const match = /^sku:\s*(?:'([^']*)'|"([^"]*)"|(\S+))$/.exec(query.trim())
  if (!match) {
    throw new GqlFieldError(
      `the sandbox searches inventory items by sku only, got ${query}`,
      'BAD_QUERY',
    )
  }
  return match[1] ?? match[2] ?? match[3] ?? null
}

export const QUERY_TYPES: Readonly<Record<string, TypeDef<Ctx>>> = {
  QueryRoot: {
    shop: field('Shop', 'object', () => ({})),
    order: field(
      'Order',
      'object',
      (_: unknown, a, ctx) => ctx.store.orders.get(parseGid(a.id, 'Order')),
      ['id'],
      ['id'],
    ),
    orders: field('Order', 'connection', (_: unknown, _a, ctx) => ctx.store.sortedOrders(), PAGE),
    fulfillmentOrder: field(
      'FulfillmentOrder',
      'object',
      (_: unknown, a, ctx) => ctx.fulfillments.fulfillmentOrder(parseGid(a.id, 'FulfillmentOrder')),
      ['id'],
      ['id'],
    ),
    inventoryItem: field(
      'InventoryItem',
      'object',
      (_: unknown, a) => {
        const id = parseGid(a.id, 'InventoryItem')
        return CATALOGUE.find((c) => c.inventoryItemId === id)
      },
      ['id'],
      ['id'],
    ),
    inventoryItems: field(
      'InventoryItem',
      'connection',
      (_: unknown, a) => {
        const sku = skuFilter(a.query)
        return sku === null ? CATALOGUE : CATALOGUE.filter((c) => c.sku === sku)
      },
      [...PAGE, 'query'],
    ),
    location: field(
      'Location',
      'object',
      (_: unknown, a, ctx) => ctx.inventory.location(parseGid(a.id, 'Location')),
      ['id'],
      ['id'],
    ),
    locations: field('Location', 'connection', () => LOCATIONS, PAGE),
  },
  Shop: {
    name: scalar((_: unknown, _a, ctx) => ctx.shopDomain.replace(/\.myshopify\.com$/, '')),
    myshopifyDomain: scalar((_: unknown, _a, ctx) => ctx.shopDomain),
    currencyCode: scalar((_: unknown, _a, ctx) => ctx.currency),
  },
  Order: {
    id: scalar((o: OrderRecord) => gid('Order', o.id)),
    legacyResourceId: scalar((o: OrderRecord) => String(o.id)),
    name: scalar((o: OrderRecord) => o.body.name),
    email: scalar((o: OrderRecord) => o.body.email),
    createdAt: scalar((o: OrderRecord) => new Date(o.createdAt).toISOString()),
    updatedAt: scalar((o: OrderRecord) => new Date(o.updatedAt).toISOString()),
    note: scalar((o: OrderRecord) => o.body.note),
    tags: scalar((o: OrderRecord) =>
      (typeof o.body.tags === 'string' ? o.body.tags : '')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
    currencyCode: scalar((o: OrderRecord) => o.body.currency),
    displayFinancialStatus: scalar((o: OrderRecord) => enumOf(o.body.financial_status)),
    displayFulfillmentStatus: scalar((o: OrderRecord) =>
      o.body.fulfillment_status === 'fulfilled'
        ? 'FULFILLED'
        : o.body.fulfillment_status === 'partial'
          ? 'PARTIALLY_FULFILLED'
          : 'UNFULFILLED',
    ),
    totalPriceSet: field('MoneyBag', 'object', (o: OrderRecord) =>
      moneyBag(o.body.total_price, o.body.currency),
    ),
    subtotalPriceSet: field('MoneyBag', 'object', (o: OrderRecord) =>
      moneyBag(o.body.subtotal_price, o.body.currency),
    ),
    totalTaxSet: field('MoneyBag', 'object', (o: OrderRecord) =>
      moneyBag(o.body.total_tax, o.body.currency),
    ),
    lineItems: field(
      'LineItem',
      'connection',
      (o: OrderRecord) =>
        ((o.body.line_items ?? []) as Resource[]).map((li) => ({
          ...li,
          currency: o.body.currency,
        })),
      PAGE,
    ),
    fulfillmentOrders: field(
      'FulfillmentOrder',
      'connection',
      (o: OrderRecord, _a, ctx) => ctx.fulfillments.fulfillmentOrdersOf(o),
      PAGE,
    ),
    fulfillments: field(
      'Fulfillment',
      'list',
      (o: OrderRecord, _a, ctx) => ctx.fulfillments.fulfillmentsOf(o.id),
      ['first'],
    ),
  },
  MoneyBag: {
    shopMoney: field('MoneyV2', 'object', (m: Money) => m),
    presentmentMoney: field('MoneyV2', 'object', (m: Money) => m),
  },
  MoneyV2: {
    amount: scalar((m: Money) => m.amount),
    currencyCode: scalar((m: Money) => m.currency),
  },
  LineItem: {
    id: scalar((li: Resource) => gid('LineItem', String(li.id))),
    name: scalar((li: Resource) => li.name),
    title: scalar((li: Resource) => li.title),
    sku: scalar((li: Resource) => li.sku),
    quantity: scalar((li: Resource) => li.quantity),
    currentQuantity: scalar((li: Resource) => li.current_quantity),
    unfulfilledQuantity: scalar((li: Resource) => li.fulfillable_quantity),
    originalUnitPriceSet: field('MoneyBag', 'object', (li: Resource) =>
      moneyBag(li.price, li.currency),
    ),
  },
  FulfillmentOrder: {
    id: scalar((fo: FulfillmentOrderRecord) => gid('FulfillmentOrder', fo.id)),
    status: scalar((fo: FulfillmentOrderRecord) => fo.status.toUpperCase()),
    requestStatus: scalar(() => 'UNSUBMITTED'),
    createdAt: scalar((fo: FulfillmentOrderRecord) => new Date(fo.createdAt).toISOString()),
    updatedAt: scalar((fo: FulfillmentOrderRecord) => new Date(fo.updatedAt).toISOString()),
    order: field('Order', 'object', (fo: FulfillmentOrderRecord, _a, ctx) =>
      ctx.store.orders.get(fo.orderId),
    ),
    assignedLocation: field(
      'FulfillmentOrderAssignedLocation',
      'object',
      (fo: FulfillmentOrderRecord) => LOCATIONS.find((l) => l.id === fo.locationId),
    ),
    lineItems: field(
      'FulfillmentOrderLineItem',
      'connection',
      (fo: FulfillmentOrderRecord, _a, ctx) => {
        const order = ctx.store.orders.get(fo.orderId)
        return order ? fo.lines.map((line): FoLine => ({ line, order })) : []
      },
      PAGE,
    ),
  },
  FulfillmentOrderAssignedLocation: {
    name: scalar((l: ShopLocation) => l.name),
    location: field('Location', 'object', (l: ShopLocation) => l),
  },
  FulfillmentOrderLineItem: {
    id: scalar((x: FoLine) => gid('FulfillmentOrderLineItem', x.line.id)),
    totalQuantity: scalar((x: FoLine) => x.line.quantity),
    remainingQuantity: scalar((x: FoLine) => x.line.remaining),
    sku: scalar((x: FoLine) => x.line.sku),
    lineItem: field('LineItem', 'object', (x: FoLine) =>
      ((x.order.body.line_items ?? []) as Resource[]).find(
        (li) => toId(li.id) === x.line.lineItemId,
      ),
    ),
  },
  Fulfillment: {
    id: scalar((f: FulfillmentRecord) => gid('Fulfillment', f.id)),
    legacyResourceId: scalar((f: FulfillmentRecord) => String(f.id)),
    name: scalar((f: FulfillmentRecord) => f.body.name),
    status: scalar((f: FulfillmentRecord) => enumOf(f.body.status)),
    createdAt: scalar((f: FulfillmentRecord) => new Date(f.createdAt).toISOString()),
    totalQuantity: scalar((f: FulfillmentRecord) =>
      ((f.body.line_items ?? []) as Resource[]).reduce((n, li) => n + Number(li.quantity), 0),
    ),
    trackingInfo: field(
      'TrackingInfo',
      'list',
      (f: FulfillmentRecord) => {
        const numbers = (f.body.tracking_numbers ?? []) as string[]
        const urls = (f.body.tracking_urls ?? []) as string[]
        return numbers.map((number, i) => ({
          number,
          company: f.body.tracking_company,
          url: urls[i] ?? null,
        }))
      },
      ['first'],
    ),
    location: field('Location', 'object', (f: FulfillmentRecord) =>
      LOCATIONS.find((l) => l.id === toId(f.body.location_id)),
    ),
    order: field('Order', 'object', (f: FulfillmentRecord, _a, ctx) =>
      ctx.store.orders.get(f.orderId),
    ),
  },
  TrackingInfo: {
    number: scalar((t: Resource) => t.number),
    company: scalar((t: Resource) => t.company),
    url: scalar((t: Resource) => t.url),
  },
}
