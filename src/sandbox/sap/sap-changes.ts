/** @module sandbox/sap/sap-changes — what one committed write leaves behind: an effects-ledger entry and a key-only business event, applied only once its changeset commits. */

import type { SapModel } from './sap-model.ts'
import type { SapStore } from './sap-store.ts'
import type { Value } from './sap-wire.ts'

/** Business event types as S/4HANA publishes them (topic segments joined with dots). */
export const SAP_EVENT_TYPES = {
  salesOrderCreated: 'sap.s4.beh.salesorder.v1.SalesOrder.Created.v1',
  salesOrderChanged: 'sap.s4.beh.salesorder.v1.SalesOrder.Changed.v1',
  salesOrderDeleted: 'sap.s4.beh.salesorder.v1.SalesOrder.Deleted.v1',
  businessPartnerCreated: 'sap.s4.beh.businesspartner.v1.BusinessPartner.Created.v1',
  businessPartnerChanged: 'sap.s4.beh.businesspartner.v1.BusinessPartner.Changed.v1',
} as const
export type SapEventType = (typeof SAP_EVENT_TYPES)[keyof typeof SAP_EVENT_TYPES]

/** Events of the follow-on documents; not among the ones /__sim/events/emit can fake. */
export const SAP_DOCUMENT_EVENT_TYPES = {
  outboundDeliveryCreated: 'sap.s4.beh.outbounddelivery.v1.OutboundDelivery.Created.v1',
  outboundDeliveryGoodsIssued:
    'sap.s4.beh.outbounddelivery.v1.OutboundDelivery.GoodsIssuePosted.v1',
  billingDocumentCreated: 'sap.s4.beh.billingdocument.v1.BillingDocument.Created.v1',
} as const
export type SapDocumentEventType =
  (typeof SAP_DOCUMENT_EVENT_TYPES)[keyof typeof SAP_DOCUMENT_EVENT_TYPES]

export interface Change {
  readonly kind: 'create' | 'update' | 'delete'
  /** The ledger's record type: the entity set of the business object. */
  readonly recordType:
    'A_SalesOrder' | 'A_BusinessPartner' | 'A_OutbDeliveryHeader' | 'A_BillingDocument'
  /** The caller-meaningful key: PurchaseOrderByCustomer / BusinessPartnerIdByExtSystem, else `#<SAP key>`. */
  readonly businessKey: string
  /** The source version the written state carries, when the simulator was told which field holds it. */
  readonly version?: string
  readonly eventType: SapEventType | SapDocumentEventType
  /** Keys only, as SAP's events carry: the consumer reads the state through OData. */
  readonly eventData: Readonly<Record<string, string>>
}

/** What the rules need: the data, the model, the clock and who is writing. */
export interface RuleContext {
  readonly store: SapStore
  readonly model: SapModel
  readonly now: () => number
  /** The communication user, as CreatedByUser/LastChangedByUser record it. */
  readonly user: string
  /** The field the ledger reads each write's source version from (none by default). */
  readonly versionField?: string
}

/** The ledger key: the caller's own reference when the object carries one, else SAP's number. */
export function businessKeyOf(reference: Value | undefined, sapKey: Value | undefined): string {
  return typeof reference === 'string' && reference !== '' ? reference : `#${String(sapKey)}`
}

export function versionOf(
  ctx: RuleContext,
  row: Readonly<Record<string, Value>>,
): { version?: string } {
  if (ctx.versionField === undefined) return {}
  const value = row[ctx.versionField]
  return typeof value === 'string' && value !== '' ? { version: value } : {}
}
