/** @module bench/harness/order-payloads — the Shopify order webhooks every workload and peer
 * sends: the exact JSON text Shopify would, in two sizes (about 1 KB and about 10 KB).
 *
 * Orders come from the Shopify simulator's own builder, so they carry what a real order carries
 * (int64 ids beyond 2^53, money as strings, local-offset timestamps). A small pool of templates is
 * varied by index (order id, number, customer), so 100,000 distinct orders cost no memory up front.
 */
import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

export type PayloadSize = '1kb' | '10kb'

type JsonObject = Record<string, unknown>

/** Top-level fields a 1 KB order keeps: what an integration reads (and the flow maps). */
const SMALL_ORDER_FIELDS = [
  'id',
  'name',
  'order_number',
  'email',
  'created_at',
  'updated_at',
  'currency',
  'financial_status',
  'subtotal_price',
  'total_tax',
  'total_price',
  'customer',
  'line_items',
  'shipping_address',
] as const

const CUSTOMER_FIELDS = ['id', 'email', 'first_name', 'last_name', 'updated_at'] as const
const LINE_FIELDS = ['id', 'sku', 'variant_id', 'product_id', 'title', 'quantity', 'price'] as const
const ADDRESS_FIELDS = ['name', 'address1', 'city', 'province_code', 'country_code', 'zip'] as const

const TEMPLATES = 16
/** Far above the simulator's own ids, so a benchmark order never collides with a generated one. */
const ID_BASE = 7_000_000_000_000_000_000n

export interface OrderPayloads {
  readonly size: PayloadSize
  /** The webhook body of order `i` (0-based): distinct id, name and number per index. */
  body(i: number): string
  /** The order id of order `i`, as Shopify writes it. */
  orderId(i: number): string
  /** Bytes of order 0's body, for the report. */
  readonly approxBytes: number
}

export function shopifyOrderPayloads(size: PayloadSize, customers = 1_000): OrderPayloads {
  const sim = createShopifySimulator({ seed: 4242 })
  const generated = sim.generateOrders({ count: TEMPLATES, customers: TEMPLATES })
  const templates = generated.orderIds.map((id) => {
    const text = sim.orderJson(id)
    if (text === undefined) throw new Error(`the Shopify simulator lost order ${id}`)
    const order = parse(text) as JsonObject
    return size === '1kb' ? smallOrder(order) : largeOrder(order)
  })
  const orderId = (i: number): string => String(ID_BASE + BigInt(i))
  const body = (i: number): string => {
    const template = templates[i % TEMPLATES] as JsonObject
    const n = 100_000 + i
    const customerN = i % customers
    const order: JsonObject = {
      ...template,
      id: new LosslessNumber(orderId(i)),
      name: `#${n}`,
      order_number: n,
    }
    if (typeof template.customer === 'object' && template.customer !== null) {
      order.customer = {
        ...(template.customer as JsonObject),
        id: new LosslessNumber(String(ID_BASE + 10_000_000n + BigInt(customerN))),
        email: `bench-customer-${customerN}@example.com`,
      }
      order.email = `bench-customer-${customerN}@example.com`
    }
    return stringify(order) ?? ''
  }
  return { size, body, orderId, approxBytes: Buffer.byteLength(body(0)) }
}

function pick(value: unknown, fields: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || isLosslessNumber(value)) return value
  const source = value as JsonObject
  return Object.fromEntries(fields.filter((f) => f in source).map((f) => [f, source[f]]))
}

function smallOrder(order: JsonObject): JsonObject {
  const small = pick(order, SMALL_ORDER_FIELDS) as JsonObject
  small.customer = pick(order.customer, CUSTOMER_FIELDS)
  small.shipping_address = pick(order.shipping_address, ADDRESS_FIELDS)
  const lines = Array.isArray(order.line_items) ? order.line_items : []
  small.line_items = lines.slice(0, 2).map((line) => pick(line, LINE_FIELDS))
  return small
}

/** The full order with more line items, up to about 10 KB: a busy B2B order. */
function largeOrder(order: JsonObject): JsonObject {
  const lines = Array.isArray(order.line_items) ? (order.line_items as JsonObject[]) : []
  const first = lines[0]
  if (first === undefined) return order
  const grown = [...lines]
  let next = 1n
  while (Buffer.byteLength(stringify({ ...order, line_items: grown }) ?? '') < 10_000) {
    const id = new LosslessNumber(String(ID_BASE + 50_000_000n + next++))
    grown.push({ ...first, id, admin_graphql_api_id: `gid://shopify/LineItem/${String(id)}` })
  }
  grown.pop()
  return { ...order, line_items: grown }
}
