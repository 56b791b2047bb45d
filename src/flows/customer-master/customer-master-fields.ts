/** @module flows/customer-master/customer-master-fields — the customer master's fields in canonical names, and how a Salesforce Account spells them. */

/**
 * Canonical customer-master fields as the consistency policy names them (its field groups).
 * Values are JSON: text, or a number for amounts; null when empty.
 */
export type CustomerMasterValues = Record<string, string | number | null>

/** Canonical field → Account field API name. */
export type SalesforceFieldMap = Readonly<Record<string, string>>

/**
 * The standard Account fields for what the CRM owns, and the custom fields an ERP-connected org
 * installs for what the ERP owns (credit limit and payment terms are not standard on Account).
 */
export const DEFAULT_SALESFORCE_FIELDS: SalesforceFieldMap = {
  name: 'Name',
  phone: 'Phone',
  website: 'Website',
  creditLimit: 'Credit_Limit__c',
  paymentTerms: 'Payment_Terms__c',
}

/** `customer:salesforce:<Account Id>`: every run about one Account shares it, so they run one at a time. */
export function accountBusinessKey(accountId: string): string {
  return `customer:salesforce:${accountId}`
}

const empty = (value: unknown): boolean => value === undefined || value === null || value === ''

function jsonValue(value: unknown): string | number | null {
  if (empty(value)) return null
  if (typeof value === 'number' || typeof value === 'string') return value
  if (typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** The canonical values an Account record (REST shape or change event body) holds. */
export function valuesFromAccount(
  record: Readonly<Record<string, unknown>>,
  fields: SalesforceFieldMap,
  only?: readonly string[],
): CustomerMasterValues {
  const values: CustomerMasterValues = {}
  for (const [canonical, apiName] of Object.entries(fields)) {
    if (only !== undefined && !only.includes(canonical)) continue
    values[canonical] = jsonValue(record[apiName])
  }
  return values
}

/** The Account body that writes `values` (canonical names) to Salesforce. */
export function accountBodyOf(
  values: CustomerMasterValues,
  fields: SalesforceFieldMap,
): Record<string, string | number | null> {
  const body: Record<string, string | number | null> = {}
  for (const [canonical, value] of Object.entries(values)) {
    const apiName = fields[canonical]
    if (apiName !== undefined) body[apiName] = value
  }
  return body
}

/** Canonical fields whose Account field is among the changed top-level field paths of an event. */
export function canonicalFieldsOf(
  changedPaths: readonly string[],
  fields: SalesforceFieldMap,
): string[] {
  const changed = new Set(changedPaths.map((p) => p.split('.', 1)[0] ?? p))
  return Object.entries(fields)
    .filter(([, apiName]) => changed.has(apiName))
    .map(([canonical]) => canonical)
}

/** `values` restricted to `names`, in their order. */
export function pick(values: CustomerMasterValues, names: readonly string[]): CustomerMasterValues {
  const out: CustomerMasterValues = {}
  for (const name of names) if (name in values) out[name] = values[name] ?? null
  return out
}
