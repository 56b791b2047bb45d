/** @module sandbox/sap/sap-document-model — the follow-on documents of a sales order as data: API_OUTBOUND_DELIVERY_SRV (deliveries) and API_BILLING_DOCUMENT_SRV (billing documents, read only). */

import type { EdmType, EntityTypeDef, PropertyDef } from './sap-model.ts'

export const OUTBOUND_DELIVERY_SERVICE = 'API_OUTBOUND_DELIVERY_SRV'
export const BILLING_DOCUMENT_SERVICE = 'API_BILLING_DOCUMENT_SRV'

type Facets = Partial<Omit<PropertyDef, 'name' | 'type' | 'label'>>
const prop = (name: string, type: EdmType, label: string, facets: Facets = {}): PropertyDef => ({
  name,
  type,
  label,
  creatable: true,
  updatable: true,
  ...facets,
})
const readOnly: Facets = { creatable: false, updatable: false }
const createOnly: Facets = { updatable: false }
const str = (name: string, maxLength: number, label: string, facets: Facets = {}) =>
  prop(name, 'Edm.String', label, { maxLength, ...facets })
const date = (name: string, label: string, facets: Facets = {}) =>
  prop(name, 'Edm.DateTime', label, { precision: 0, displayFormat: 'Date', ...facets })
const quantity = (name: string, label: string, unit: string, facets: Facets = {}) =>
  prop(name, 'Edm.Decimal', label, { precision: 13, scale: 3, unit, ...facets })
const amount = (name: string, label: string, facets: Facets = readOnly) =>
  prop(name, 'Edm.Decimal', label, {
    precision: 16,
    scale: 3,
    unit: 'TransactionCurrency',
    ...facets,
  })

/**
 * Created with reference to sales order items (deep insert of `to_DeliveryDocumentItem`); SAP
 * copies the parties from the order. `DeliveryDocumentBySupplier` (external delivery note id) is
 * the one header text a caller may set, and so the caller's reference.
 */
const DELIVERY_HEADER: EntityTypeDef = {
  name: 'A_OutbDeliveryHeaderType',
  set: 'A_OutbDeliveryHeader',
  service: OUTBOUND_DELIVERY_SERVICE,
  label: 'Outbound Delivery Header',
  keys: ['DeliveryDocument'],
  creatable: true,
  // Header changes (dates, texts) are not simulated; goods issue is the PostGoodsIssue function.
  updatable: false,
  deletable: false,
  properties: [
    str('DeliveryDocument', 10, 'Delivery', { ...readOnly, alpha: true }),
    str('DeliveryDocumentType', 4, 'Delivery Type', createOnly),
    str('DeliveryDocumentBySupplier', 35, 'External Delivery ID'),
    str('SoldToParty', 10, 'Sold-To Party', { ...readOnly, alpha: true }),
    str('ShipToParty', 10, 'Ship-To Party', { ...readOnly, alpha: true }),
    str('ShippingPoint', 4, 'Shipping Point', createOnly),
    str('SalesOrganization', 4, 'Sales Organization', readOnly),
    date('CreationDate', 'Created On', readOnly),
    str('CreatedByUser', 12, 'Created By', readOnly),
    date('DeliveryDate', 'Delivery Date'),
    date('ActualGoodsMovementDate', 'Actual GM Date', readOnly),
    str('OverallGoodsMovementStatus', 1, 'Goods Movement Status', readOnly),
    str('OverallSDProcessStatus', 1, 'Overall Status', readOnly),
    str('OverallDelivReltdBillgStatus', 1, 'Billing Status', readOnly),
    prop('LastChangeDate', 'Edm.DateTime', 'Changed On', { ...readOnly, precision: 0 }),
  ],
  navigations: [{ name: 'to_DeliveryDocumentItem', toSet: 'A_OutbDeliveryItem', many: true }],
}

const DELIVERY_ITEM: EntityTypeDef = {
  name: 'A_OutbDeliveryItemType',
  set: 'A_OutbDeliveryItem',
  service: OUTBOUND_DELIVERY_SERVICE,
  label: 'Outbound Delivery Item',
  keys: ['DeliveryDocument', 'DeliveryDocumentItem'],
  creatable: true,
  updatable: false,
  deletable: false,
  properties: [
    str('DeliveryDocument', 10, 'Delivery', { ...readOnly, alpha: true }),
    str('DeliveryDocumentItem', 6, 'Item', { ...readOnly, alpha: true }),
    str('ReferenceSDDocument', 10, 'Reference Document', { ...createOnly, alpha: true }),
    str('ReferenceSDDocumentItem', 6, 'Reference Item', { ...createOnly, alpha: true }),
    str('Material', 40, 'Material', { ...readOnly, displayFormat: 'UpperCase' }),
    quantity('ActualDeliveryQuantity', 'Delivery Quantity', 'DeliveryQuantityUnit', createOnly),
    str('DeliveryQuantityUnit', 3, 'Sales Unit', { ...createOnly, semantics: 'unit-of-measure' }),
    str('Plant', 4, 'Plant', createOnly),
    str('GoodsMovementStatus', 1, 'Goods Movement Status', readOnly),
  ],
  navigations: [],
}

/** Read only over OData: SAP creates billing documents from billing due items (SOAP request, or a user). */
const BILLING_DOCUMENT: EntityTypeDef = {
  name: 'A_BillingDocumentType',
  set: 'A_BillingDocument',
  service: BILLING_DOCUMENT_SERVICE,
  label: 'Billing Document',
  keys: ['BillingDocument'],
  creatable: false,
  updatable: false,
  deletable: false,
  properties: [
    str('BillingDocument', 10, 'Billing Document', { ...readOnly, alpha: true }),
    str('BillingDocumentType', 4, 'Billing Type', readOnly),
    str('SDDocumentCategory', 4, 'Document Category', readOnly),
    str('SalesOrganization', 4, 'Sales Organization', readOnly),
    date('BillingDocumentDate', 'Billing Date', readOnly),
    date('CreationDate', 'Created On', readOnly),
    str('SoldToParty', 10, 'Sold-To Party', { ...readOnly, alpha: true }),
    amount('TotalNetAmount', 'Net Value'),
    str('TransactionCurrency', 5, 'Document Currency', { ...readOnly, semantics: 'currency-code' }),
    prop('BillingDocumentIsCancelled', 'Edm.Boolean', 'Cancelled', readOnly),
    str('OverallBillingStatus', 1, 'Billing Status', readOnly),
    str('AccountingPostingStatus', 1, 'Posting Status', readOnly),
  ],
  navigations: [{ name: 'to_Item', toSet: 'A_BillingDocumentItem', many: true }],
}

const BILLING_DOCUMENT_ITEM: EntityTypeDef = {
  name: 'A_BillingDocumentItemType',
  set: 'A_BillingDocumentItem',
  service: BILLING_DOCUMENT_SERVICE,
  label: 'Billing Document Item',
  keys: ['BillingDocument', 'BillingDocumentItem'],
  creatable: false,
  updatable: false,
  deletable: false,
  properties: [
    str('BillingDocument', 10, 'Billing Document', { ...readOnly, alpha: true }),
    str('BillingDocumentItem', 6, 'Item', { ...readOnly, alpha: true }),
    str('Material', 40, 'Material', { ...readOnly, displayFormat: 'UpperCase' }),
    quantity('BillingQuantity', 'Billed Quantity', 'BillingQuantityUnit', readOnly),
    str('BillingQuantityUnit', 3, 'Sales Unit', { ...readOnly, semantics: 'unit-of-measure' }),
    amount('NetAmount', 'Net Value'),
    str('TransactionCurrency', 5, 'Document Currency', { ...readOnly, semantics: 'currency-code' }),
    str('ReferenceSDDocument', 10, 'Reference Document', { ...readOnly, alpha: true }),
    str('ReferenceSDDocumentItem', 6, 'Reference Item', { ...readOnly, alpha: true }),
    str('ReferenceSDDocumentCategory', 4, 'Reference Category', readOnly),
    str('SalesDocument', 10, 'Sales Document', { ...readOnly, alpha: true }),
    str('SalesDocumentItem', 6, 'Sales Document Item', { ...readOnly, alpha: true }),
  ],
  navigations: [],
}

export const DOCUMENT_TYPES: readonly EntityTypeDef[] = [
  DELIVERY_HEADER,
  DELIVERY_ITEM,
  BILLING_DOCUMENT,
  BILLING_DOCUMENT_ITEM,
]
