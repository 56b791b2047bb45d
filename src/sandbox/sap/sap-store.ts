/** @module sandbox/sap/sap-store — the system's data in memory: sales orders with their items, deliveries and billing documents, business partners with roles and credit, the material catalogue; snapshots make a changeset atomic. */

import type { Row, Stamp } from './sap-wire.ts'

/** A sales order as stored: header and items change together, under one change stamp. */
export interface SalesOrderRecord {
  readonly header: Row
  readonly items: readonly Row[]
  readonly stamp: Stamp
}

/** A document with its items (a delivery, a billing document), saved under one change stamp. */
export interface DocumentRecord {
  readonly header: Row
  readonly items: readonly Row[]
  readonly stamp: Stamp
}

/** Credit management's view of a customer (the credit segment of the partner). */
export interface CreditAccount {
  /** The credit limit in the order currency; null for no limit. */
  readonly limit: number | null
  /** Blocked in credit management: every new order fails the check. */
  readonly blocked: boolean
}

export interface PartnerRecord {
  readonly row: Row
  readonly roles: readonly Row[]
  readonly stamp: Stamp
  /** Sales areas (`1710/10/00`) the partner is a customer in; empty for non-customers. */
  readonly salesAreas: readonly string[]
}

/** A material as sales pricing sees it: a net price per base unit. */
export interface Material {
  readonly material: string
  readonly description: string
  /** Net price per unit, a decimal string. */
  readonly price: string
  readonly unit: string
  readonly currency: string
}

export interface SeedPartner {
  readonly id: string
  readonly category: '1' | '2'
  readonly name: string
  readonly firstName?: string
  readonly customer: boolean
  readonly supplier?: boolean
  readonly blocked?: boolean
  readonly extId?: string
}

interface Tables {
  readonly salesOrders: Map<string, SalesOrderRecord>
  readonly partners: Map<string, PartnerRecord>
  readonly materials: Map<string, Material>
  readonly deliveries: Map<string, DocumentRecord>
  readonly billingDocuments: Map<string, DocumentRecord>
  readonly credit: Map<string, CreditAccount>
  nextSalesOrder: number
  nextDelivery: number
  nextBillingDocument: number
  nextPartner: number
  last: Stamp
}

/** An opaque copy of the tables, for rolling a failed changeset back. */
export interface StoreSnapshot {
  readonly tables: Tables
}

export const DEFAULT_SALES_AREA = '1710/10/00'

export const SEED_PARTNERS: readonly SeedPartner[] = [
  { id: '17100001', category: '2', name: 'Domestic US Customer 1', customer: true },
  { id: '17100002', category: '2', name: 'Domestic US Customer 2', customer: true },
  { id: '17100003', category: '2', name: 'Domestic US Customer 3', customer: true },
  { id: '17100004', category: '1', name: 'Doe', firstName: 'Jane', customer: true },
  { id: '17100005', category: '2', name: 'Blocked US Customer', customer: true, blocked: true },
  {
    id: '17300001',
    category: '2',
    name: 'Domestic US Supplier 1',
    customer: false,
    supplier: true,
  },
]

/** Trading goods of the demo company, and the Shopify simulator's SKUs at the NetSuite seed's prices. */
export const SEED_MATERIALS: readonly Material[] = [
  ...['TG11', 'TG12', 'TG13', 'TG14'].map((m, i) => ({
    material: m,
    description: `Trading Good ${i + 11}`,
    price: (100 + i * 25).toFixed(2),
    unit: 'PC',
    currency: 'USD',
  })),
  ...Array.from({ length: 20 }, (_, i) => ({
    material: `SKU-${i + 1}`,
    description: `Widget ${i + 1}`,
    price: (9.99 + i * 5).toFixed(2),
    unit: 'EA',
    currency: 'USD',
  })),
]

export interface StoreOptions {
  readonly now: () => number
  readonly firstSalesOrder: number
  readonly firstPartner: number
  /** Builds the seed partners' rows; the partner rules own the field logic. */
  readonly seedPartner: (seed: SeedPartner, stamp: Stamp) => PartnerRecord
  readonly materials: readonly Material[]
  readonly partners: readonly SeedPartner[]
}

export class SapStore {
  readonly #o: StoreOptions
  #t: Tables

  constructor(options: StoreOptions) {
    this.#o = options
    this.#t = this.#fresh()
  }

  /** A change stamp later than every earlier one, even within one ms or after a clock step back. */
  stamp(): Stamp {
    const ms = this.#o.now()
    const last = this.#t.last
    const next = ms > last.ms ? { ms, seq: 0 } : { ms: last.ms, seq: last.seq + 1 }
    // Seven fraction digits hold 9,999 changes per ms; beyond that the stamp moves a ms on.
    this.#t.last = next.seq > 9999 ? { ms: next.ms + 1, seq: 0 } : next
    return this.#t.last
  }

  salesOrder(id: string): SalesOrderRecord | undefined {
    return this.#t.salesOrders.get(id)
  }

  salesOrders(): SalesOrderRecord[] {
    return [...this.#t.salesOrders.values()]
  }

  putSalesOrder(record: SalesOrderRecord): void {
    this.#t.salesOrders.set(String(record.header.SalesOrder), record)
  }

  deleteSalesOrder(id: string): boolean {
    return this.#t.salesOrders.delete(id)
  }

  nextSalesOrderId(): string {
    return String(this.#t.nextSalesOrder++)
  }

  partner(id: string): PartnerRecord | undefined {
    return this.#t.partners.get(id)
  }

  partners(): PartnerRecord[] {
    return [...this.#t.partners.values()]
  }

  putPartner(record: PartnerRecord): void {
    this.#t.partners.set(String(record.row.BusinessPartner), record)
  }

  /** The next internal number; numbers already taken by external numbering are skipped. */
  nextPartnerId(): string {
    let id = String(this.#t.nextPartner++)
    while (this.#t.partners.has(id)) id = String(this.#t.nextPartner++)
    return id
  }

  delivery(id: string): DocumentRecord | undefined {
    return this.#t.deliveries.get(id)
  }

  deliveries(): DocumentRecord[] {
    return [...this.#t.deliveries.values()]
  }

  putDelivery(record: DocumentRecord): void {
    this.#t.deliveries.set(String(record.header.DeliveryDocument), record)
  }

  /** Delivery numbers come from their own range (80000000…), as in the standard number ranges. */
  nextDeliveryId(): string {
    return String(this.#t.nextDelivery++)
  }

  billingDocument(id: string): DocumentRecord | undefined {
    return this.#t.billingDocuments.get(id)
  }

  billingDocuments(): DocumentRecord[] {
    return [...this.#t.billingDocuments.values()]
  }

  putBillingDocument(record: DocumentRecord): void {
    this.#t.billingDocuments.set(String(record.header.BillingDocument), record)
  }

  nextBillingDocumentId(): string {
    return String(this.#t.nextBillingDocument++)
  }

  /** The customer's credit account, or undefined when credit management does not cover it. */
  credit(customer: string): CreditAccount | undefined {
    return this.#t.credit.get(customer)
  }

  putCredit(customer: string, account: CreditAccount): void {
    this.#t.credit.set(customer, account)
  }

  material(id: string): Material | undefined {
    return this.#t.materials.get(id.toUpperCase())
  }

  materials(): Material[] {
    return [...this.#t.materials.values()]
  }

  putMaterial(material: Material): void {
    this.#t.materials.set(material.material.toUpperCase(), material)
  }

  snapshot(): StoreSnapshot {
    const t = this.#t
    return {
      tables: {
        salesOrders: new Map(t.salesOrders),
        partners: new Map(t.partners),
        materials: new Map(t.materials),
        deliveries: new Map(t.deliveries),
        billingDocuments: new Map(t.billingDocuments),
        credit: new Map(t.credit),
        nextSalesOrder: t.nextSalesOrder,
        nextDelivery: t.nextDelivery,
        nextBillingDocument: t.nextBillingDocument,
        nextPartner: t.nextPartner,
        last: t.last,
      },
    }
  }

  /** Puts the tables back as they were; numbers drawn meanwhile are given back, as a rollback does. */
  restore(snapshot: StoreSnapshot): void {
    const last = this.#t.last
    const s = snapshot.tables
    // Stamps stay monotonic across a rollback so an ETag is never issued twice.
    this.#t = {
      ...s,
      salesOrders: new Map(s.salesOrders),
      partners: new Map(s.partners),
      deliveries: new Map(s.deliveries),
      billingDocuments: new Map(s.billingDocuments),
      credit: new Map(s.credit),
      last,
    }
  }

  reset(): void {
    this.#t = this.#fresh()
  }

  #fresh(): Tables {
    const t: Tables = {
      salesOrders: new Map(),
      partners: new Map(),
      materials: new Map(this.#o.materials.map((m) => [m.material.toUpperCase(), m])),
      deliveries: new Map(),
      billingDocuments: new Map(),
      credit: new Map(),
      nextSalesOrder: this.#o.firstSalesOrder,
      nextDelivery: 80_000_000,
      nextBillingDocument: 90_000_000,
      nextPartner: this.#o.firstPartner,
      last: { ms: 0, seq: 0 },
    }
    this.#t = t
    for (const seed of this.#o.partners) this.putPartner(this.#o.seedPartner(seed, this.stamp()))
    return t
  }
}
