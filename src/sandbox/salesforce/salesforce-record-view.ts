/** @module sandbox/salesforce/salesforce-record-view — a stored row as the REST API shows it: `attributes`, every field by canonical name, Salesforce datetimes, compound addresses. */

import { sfDateTime } from './salesforce-clock.ts'
import { ADDRESS_GROUPS } from './salesforce-fields.ts'
import type { FieldDef, SObjectType } from './salesforce-fields.ts'
import type { FieldValue, SfRecord } from './salesforce-record-store.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'

export type RenderedValue = FieldValue | Readonly<Record<string, FieldValue>>

export const sobjectUrl = (version: string, type: SObjectType, id: string): string =>
  `/services/data/v${version}/sobjects/${type}/${id}`

export const attributesOf = (
  version: string,
  record: SfRecord,
): { type: SObjectType; url: string } => ({
  type: record.type,
  url: sobjectUrl(version, record.type, record.id),
})

/** The value of one field as the API renders it (audit fields come from the row itself). */
export function renderField(def: FieldDef, record: SfRecord): RenderedValue {
  switch (def.name) {
    case 'Id':
      return record.id
    case 'IsDeleted':
      return record.isDeleted
    case 'CreatedDate':
      return sfDateTime(record.createdDate)
    case 'CreatedById':
      return record.createdById
    case 'LastModifiedDate':
      return sfDateTime(record.lastModifiedDate)
    case 'LastModifiedById':
      return record.lastModifiedById
    case 'SystemModstamp':
      return sfDateTime(record.systemModstamp)
  }
  if (def.type === 'address') return renderAddress(record, def.name)
  const value = record.fields[def.name] ?? null
  if (def.type === 'datetime' && typeof value === 'string') return sfDateTime(Date.parse(value))
  return value
}

/** REST shows a compound address with lower-case component keys, or null when it is empty. */
function renderAddress(record: SfRecord, name: string): RenderedValue {
  const group = ADDRESS_GROUPS[record.type].find((g) => g.name === name)
  if (!group) return null
  const part = (component: string): FieldValue =>
    record.fields[`${group.prefix}${component}`] ?? null
  const parts = {
    city: part('City'),
    country: part('Country'),
    geocodeAccuracy: null,
    latitude: null,
    longitude: null,
    postalCode: part('PostalCode'),
    state: part('State'),
    street: part('Street'),
  }
  return [parts.city, parts.country, parts.postalCode, parts.state, parts.street].every(
    (v) => v === null,
  )
    ? null
    : parts
}

/** The whole row (or the named fields) with its `attributes`, as GET sobjects/{type}/{id} answers. */
export function renderRecord(
  schema: SalesforceSchema,
  version: string,
  record: SfRecord,
  only?: readonly FieldDef[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributesOf(version, record) }
  for (const def of only ?? schema.fields(record.type)) out[def.name] = renderField(def, record)
  return out
}
