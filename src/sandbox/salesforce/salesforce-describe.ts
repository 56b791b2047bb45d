/** @module sandbox/salesforce/salesforce-describe — describeGlobal, sObject basic information and describe, so a connector can check the org's fields (and notice drift) before writing. */

import { SOBJECT_TYPES } from './salesforce-fields.ts'
import type { FieldDef, SObjectType } from './salesforce-fields.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'

const urlsOf = (version: string, type: SObjectType): Record<string, string> => {
  const base = `/services/data/v${version}/sobjects/${type}`
  return {
    sobject: base,
    describe: `${base}/describe`,
    rowTemplate: `${base}/{ID}`,
  }
}

function summary(
  schema: SalesforceSchema,
  version: string,
  type: SObjectType,
): Record<string, unknown> {
  return {
    name: type,
    label: type,
    labelPlural: `${type}s`,
    keyPrefix: schema.keyPrefix(type),
    custom: false,
    createable: true,
    updateable: true,
    deletable: true,
    undeletable: true,
    queryable: true,
    replicateable: true,
    urls: urlsOf(version, type),
  }
}

const SOAP_TYPES: Readonly<Record<string, string>> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  datetime: 'xsd:dateTime',
  date: 'xsd:date',
  address: 'urn:address',
}

function describeField(def: FieldDef): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    soapType: SOAP_TYPES[def.type] ?? 'xsd:string',
    length: def.length,
    nillable: !def.required && def.type !== 'boolean' && def.name !== 'Id',
    createable: def.createable,
    updateable: def.updateable,
    defaultedOnCreate: !def.createable || def.name === 'OwnerId',
    externalId: def.externalId,
    idLookup: def.externalId || def.name === 'Id',
    unique: def.unique,
    caseSensitive: false,
    custom: def.custom,
    filterable: def.type !== 'address' && def.type !== 'textarea',
    sortable: def.type !== 'address' && def.type !== 'textarea',
    // Describe lists active values only: a deactivated value simply disappears.
    picklistValues: (def.picklistValues ?? [])
      .filter((v) => v.active)
      .map((v) => ({
        active: v.active,
        defaultValue: false,
        label: v.value,
        validFor: null,
        value: v.value,
      })),
    restrictedPicklist: def.restrictedPicklist === true,
    referenceTo: def.referenceTo === undefined ? [] : [def.referenceTo],
    relationshipName: def.relationshipName ?? null,
  }
}

export function describeGlobal(schema: SalesforceSchema, version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: SOBJECT_TYPES.map((t) => summary(schema, version, t)),
  }
}

export function basicInfo(
  schema: SalesforceSchema,
  version: string,
  type: SObjectType,
): Record<string, unknown> {
  return { objectDescribe: summary(schema, version, type), recentItems: [] }
}

export function describeSObject(
  schema: SalesforceSchema,
  version: string,
  type: SObjectType,
): Record<string, unknown> {
  return {
    ...summary(schema, version, type),
    fields: schema.fields(type).map(describeField),
  }
}
