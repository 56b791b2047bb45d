/** @module sandbox/sap/sap-model — the OData services as data: entity types, keys, properties with SAP's facets, navigation; $metadata, parsing and rendering all read it. */

import {
  BILLING_DOCUMENT_SERVICE,
  DOCUMENT_TYPES,
  OUTBOUND_DELIVERY_SERVICE,
} from './sap-document-model.ts'

export const EDM_TYPES = [
  'Edm.String',
  'Edm.Decimal',
  'Edm.Boolean',
  'Edm.DateTime',
  'Edm.DateTimeOffset',
  'Edm.Time',
  'Edm.Guid',
] as const
export type EdmType = (typeof EDM_TYPES)[number]

export interface PropertyDef {
  readonly name: string
  readonly type: EdmType
  readonly label: string
  readonly maxLength?: number
  readonly precision?: number
  readonly scale?: number
  /** False for what SAP fills itself; a body carrying such a field has it ignored, as Gateway does. */
  readonly creatable: boolean
  readonly updatable: boolean
  /** The ALPHA conversion exit: numeric values lose their leading zeros on the wire. */
  readonly alpha?: boolean
  readonly displayFormat?: 'Date' | 'UpperCase'
  readonly semantics?: 'currency-code' | 'unit-of-measure'
  /** sap:unit: the property holding this amount's currency or this quantity's unit. */
  readonly unit?: string
  /** Refused when missing on create; set on key-user extension fields made mandatory (schema drift). */
  readonly mandatory?: boolean
  /** ConcurrencyMode="Fixed": the property the ETag is computed from. */
  readonly concurrency?: boolean
}

export interface NavigationDef {
  readonly name: string
  readonly toSet: string
  readonly many: boolean
}

export interface EntityTypeDef {
  readonly name: string
  readonly set: string
  readonly service: string
  readonly label: string
  readonly keys: readonly string[]
  readonly properties: readonly PropertyDef[]
  readonly navigations: readonly NavigationDef[]
  readonly creatable: boolean
  readonly updatable: boolean
  readonly deletable: boolean
}

type Facets = Partial<Omit<PropertyDef, 'name' | 'type' | 'label'>>
const prop = (name: string, type: EdmType, label: string, facets: Facets = {}): PropertyDef => ({
  name,
  type,
  label,
  creatable: true,
  updatable: true,
  ...facets,
})
const str = (name: string, maxLength: number, label: string, facets: Facets = {}) =>
  prop(name, 'Edm.String', label, { maxLength, ...facets })
const readOnly: Facets = { creatable: false, updatable: false }
const createOnly: Facets = { updatable: false }
const date = (name: string, label: string, facets: Facets = {}) =>
  prop(name, 'Edm.DateTime', label, { precision: 0, displayFormat: 'Date', ...facets })
const amount = (name: string, label: string, unit: string, facets: Facets = {}) =>
  prop(name, 'Edm.Decimal', label, { precision: 16, scale: 3, unit, ...facets })

export const SALES_ORDER_SERVICE = 'API_SALES_ORDER_SRV'
export const BUSINESS_PARTNER_SERVICE = 'API_BUSINESS_PARTNER'
export const SERVICE_NAMES = [
  SALES_ORDER_SERVICE,
  BUSINESS_PARTNER_SERVICE,
  OUTBOUND_DELIVERY_SERVICE,
  BILLING_DOCUMENT_SERVICE,
] as const

const SALES_ORDER: EntityTypeDef = {
  name: 'A_SalesOrderType',
  set: 'A_SalesOrder',
  service: SALES_ORDER_SERVICE,
  label: 'Sales Order',
  keys: ['SalesOrder'],
  creatable: true,
  updatable: true,
  deletable: true,
  properties: [
    str('SalesOrder', 10, 'Sales Order', { ...readOnly, alpha: true }),
    str('SalesOrderType', 4, 'Sales Document Type', createOnly),
    str('SalesOrganization', 4, 'Sales Organization', createOnly),
    str('DistributionChannel', 2, 'Distribution Channel', createOnly),
    str('OrganizationDivision', 2, 'Division', createOnly),
    str('SalesGroup', 3, 'Sales Group'),
    str('SalesOffice', 4, 'Sales Office'),
    str('SoldToParty', 10, 'Sold-to Party', { ...createOnly, alpha: true }),
    date('CreationDate', 'Created On', readOnly),
    str('CreatedByUser', 12, 'Created By', readOnly),
    date('LastChangeDate', 'Last Changed On', readOnly),
    prop('LastChangeDateTime', 'Edm.DateTimeOffset', 'Changed On', {
      ...readOnly,
      precision: 7,
      concurrency: true,
    }),
    str('PurchaseOrderByCustomer', 35, 'Customer Reference'),
    date('CustomerPurchaseOrderDate', 'Customer Reference Date'),
    date('SalesOrderDate', 'Document Date'),
    amount('TotalNetAmount', 'Net Value', 'TransactionCurrency', readOnly),
    str('TransactionCurrency', 5, 'Document Currency', {
      ...createOnly,
      semantics: 'currency-code',
    }),
    date('RequestedDeliveryDate', 'Requested Delivery Date'),
    str('CustomerPaymentTerms', 4, 'Terms of Payment'),
    str('DeliveryBlockReason', 2, 'Delivery Block'),
    str('HeaderBillingBlockReason', 2, 'Billing Block'),
    str('OverallSDProcessStatus', 1, 'Overall Status', readOnly),
    str('OverallTotalDeliveryStatus', 1, 'Delivery Status', readOnly),
    str('OverallSDDocumentRejectionSts', 1, 'Rejection Status', readOnly),
    // Credit management's verdict at save: '' not checked, A passed, B blocked, D released.
    str('TotalCreditCheckStatus', 1, 'Total Credit Check Status', readOnly),
  ],
  navigations: [{ name: 'to_Item', toSet: 'A_SalesOrderItem', many: true }],
}

const SALES_ORDER_ITEM: EntityTypeDef = {
  name: 'A_SalesOrderItemType',
  set: 'A_SalesOrderItem',
  service: SALES_ORDER_SERVICE,
  label: 'Sales Order Item',
  keys: ['SalesOrder', 'SalesOrderItem'],
  creatable: true,
  updatable: true,
  deletable: true,
  properties: [
    str('SalesOrder', 10, 'Sales Order', { ...readOnly, alpha: true }),
    str('SalesOrderItem', 6, 'Item', { ...createOnly, alpha: true }),
    str('SalesOrderItemCategory', 4, 'Item Category', readOnly),
    str('SalesOrderItemText', 40, 'Item Description'),
    str('PurchaseOrderByCustomer', 35, 'Customer Reference'),
    str('Material', 40, 'Material', { ...createOnly, displayFormat: 'UpperCase' }),
    prop('RequestedQuantity', 'Edm.Decimal', 'Order Quantity', {
      precision: 15,
      scale: 3,
      unit: 'RequestedQuantityUnit',
    }),
    str('RequestedQuantityUnit', 3, 'Sales Unit', { semantics: 'unit-of-measure' }),
    amount('NetAmount', 'Net Value', 'TransactionCurrency', readOnly),
    str('TransactionCurrency', 5, 'Document Currency', { ...readOnly, semantics: 'currency-code' }),
    amount('NetPriceAmount', 'Net Price', 'TransactionCurrency', readOnly),
    str('SDProcessStatus', 1, 'Overall Status', readOnly),
    // SAP has no cancel: an item is taken out by giving it a reason for rejection.
    str('SalesDocumentRjcnReason', 2, 'Reason for Rejection'),
  ],
  navigations: [{ name: 'to_SalesOrder', toSet: 'A_SalesOrder', many: false }],
}

const BUSINESS_PARTNER: EntityTypeDef = {
  name: 'A_BusinessPartnerType',
  set: 'A_BusinessPartner',
  service: BUSINESS_PARTNER_SERVICE,
  label: 'Business Partner',
  keys: ['BusinessPartner'],
  creatable: true,
  updatable: true,
  // Business partners are archived, never deleted through the API.
  deletable: false,
  properties: [
    str('BusinessPartner', 10, 'Business Partner', { ...createOnly, alpha: true }),
    str('Customer', 10, 'Customer', { ...readOnly, alpha: true }),
    str('Supplier', 10, 'Supplier', { ...readOnly, alpha: true }),
    str('BusinessPartnerCategory', 1, 'BP Category', createOnly),
    str('BusinessPartnerFullName', 81, 'Name', readOnly),
    str('BusinessPartnerGrouping', 4, 'Grouping', createOnly),
    str('BusinessPartnerName', 81, 'Name', readOnly),
    prop('BusinessPartnerUUID', 'Edm.Guid', 'BP GUID', readOnly),
    str('CorrespondenceLanguage', 2, 'Correspondence Lang.'),
    str('CreatedByUser', 12, 'Created By', readOnly),
    date('CreationDate', 'Created On', readOnly),
    prop('CreationTime', 'Edm.Time', 'Created At', { ...readOnly, precision: 0 }),
    str('FirstName', 40, 'First Name'),
    str('LastName', 40, 'Last Name'),
    str('OrganizationBPName1', 40, 'Name 1'),
    str('OrganizationBPName2', 40, 'Name 2'),
    str('SearchTerm1', 20, 'Search Term 1', { displayFormat: 'UpperCase' }),
    str('SearchTerm2', 20, 'Search Term 2', { displayFormat: 'UpperCase' }),
    str('Language', 2, 'Language Key'),
    str('IsNaturalPerson', 1, 'Natural Person', readOnly),
    prop('BusinessPartnerIsBlocked', 'Edm.Boolean', 'Central Block'),
    str('BusinessPartnerIdByExtSystem', 20, 'BP ID in External System'),
    str('LastChangedByUser', 12, 'Changed By', readOnly),
    date('LastChangeDate', 'Changed On', readOnly),
    prop('LastChangeTime', 'Edm.Time', 'Changed At', { ...readOnly, precision: 0 }),
  ],
  navigations: [{ name: 'to_BusinessPartnerRole', toSet: 'A_BusinessPartnerRole', many: true }],
}

const BUSINESS_PARTNER_ROLE: EntityTypeDef = {
  name: 'A_BusinessPartnerRoleType',
  set: 'A_BusinessPartnerRole',
  service: BUSINESS_PARTNER_SERVICE,
  label: 'BP Role',
  keys: ['BusinessPartner', 'BusinessPartnerRole'],
  creatable: true,
  updatable: false,
  deletable: false,
  properties: [
    str('BusinessPartner', 10, 'Business Partner', { ...readOnly, alpha: true }),
    str('BusinessPartnerRole', 6, 'BP Role', createOnly),
    prop('ValidFrom', 'Edm.DateTimeOffset', 'Validity Start', { ...createOnly, precision: 0 }),
    prop('ValidTo', 'Edm.DateTimeOffset', 'Validity End', { ...createOnly, precision: 0 }),
  ],
  navigations: [],
}

const BASE_TYPES: readonly EntityTypeDef[] = [
  SALES_ORDER,
  SALES_ORDER_ITEM,
  BUSINESS_PARTNER,
  BUSINESS_PARTNER_ROLE,
  ...DOCUMENT_TYPES,
]

/** A key-user extension field (custom field app): SAP names them YY1_… and they change $metadata. */
export interface ExtensionField {
  readonly entitySet: string
  readonly name: string
  readonly maxLength: number
  readonly label: string
  readonly mandatory: boolean
}

/** The services as deployed now: the base types plus whatever extension fields were added. */
export class SapModel {
  #extensions: ExtensionField[] = []

  /** Every entity type of a service, extensions merged in. */
  types(service: string): EntityTypeDef[] {
    return BASE_TYPES.filter((t) => t.service === service).map((t) => this.#extended(t))
  }

  /** An entity set of a service, or undefined (a set of the other service does not count). */
  set(service: string, setName: string): EntityTypeDef | undefined {
    const base = BASE_TYPES.find((t) => t.service === service && t.set === setName)
    return base && this.#extended(base)
  }

  extensions(): readonly ExtensionField[] {
    return [...this.#extensions]
  }

  /** Adds (or redefines) an extension field; the next $metadata and every write see it. */
  extend(field: ExtensionField): void {
    if (!BASE_TYPES.some((t) => t.set === field.entitySet)) {
      throw new Error(`no entity set ${field.entitySet}`)
    }
    if (!/^YY1_[A-Za-z0-9_]{1,26}$/.test(field.name)) {
      throw new Error('extension field names are YY1_ followed by up to 26 letters, digits or _')
    }
    this.#extensions = [
      ...this.#extensions.filter(
        (f) => !(f.entitySet === field.entitySet && f.name === field.name),
      ),
      field,
    ]
  }

  reset(): void {
    this.#extensions = []
  }

  #extended(type: EntityTypeDef): EntityTypeDef {
    const extra = this.#extensions.filter((f) => f.entitySet === type.set)
    if (extra.length === 0) return type
    return {
      ...type,
      properties: [
        ...type.properties,
        ...extra.map((f) =>
          str(f.name, f.maxLength, f.label, f.mandatory ? { mandatory: true } : {}),
        ),
      ],
    }
  }
}

export const propertyOf = (type: EntityTypeDef, name: string): PropertyDef | undefined =>
  type.properties.find((p) => p.name === name)

export const navigationOf = (type: EntityTypeDef, name: string): NavigationDef | undefined =>
  type.navigations.find((n) => n.name === name)
