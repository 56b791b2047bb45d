/** @module sandbox/sap/sap-billing-rules — delivery-related billing as SD runs it: a goods-issued delivery is billed once (F2), items priced from the order, the delivery's billing status closed. */

import { businessKeyOf as businessKeyOfDelivery, SAP_DOCUMENT_EVENT_TYPES } from './sap-changes.ts'
import type { RuleContext } from './sap-changes.ts'
import { BILLING_DOCUMENT_SERVICE } from './sap-document-model.ts'
import type { DocumentWrite } from './sap-delivery-rules.ts'
import { completeRow, dayOf } from './sap-entity-input.ts'
import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import { netAmount, totalOf } from './sap-sales-order-items.ts'
import { alphaOut } from './sap-wire.ts'

const business = (code: string, message: string) =>
  fail(sapErrors.business(code, message, 'SDDocument'))

/**
 * Bills one delivery. SAP itself refuses a delivery that is fully billed (billing status C), so a
 * repeated request yields an error in the message monitor, not a second invoice.
 */
export function billDelivery(ctx: RuleContext, reference: string): Outcome<DocumentWrite> {
  const headerType = ctx.model.set(BILLING_DOCUMENT_SERVICE, 'A_BillingDocument')
  const itemType = ctx.model.set(BILLING_DOCUMENT_SERVICE, 'A_BillingDocumentItem')
  if (!headerType || !itemType) throw new Error('billing document model missing')
  const id = alphaOut(reference)
  const delivery = ctx.store.delivery(id)
  if (!delivery) return business('VF/002', `Document ${id} is not a billable delivery`)
  if (delivery.header.OverallGoodsMovementStatus !== 'C') {
    return business('VF/057', `Goods issue for delivery ${id} has not been posted yet`)
  }
  if (delivery.header.OverallDelivReltdBillgStatus === 'C') {
    return business('VF/016', `Delivery ${id} is already completely billed`)
  }
  const now = ctx.now()
  const billingDocument = ctx.store.nextBillingDocumentId()
  const stamp = ctx.store.stamp()
  let currency = 'USD'
  const items = delivery.items.map((d, index) => {
    const order = ctx.store.salesOrder(String(d.ReferenceSDDocument))
    const source = order?.items.find((i) => i.SalesOrderItem === d.ReferenceSDDocumentItem)
    currency = String(order?.header.TransactionCurrency ?? currency)
    return completeRow(itemType, {
      BillingDocument: billingDocument,
      BillingDocumentItem: String((index + 1) * 10),
      Material: d.Material ?? '',
      BillingQuantity: String(d.ActualDeliveryQuantity),
      BillingQuantityUnit: d.DeliveryQuantityUnit ?? '',
      NetAmount: netAmount(
        String(d.ActualDeliveryQuantity),
        String(source?.NetPriceAmount ?? '0'),
        currency,
      ),
      TransactionCurrency: currency,
      ReferenceSDDocument: id,
      ReferenceSDDocumentItem: String(d.DeliveryDocumentItem),
      ReferenceSDDocumentCategory: 'J',
      SalesDocument: String(d.ReferenceSDDocument),
      SalesDocumentItem: String(d.ReferenceSDDocumentItem),
    })
  })
  const header = completeRow(headerType, {
    BillingDocument: billingDocument,
    BillingDocumentType: 'F2',
    SDDocumentCategory: 'M',
    SalesOrganization: delivery.header.SalesOrganization ?? '',
    BillingDocumentDate: dayOf(now),
    CreationDate: dayOf(now),
    SoldToParty: delivery.header.SoldToParty ?? '',
    TotalNetAmount: totalOf(items, currency),
    TransactionCurrency: currency,
    BillingDocumentIsCancelled: false,
    OverallBillingStatus: 'C',
    AccountingPostingStatus: 'C',
  })
  const record = { header, items, stamp }
  ctx.store.putBillingDocument(record)
  ctx.store.putDelivery({
    ...delivery,
    header: { ...delivery.header, OverallDelivReltdBillgStatus: 'C' },
  })
  return ok({
    record,
    change: {
      kind: 'create',
      recordType: 'A_BillingDocument',
      businessKey: businessKeyOfDelivery(
        delivery.header.DeliveryDocumentBySupplier,
        billingDocument,
      ),
      eventType: SAP_DOCUMENT_EVENT_TYPES.billingDocumentCreated,
      eventData: { BillingDocument: billingDocument },
    },
  })
}
