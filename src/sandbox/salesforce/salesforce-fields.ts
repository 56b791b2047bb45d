/** @module sandbox/salesforce/salesforce-fields — Account and Contact fields as a new org (plus the integration's custom fields) describes them: types, lengths, picklists, external ids. */

export const SOBJECT_TYPES = ['Account', 'Contact'] as const
export type SObjectType = (typeof SOBJECT_TYPES)[number]

/** Case-insensitive, as Salesforce resolves object names in URLs and SOQL. */
export function sobjectTypeOf(name: string): SObjectType | null {
  return SOBJECT_TYPES.find((t) => t.toLowerCase() === name.toLowerCase()) ?? null
}

export const FIELD_TYPES = [
  'id',
  'string',
  'textarea',
  'picklist',
  'reference',
  'currency',
  'int',
  'double',
  'boolean',
  'datetime',
  'date',
  'email',
  'phone',
  'url',
  'address',
] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export interface PicklistValue {
  readonly value: string
  readonly active: boolean
}

export interface FieldDef {
  readonly name: string
  readonly label: string
  readonly type: FieldType
  readonly length: number
  /** Not nillable, no default, createable: a create without it is REQUIRED_FIELD_MISSING. */
  readonly required: boolean
  readonly createable: boolean
  readonly updateable: boolean
  readonly externalId: boolean
  readonly unique: boolean
  readonly custom: boolean
  readonly picklistValues?: readonly PicklistValue[]
  /** Restricted picklists refuse values outside the list; standard ones (Type, Industry) do not. */
  readonly restrictedPicklist?: boolean
  readonly referenceTo?: SObjectType | 'User'
  readonly relationshipName?: string
}

/** Address fields are stored as their components and shown as one compound field. */
export interface AddressGroup {
  readonly name: string
  readonly prefix: string
}
export const ADDRESS_COMPONENTS = ['Street', 'City', 'State', 'PostalCode', 'Country'] as const

export const ADDRESS_GROUPS: Readonly<Record<SObjectType, readonly AddressGroup[]>> = {
  Account: [
    { name: 'BillingAddress', prefix: 'Billing' },
    { name: 'ShippingAddress', prefix: 'Shipping' },
  ],
  Contact: [{ name: 'MailingAddress', prefix: 'Mailing' }],
}

export type FieldSpec = Partial<FieldDef> & Pick<FieldDef, 'name' | 'type'>

export const field = (spec: FieldSpec): FieldDef => ({
  label: spec.name.replace(/__c$/, '').replace(/_/g, ' '),
  length: spec.type === 'string' || spec.type === 'textarea' ? 255 : 0,
  required: false,
  createable: true,
  updateable: true,
  externalId: false,
  unique: false,
  custom: spec.name.endsWith('__c'),
  ...spec,
})
const system = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef =>
  field({ name, type, createable: false, updateable: false, ...extra })
const picklist = (values: readonly string[]): readonly PicklistValue[] =>
  values.map((value) => ({ value, active: true }))
const address = (prefix: string, label: string): FieldDef[] => [
  field({ name: `${prefix}Street`, label: `${label} Street`, type: 'textarea', length: 255 }),
  field({ name: `${prefix}City`, label: `${label} City`, type: 'string', length: 40 }),
  field({ name: `${prefix}State`, label: `${label} State/Province`, type: 'string', length: 80 }),
  field({
    name: `${prefix}PostalCode`,
    label: `${label} Zip/Postal Code`,
    type: 'string',
    length: 20,
  }),
  field({ name: `${prefix}Country`, label: `${label} Country`, type: 'string', length: 80 }),
  system(`${prefix}Address`, 'address', { label: `${label} Address` }),
]
const audit = (): FieldDef[] => [
  field({
    name: 'OwnerId',
    label: 'Owner ID',
    type: 'reference',
    length: 18,
    referenceTo: 'User',
    relationshipName: 'Owner',
  }),
  system('CreatedDate', 'datetime', { label: 'Created Date' }),
  system('CreatedById', 'reference', { label: 'Created By ID', length: 18, referenceTo: 'User' }),
  system('LastModifiedDate', 'datetime', { label: 'Last Modified Date' }),
  system('LastModifiedById', 'reference', {
    label: 'Last Modified By ID',
    length: 18,
    referenceTo: 'User',
  }),
  system('SystemModstamp', 'datetime', { label: 'System Modstamp' }),
]
/** The external-id and version fields an integration installs on both objects. */
const integration = (): FieldDef[] => [
  field({
    name: 'External_Id__c',
    label: 'External Id',
    type: 'string',
    length: 255,
    externalId: true,
  }),
  field({
    name: 'Syncline_Source_Version__c',
    label: 'Syncline Source Version',
    type: 'string',
    length: 64,
  }),
]

export function defaultFields(type: SObjectType): FieldDef[] {
  const head = [
    system('Id', 'id', { label: `${type} ID`, length: 18 }),
    system('IsDeleted', 'boolean', { label: 'Deleted' }),
  ]
  if (type === 'Account') {
    return [
      ...head,
      field({ name: 'Name', label: 'Account Name', type: 'string', length: 255, required: true }),
      field({
        name: 'Type',
        label: 'Account Type',
        type: 'picklist',
        length: 255,
        picklistValues: picklist([
          'Prospect',
          'Customer - Direct',
          'Customer - Channel',
          'Channel Partner / Reseller',
          'Installation Partner',
          'Technology Partner',
          'Other',
        ]),
      }),
      field({
        name: 'ParentId',
        label: 'Parent Account ID',
        type: 'reference',
        length: 18,
        referenceTo: 'Account',
        relationshipName: 'Parent',
      }),
      ...address('Billing', 'Billing'),
      ...address('Shipping', 'Shipping'),
      field({ name: 'Phone', label: 'Account Phone', type: 'phone', length: 40 }),
      field({ name: 'Fax', label: 'Account Fax', type: 'phone', length: 40 }),
      field({ name: 'AccountNumber', label: 'Account Number', type: 'string', length: 40 }),
      field({ name: 'Website', type: 'url', length: 255 }),
      field({
        name: 'Industry',
        type: 'picklist',
        length: 255,
        picklistValues: picklist([
          'Agriculture',
          'Apparel',
          'Banking',
          'Biotechnology',
          'Chemicals',
          'Communications',
          'Construction',
          'Consulting',
          'Education',
          'Electronics',
          'Energy',
          'Engineering',
          'Entertainment',
          'Environmental',
          'Finance',
          'Food & Beverage',
          'Government',
          'Healthcare',
          'Hospitality',
          'Insurance',
          'Machinery',
          'Manufacturing',
          'Media',
          'Not For Profit',
          'Recreation',
          'Retail',
          'Shipping',
          'Technology',
          'Telecommunications',
          'Transportation',
          'Utilities',
          'Other',
        ]),
      }),
      field({ name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency' }),
      field({ name: 'NumberOfEmployees', label: 'Employees', type: 'int' }),
      field({
        name: 'AccountSource',
        label: 'Account Source',
        type: 'picklist',
        length: 255,
        picklistValues: picklist([
          'Web',
          'Phone Inquiry',
          'Partner Referral',
          'Purchased List',
          'Other',
        ]),
      }),
      field({ name: 'Description', label: 'Account Description', type: 'textarea', length: 32000 }),
      ...audit(),
      ...integration(),
      field({
        name: 'ERP_Customer_Id__c',
        label: 'ERP Customer Id',
        type: 'string',
        length: 40,
        externalId: true,
        unique: true,
      }),
      field({
        name: 'Customer_Tier__c',
        label: 'Customer Tier',
        type: 'picklist',
        length: 255,
        restrictedPicklist: true,
        picklistValues: picklist(['Gold', 'Silver', 'Bronze']),
      }),
    ]
  }
  return [
    ...head,
    field({
      name: 'AccountId',
      label: 'Account ID',
      type: 'reference',
      length: 18,
      referenceTo: 'Account',
      relationshipName: 'Account',
    }),
    field({ name: 'LastName', label: 'Last Name', type: 'string', length: 80, required: true }),
    field({ name: 'FirstName', label: 'First Name', type: 'string', length: 40 }),
    field({
      name: 'Salutation',
      type: 'picklist',
      length: 40,
      picklistValues: picklist(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.']),
    }),
    system('Name', 'string', { label: 'Full Name', length: 121 }),
    ...address('Mailing', 'Mailing'),
    field({ name: 'Phone', label: 'Business Phone', type: 'phone', length: 40 }),
    field({ name: 'MobilePhone', label: 'Mobile Phone', type: 'phone', length: 40 }),
    field({ name: 'Email', type: 'email', length: 80 }),
    field({ name: 'Title', type: 'string', length: 128 }),
    field({ name: 'Department', type: 'string', length: 80 }),
    field({ name: 'Description', label: 'Contact Description', type: 'textarea', length: 32000 }),
    ...audit(),
    ...integration(),
  ]
}
