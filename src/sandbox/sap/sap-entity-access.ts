/** @module sandbox/sap/sap-entity-access — the store seen as OData entity sets: rows in key order with their ETags, lookups by key, navigation. */

import type { EntityTypeDef } from './sap-model.ts'
import type { SapStore } from './sap-store.ts'
import { alphaInternal, etagOf } from './sap-wire.ts'
import type { Row } from './sap-wire.ts'

export interface Entity {
  readonly type: EntityTypeDef
  readonly row: Row
  /** The weak ETag, or null for types without concurrency control (roles). */
  readonly etag: string | null
}

/** Database order: keys compared in their internal (zero-padded) form. */
function sortKey(type: EntityTypeDef, row: Row): string {
  return type.keys
    .map((k) => {
      const p = type.properties.find((d) => d.name === k)
      const value = String(row[k] ?? '')
      return p?.alpha && p.maxLength !== undefined ? alphaInternal(value, p.maxLength) : value
    })
    .join('\u0000')
}

export class EntityAccess {
  readonly #store: SapStore

  constructor(store: SapStore) {
    this.#store = store
  }

  /** Every entity of a set, in key order. Items share their order's ETag: SD locks the document. */
  list(type: EntityTypeDef): Entity[] {
    const entities = this.#unsorted(type)
    return entities
      .map((e) => ({ e, k: sortKey(type, e.row) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map(({ e }) => e)
  }

  get(type: EntityTypeDef, key: Readonly<Record<string, string>>): Entity | undefined {
    const s = this.#store
    switch (type.set) {
      case 'A_SalesOrder': {
        const order = s.salesOrder(key.SalesOrder ?? '')
        return order && { type, row: order.header, etag: etagOf(order.stamp) }
      }
      case 'A_BusinessPartner': {
        const partner = s.partner(key.BusinessPartner ?? '')
        return partner && { type, row: partner.row, etag: etagOf(partner.stamp) }
      }
      case 'A_OutbDeliveryHeader': {
        const delivery = s.delivery(key.DeliveryDocument ?? '')
        return delivery && { type, row: delivery.header, etag: etagOf(delivery.stamp) }
      }
      case 'A_BillingDocument': {
        const billing = s.billingDocument(key.BillingDocument ?? '')
        return billing && { type, row: billing.header, etag: null }
      }
      default:
        return this.#unsorted(type).find((e) => type.keys.every((k) => e.row[k] === key[k]))
    }
  }

  /** The entities a navigation leads to from `from`. */
  related(from: Entity, navigation: string, target: EntityTypeDef): Entity[] {
    const row = from.row
    switch (`${from.type.set}/${navigation}`) {
      case 'A_SalesOrder/to_Item': {
        const order = this.#store.salesOrder(String(row.SalesOrder))
        const etag = order && etagOf(order.stamp)
        return (order?.items ?? []).map((item) => ({ type: target, row: item, etag: etag ?? null }))
      }
      case 'A_SalesOrderItem/to_SalesOrder': {
        const order = this.#store.salesOrder(String(row.SalesOrder))
        return order ? [{ type: target, row: order.header, etag: etagOf(order.stamp) }] : []
      }
      case 'A_OutbDeliveryHeader/to_DeliveryDocumentItem': {
        const delivery = this.#store.delivery(String(row.DeliveryDocument))
        const etag = delivery && etagOf(delivery.stamp)
        return (delivery?.items ?? []).map((i) => ({ type: target, row: i, etag: etag ?? null }))
      }
      case 'A_BillingDocument/to_Item': {
        const billing = this.#store.billingDocument(String(row.BillingDocument))
        return (billing?.items ?? []).map((i) => ({ type: target, row: i, etag: null }))
      }
      case 'A_BusinessPartner/to_BusinessPartnerRole': {
        const partner = this.#store.partner(String(row.BusinessPartner))
        return (partner?.roles ?? []).map((role) => ({ type: target, row: role, etag: null }))
      }
      default:
        return []
    }
  }

  #unsorted(type: EntityTypeDef): Entity[] {
    const s = this.#store
    switch (type.set) {
      case 'A_SalesOrder':
        return s.salesOrders().map((o) => ({ type, row: o.header, etag: etagOf(o.stamp) }))
      case 'A_SalesOrderItem':
        return s.salesOrders().flatMap((o) => {
          const etag = etagOf(o.stamp)
          return o.items.map((row) => ({ type, row, etag }))
        })
      case 'A_BusinessPartner':
        return s.partners().map((p) => ({ type, row: p.row, etag: etagOf(p.stamp) }))
      case 'A_BusinessPartnerRole':
        return s.partners().flatMap((p) => p.roles.map((row) => ({ type, row, etag: null })))
      case 'A_OutbDeliveryHeader':
        return s.deliveries().map((d) => ({ type, row: d.header, etag: etagOf(d.stamp) }))
      case 'A_OutbDeliveryItem':
        return s.deliveries().flatMap((d) => {
          const etag = etagOf(d.stamp)
          return d.items.map((row) => ({ type, row, etag }))
        })
      // Billing documents are never changed through the API: no ETag.
      case 'A_BillingDocument':
        return s.billingDocuments().map((b) => ({ type, row: b.header, etag: null }))
      case 'A_BillingDocumentItem':
        return s
          .billingDocuments()
          .flatMap((b) => b.items.map((row) => ({ type, row, etag: null })))
      default:
        return []
    }
  }
}
