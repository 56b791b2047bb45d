/** @module sandbox/shopify/shopify-store — the shop's catalogue, customers and orders, with int64 ids beyond 2^53. */

import { shopifyTime } from './shopify-wire.ts'

export interface CatalogueItem {
  readonly sku: string
  readonly productId: bigint
  readonly variantId: bigint
  readonly title: string
  readonly priceCents: number
  /** The variant's inventory item: what stock levels and fulfillment order lines refer to. */
  readonly inventoryItemId: bigint
}

/** SKU-1..SKU-20 at 9.99 + 5·(n−1), matching the NetSuite simulator's seeded inventory items. */
export const CATALOGUE: readonly CatalogueItem[] = Array.from({ length: 20 }, (_, i) => ({
  sku: `SKU-${i + 1}`,
  productId: 632910392n + BigInt(i) * 7n,
  variantId: 808950810n + BigInt(i) * 11n,
  title: `Widget ${i + 1}`,
  priceCents: 999 + i * 500,
  inventoryItemId: 49148385019683101n + BigInt(i) * 13n,
}))

export const findCatalogueItem = (by: {
  sku?: string
  variantId?: bigint
}): CatalogueItem | undefined =>
  CATALOGUE.find((c) =>
    by.variantId !== undefined ? c.variantId === by.variantId : c.sku === by.sku,
  )

/**
 * Ids start above 2^53 and step by small odd amounts, so consecutive ids are not representable as
 * doubles: a client that loses precision gets wrong ids, not merely rounded-looking ones.
 */
const ID_STARTS = {
  order: 820982911946154508n,
  customer: 115310627314723954n,
  lineItem: 866550311766439020n,
  webhook: 1090000000000000001n,
  fulfillmentOrder: 1046000778000000001n,
  fulfillmentOrderLineItem: 1058737482000000003n,
  fulfillment: 255858046000000005n,
  inventoryAdjustment: 301000000000000009n,
  transaction: 389404469000000011n,
} as const
const ID_STEP = 7n

export type IdKind = keyof typeof ID_STARTS

/** A JSON-ready Shopify resource: bigint ids, string money, offset timestamps. */
export type Resource = Record<string, unknown>

export interface CustomerRecord {
  readonly id: bigint
  readonly createdAt: number
  updatedAt: number
  body: Resource
}

export interface OrderRecord {
  readonly id: bigint
  readonly createdAt: number
  updatedAt: number
  body: Resource
}

export class ShopifyStore {
  readonly #now: () => number
  readonly #offsetMinutes: number
  #next = new Map<IdKind, bigint>()
  #orderNumber = 1001
  readonly customers = new Map<bigint, CustomerRecord>()
  readonly orders = new Map<bigint, OrderRecord>()

  constructor(now: () => number, offsetMinutes: number) {
    this.#now = now
    this.#offsetMinutes = offsetMinutes
    this.reset()
  }

  nextId(kind: IdKind): bigint {
    const id = this.#next.get(kind) ?? ID_STARTS[kind]
    this.#next.set(kind, id + ID_STEP)
    return id
  }

  nextOrderNumber(): number {
    return this.#orderNumber++
  }

  time(ms: number): string {
    return shopifyTime(ms, this.#offsetMinutes)
  }

  now(): number {
    return this.#now()
  }

  customerByEmail(email: string): CustomerRecord | undefined {
    const wanted = email.toLowerCase()
    for (const c of this.customers.values()) {
      if (typeof c.body.email === 'string' && c.body.email.toLowerCase() === wanted) return c
    }
    return undefined
  }

  createCustomer(fields: {
    email: string | null
    firstName: string | null
    lastName: string | null
    phone?: string | null
    currency: string
  }): CustomerRecord {
    const id = this.nextId('customer')
    const at = this.#now()
    const record: CustomerRecord = {
      id,
      createdAt: at,
      updatedAt: at,
      body: {
        id,
        email: fields.email,
        created_at: this.time(at),
        updated_at: this.time(at),
        first_name: fields.firstName,
        last_name: fields.lastName,
        state: 'enabled',
        note: null,
        verified_email: fields.email !== null,
        multipass_identifier: null,
        tax_exempt: false,
        phone: fields.phone ?? null,
        tags: '',
        currency: fields.currency,
        admin_graphql_api_id: `gid://shopify/Customer/${id}`,
      },
    }
    this.customers.set(id, record)
    return record
  }

  /** The customer as embedded in an order (a subset of the customer resource). */
  customerSummary(c: CustomerRecord): Resource {
    const b = c.body
    return {
      id: c.id,
      email: b.email,
      created_at: b.created_at,
      updated_at: b.updated_at,
      first_name: b.first_name,
      last_name: b.last_name,
      state: b.state,
      note: b.note,
      verified_email: b.verified_email,
      phone: b.phone,
      tags: b.tags,
      currency: b.currency,
      admin_graphql_api_id: b.admin_graphql_api_id,
    }
  }

  /** Applies changes to a resource body and bumps updated_at. */
  touch(record: OrderRecord | CustomerRecord, changes: Resource): void {
    record.updatedAt = this.#now()
    record.body = { ...record.body, ...changes, updated_at: this.time(record.updatedAt) }
  }

  /** Ids ascending, the order REST pagination and since_id work in. */
  sortedOrders(): OrderRecord[] {
    return [...this.orders.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  sortedCustomers(): CustomerRecord[] {
    return [...this.customers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  reset(): void {
    this.#next = new Map()
    this.#orderNumber = 1001
    this.customers.clear()
    this.orders.clear()
  }
}
