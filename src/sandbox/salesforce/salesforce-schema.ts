/** @module sandbox/salesforce/salesforce-schema — the org's current metadata for Account and Contact, and the drift a test can script (a new required field, a deactivated picklist value). */

import { createHash } from 'node:crypto'
import { defaultFields, field, SOBJECT_TYPES } from './salesforce-fields.ts'
import type { FieldDef, FieldSpec, SObjectType } from './salesforce-fields.ts'
import { KEY_PREFIXES } from './salesforce-ids.ts'

/** The org's current metadata; `/__sim/schema` changes it, reset restores the default. */
export class SalesforceSchema {
  #fields = new Map<SObjectType, FieldDef[]>()

  constructor() {
    this.reset()
  }

  fields(type: SObjectType): readonly FieldDef[] {
    return this.#fields.get(type) ?? []
  }

  /** Case-insensitive lookup, as the API resolves field names in bodies, URLs and SOQL. */
  field(type: SObjectType, name: string): FieldDef | undefined {
    const lower = name.toLowerCase()
    return this.fields(type).find((f) => f.name.toLowerCase() === lower)
  }

  /** Finds a parent relationship (`Account` on Contact, `Parent` on Account) by name. */
  relationship(type: SObjectType, name: string): FieldDef | undefined {
    const lower = name.toLowerCase()
    return this.fields(type).find((f) => f.relationshipName?.toLowerCase() === lower)
  }

  /** Adds a custom field, as an admin would in Setup; a required one breaks creates that omit it. */
  addField(type: SObjectType, spec: FieldSpec): FieldDef {
    if (!spec.name.endsWith('__c')) throw new Error('custom field names end in __c')
    if (this.field(type, spec.name)) throw new Error(`${type}.${spec.name} already exists`)
    const added = field({ ...spec, custom: true })
    this.#fields.set(type, [...this.fields(type), added])
    return added
  }

  /** Deactivates a picklist value; a restricted picklist then refuses it on writes. */
  deactivatePicklistValue(type: SObjectType, fieldName: string, value: string): boolean {
    const def = this.field(type, fieldName)
    if (!def?.picklistValues?.some((v) => v.value === value && v.active)) return false
    const next: FieldDef = {
      ...def,
      picklistValues: def.picklistValues.map((v) =>
        v.value === value ? { ...v, active: false } : v,
      ),
    }
    this.#fields.set(
      type,
      this.fields(type).map((f) => (f === def ? next : f)),
    )
    return true
  }

  /** A stable id of the object's shape; change events name it in `schema`, and drift changes it. */
  schemaId(type: SObjectType): string {
    const shape = this.fields(type).map((f) => `${f.name}:${f.type}:${f.required}`)
    return createHash('sha256')
      .update(`${type}|${shape.join(',')}`)
      .digest('base64url')
      .slice(0, 22)
  }

  reset(): void {
    this.#fields = new Map(SOBJECT_TYPES.map((t) => [t, defaultFields(t)]))
  }

  keyPrefix(type: SObjectType): string {
    return KEY_PREFIXES[type]
  }
}
