/** @module sandbox/salesforce/salesforce-record-rules — turns a request body into stored fields the way the org would: names resolved, types checked, lengths, picklists, references, required and unique fields, validation rules. */

import type { FieldDef, SObjectType } from './salesforce-fields.ts'
import { normaliseId, prefixOf } from './salesforce-ids.ts'
import { refusal } from './salesforce-errors.ts'
import type { Refusal } from './salesforce-errors.ts'
import type { FieldValue, SalesforceRecordStore, SfRecord } from './salesforce-record-store.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'

/** A validation rule as an admin defines it: when `condition` holds for `field`, the save fails. */
export interface ValidationRule {
  readonly name: string
  readonly sobject: SObjectType
  readonly field: string
  readonly condition:
    'blank' | 'notBlank' | { readonly equals: FieldValue } | { readonly notMatches: string }
  readonly message: string
  /** Shows the error on the field (listed in `fields`) rather than at the top of the page. */
  readonly errorDisplayField?: boolean
}

export type Prepared =
  | { readonly ok: true; readonly fields: Record<string, FieldValue> }
  | { readonly ok: false; readonly refusal: Refusal }

export interface RuleContext {
  readonly schema: SalesforceSchema
  readonly store: SalesforceRecordStore
  readonly rules: readonly ValidationRule[]
  /** Ids of users that exist in the org (the integration user), for OwnerId. */
  readonly userIds: readonly string[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const fail = (r: Refusal): Prepared => ({ ok: false, refusal: r })

/**
 * Prepares the stored fields for a write of `body` onto `existing` (null for a create). The
 * body's keys are matched case-insensitively and stored under their canonical names.
 */
export function prepareFields(
  ctx: RuleContext,
  type: SObjectType,
  body: unknown,
  existing: SfRecord | null,
  actingUserId: string,
): Prepared {
  if (!isObject(body)) {
    return fail(refusal(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object.'))
  }
  const incoming: Record<string, FieldValue> = {}
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue
    const def = ctx.schema.field(type, key)
    if (!def || def.type === 'address') {
      return fail(
        refusal(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${type}`),
      )
    }
    if (existing ? !def.updateable : !def.createable) {
      return fail(
        refusal(
          400,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${def.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [def.name],
        ),
      )
    }
    const checked = checkValue(ctx, def, raw)
    if ('refusal' in checked) return fail(checked.refusal)
    incoming[def.name] = checked.value
  }
  const merged: Record<string, FieldValue> = { ...existing?.fields, ...incoming }
  if (!existing && merged.OwnerId == null) merged.OwnerId = actingUserId
  if (type === 'Contact') {
    const parts = [merged.FirstName, merged.LastName].filter((p) => typeof p === 'string')
    merged.Name = parts.length > 0 ? parts.join(' ') : null
  }
  const missing = ctx.schema
    .fields(type)
    .filter((f) => f.required && (merged[f.name] === undefined || merged[f.name] === null))
    .map((f) => f.name)
  if (missing.length > 0) {
    return fail(
      refusal(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      ),
    )
  }
  for (const def of ctx.schema.fields(type).filter((f) => f.unique)) {
    const value = merged[def.name]
    if (value === undefined || value === null) continue
    const clash = ctx.store
      .byExternalId(type, def.name, String(value))
      .find((r) => r.id !== existing?.id)
    if (clash) {
      return fail(
        refusal(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${def.name} duplicates value on record with id: ${clash.id}`,
          [],
        ),
      )
    }
  }
  const broken = ctx.rules.find((r) => r.sobject === type && violates(r, merged))
  if (broken) {
    return fail(
      refusal(
        400,
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        broken.message,
        broken.errorDisplayField === true ? [canonical(ctx, type, broken.field)] : [],
      ),
    )
  }
  return { ok: true, fields: merged }
}

const canonical = (ctx: RuleContext, type: SObjectType, name: string): string =>
  ctx.schema.field(type, name)?.name ?? name

function violates(rule: ValidationRule, fields: Readonly<Record<string, FieldValue>>): boolean {
  const entry = Object.entries(fields).find(([k]) => k.toLowerCase() === rule.field.toLowerCase())
  const value = entry?.[1] ?? null
  const blank = value === null || value === ''
  const c = rule.condition
  if (c === 'blank') return blank
  if (c === 'notBlank') return !blank
  if ('equals' in c) return value === c.equals
  return !blank && !new RegExp(c.notMatches).test(String(value))
}

type Checked = { readonly value: FieldValue } | { readonly refusal: Refusal }

/** Checks one value against its field's type, as the REST deserializer and the save do. */
function checkValue(ctx: RuleContext, def: FieldDef, raw: unknown): Checked {
  if (raw === null) return { value: null }
  const parserError = (): Checked => ({
    refusal: refusal(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${def.type} from ${typeof raw === 'string' ? 'VALUE_STRING' : 'VALUE'} value ${JSON.stringify(raw)} or request may be missing a required field`,
    ),
  })
  switch (def.type) {
    case 'int':
    case 'double':
    case 'currency': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN
      if (!Number.isFinite(n) || (typeof raw === 'string' && raw.trim() === '')) {
        return parserError()
      }
      return { value: def.type === 'int' ? Math.trunc(n) : n }
    }
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : parserError()
    case 'date':
    case 'datetime': {
      if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) return parserError()
      const iso = new Date(Date.parse(raw)).toISOString()
      return { value: def.type === 'date' ? iso.slice(0, 10) : iso }
    }
    case 'reference':
      return checkReference(ctx, def, raw)
    default:
      return checkText(def, raw)
  }
}

function checkText(def: FieldDef, raw: unknown): Checked {
  if (typeof raw === 'object') {
    return {
      refusal: refusal(
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of string from START_OBJECT value`,
      ),
    }
  }
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw)
  // Salesforce stores an empty string as null.
  if (text === '') return { value: null }
  if (def.length > 0 && text.length > def.length) {
    return {
      refusal: refusal(
        400,
        'STRING_TOO_LONG',
        `${def.label}: data value too large: ${text.slice(0, 80)} (max length=${def.length})`,
        [def.name],
      ),
    }
  }
  if (def.type === 'email' && !EMAIL.test(text)) {
    return {
      refusal: refusal(
        400,
        'INVALID_EMAIL_ADDRESS',
        `${def.label}: invalid email address: ${text}`,
        [def.name],
      ),
    }
  }
  if (
    def.type === 'picklist' &&
    def.restrictedPicklist === true &&
    !def.picklistValues?.some((v) => v.active && v.value === text)
  ) {
    return {
      refusal: refusal(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `${def.label}: bad value for restricted picklist field: ${text}`,
        [def.name],
      ),
    }
  }
  return { value: text }
}

function checkReference(ctx: RuleContext, def: FieldDef, raw: unknown): Checked {
  const text = typeof raw === 'string' ? raw : String(raw)
  if (text === '') return { value: null }
  const id = normaliseId(text)
  const wrongType = (): Checked => ({
    refusal: refusal(400, 'MALFORMED_ID', `${def.label}: id value of incorrect type: ${text}`, [
      def.name,
    ]),
  })
  if (id === null) return wrongType()
  if (def.referenceTo === 'User') {
    return ctx.userIds.includes(id) ? { value: id } : wrongType()
  }
  const target = def.referenceTo === undefined ? undefined : ctx.store.get(def.referenceTo, id)
  if (!target) {
    if (def.referenceTo !== undefined && prefixOf(id) !== ctx.schema.keyPrefix(def.referenceTo)) {
      return wrongType()
    }
    return {
      refusal: refusal(
        400,
        'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
        `insufficient access rights on cross-reference id: ${text}`,
        [],
      ),
    }
  }
  if (target.isDeleted) {
    return { refusal: refusal(400, 'ENTITY_IS_DELETED', 'entity is deleted', [def.name]) }
  }
  return { value: target.id }
}
