/** @module sandbox/salesforce/salesforce-soql-eval — resolves a parsed query against the org's schema and runs it: case-insensitive text, typed filters, parent fields, Salesforce's null ordering. */

import { sobjectTypeOf } from './salesforce-fields.ts'
import { normaliseId } from './salesforce-ids.ts'
import type { FieldDef, SObjectType } from './salesforce-fields.ts'
import type { SalesforceRecordStore, SfRecord } from './salesforce-record-store.ts'
import { attributesOf, renderField } from './salesforce-record-view.ts'
import type { RenderedValue } from './salesforce-record-view.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'
import { positioned, SoqlError } from './salesforce-soql-parser.ts'
import type { Condition, FieldRef, Literal, SoqlQuery } from './salesforce-soql-parser.ts'

/** A field reference resolved to its definition, through at most one parent relationship. */
interface Resolved {
  readonly ref: FieldRef
  readonly parent: { readonly def: FieldDef; readonly type: SObjectType } | null
  readonly def: FieldDef
}

export interface QueryRun {
  readonly type: SObjectType
  /** Rows as the API returns them, already rendered: the cursor pages through this snapshot. */
  readonly rows: readonly Record<string, unknown>[]
  readonly count: boolean
}

const MAX_OFFSET = 2000

export function runSoql(
  schema: SalesforceSchema,
  store: SalesforceRecordStore,
  soql: string,
  query: SoqlQuery,
  version: string,
  includeDeleted: boolean,
): QueryRun {
  const type = sobjectTypeOf(query.from.name)
  if (!type) {
    throw new SoqlError(
      'INVALID_TYPE',
      positioned(
        soql,
        query.from.at,
        `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      ),
    )
  }
  const resolve = (ref: FieldRef): Resolved => resolveField(schema, soql, type, ref)
  const select = query.select === 'count' ? [] : query.select.map(resolve)
  const where = query.where
  if (where) checkCondition(soql, where, resolve)
  const order = query.orderBy.map((o) => ({ ...o, resolved: resolve(o.field) }))
  if (query.offset !== null && query.offset > MAX_OFFSET) {
    throw new SoqlError(
      'NUMBER_OUTSIDE_VALID_RANGE',
      `Maximum SOQL offset allowed is ${MAX_OFFSET}`,
    )
  }
  const valueOf = (record: SfRecord, r: Resolved): RenderedValue => {
    if (!r.parent) return renderField(r.def, record)
    const parent = parentOf(store, record, r.parent)
    return parent ? renderField(r.def, parent) : null
  }
  let records = store.list(type, includeDeleted)
  if (where) records = records.filter((r) => matches(where, r, resolve, valueOf))
  if (order.length > 0) {
    records = [...records].sort((a, b) => {
      for (const o of order) {
        const c = compareForOrder(valueOf(a, o.resolved), valueOf(b, o.resolved), o)
        if (c !== 0) return c
      }
      return 0
    })
  }
  records = records.slice(
    query.offset ?? 0,
    query.limit === null ? undefined : (query.offset ?? 0) + query.limit,
  )
  const rows = records.map((record) => {
    const row: Record<string, unknown> = { attributes: attributesOf(version, record) }
    for (const r of select) {
      if (!r.parent) {
        row[r.def.name] = renderField(r.def, record)
        continue
      }
      const name = r.parent.def.relationshipName ?? r.parent.def.name
      const parent = parentOf(store, record, r.parent)
      if (!parent) row[name] = null
      else {
        const nested = (row[name] ?? { attributes: attributesOf(version, parent) }) as Record<
          string,
          unknown
        >
        nested[r.def.name] = renderField(r.def, parent)
        row[name] = nested
      }
    }
    return row
  })
  return { type, rows, count: query.select === 'count' }
}

function parentOf(
  store: SalesforceRecordStore,
  record: SfRecord,
  parent: NonNullable<Resolved['parent']>,
): SfRecord | undefined {
  const id = record.fields[parent.def.name]
  return typeof id === 'string' ? store.get(parent.type, id) : undefined
}

function resolveField(
  schema: SalesforceSchema,
  soql: string,
  type: SObjectType,
  ref: FieldRef,
): Resolved {
  const noColumn = (name: string, on: SObjectType): SoqlError =>
    new SoqlError(
      'INVALID_FIELD',
      positioned(
        soql,
        ref.at,
        `No such column '${name}' on entity '${on}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      ),
    )
  const [first, second, ...rest] = ref.path
  if (first === undefined) throw noColumn('', type)
  if (second === undefined) {
    const def = schema.field(type, first)
    if (!def) throw noColumn(first, type)
    return { ref, parent: null, def }
  }
  const relation = schema.relationship(type, first)
  const target = relation?.referenceTo
  if (!relation || rest.length > 0 || target === undefined || target === 'User') {
    throw new SoqlError(
      'INVALID_FIELD',
      positioned(
        soql,
        ref.at,
        `Didn't understand relationship '${first}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      ),
    )
  }
  const def = schema.field(target, second)
  if (!def) throw noColumn(second, target)
  return { ref, parent: { def: relation, type: target }, def }
}

const TEXT_TYPES = new Set([
  'id',
  'string',
  'textarea',
  'picklist',
  'reference',
  'email',
  'phone',
  'url',
])
const NUMBER_TYPES = new Set(['int', 'double', 'currency'])

/** Refuses a literal of the wrong kind for its field, with the API's wording. */
function checkCondition(
  soql: string,
  condition: Condition,
  resolve: (ref: FieldRef) => Resolved,
): void {
  if ('left' in condition) {
    checkCondition(soql, condition.left, resolve)
    checkCondition(soql, condition.right, resolve)
    return
  }
  if (condition.kind === 'not') return checkCondition(soql, condition.inner, resolve)
  const { def } = resolve(condition.field)
  const values =
    condition.kind === 'cmp' ? [condition.value] : condition.kind === 'in' ? condition.values : []
  const wrong = (expected: string, quoted: boolean): SoqlError =>
    new SoqlError(
      'INVALID_FIELD',
      positioned(
        soql,
        condition.field.at,
        `value of filter criterion for field '${def.name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      ),
    )
  for (const v of values) {
    if (v.kind === 'null') continue
    if (TEXT_TYPES.has(def.type) && v.kind !== 'string') throw wrong('string', true)
    if (NUMBER_TYPES.has(def.type) && v.kind !== 'number') throw wrong('double', false)
    if (def.type === 'datetime' && v.kind !== 'datetime') throw wrong('dateTime', false)
    if (def.type === 'date' && v.kind !== 'date') throw wrong('date', false)
    if (def.type === 'boolean' && v.kind !== 'boolean') throw wrong('boolean', false)
  }
  if (condition.kind === 'like' && !TEXT_TYPES.has(def.type)) {
    throw new SoqlError(
      'INVALID_FIELD',
      positioned(soql, condition.field.at, `invalid operator on ${def.type} field: LIKE`),
    )
  }
}

/** A comparable form: text folds case, datetimes become epoch ms. */
function comparable(value: RenderedValue): string | number | boolean | null {
  if (value === null || typeof value === 'object') return null
  if (typeof value === 'string') {
    const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value.replace(/\+0000$/, 'Z')) : NaN
    return Number.isNaN(ms) ? value.toLowerCase() : ms
  }
  return value
}

function literalValue(l: Literal): string | number | boolean | null {
  switch (l.kind) {
    case 'string':
      return l.value.toLowerCase()
    case 'number':
    case 'boolean':
      return l.value
    case 'datetime':
      return l.ms
    case 'date':
      return l.value
    case 'null':
      return null
  }
}

/** Ids compare in their 18-character form, so a 15-character literal finds its row. */
function literalFor(def: FieldDef, l: Literal): string | number | boolean | null {
  if ((def.type === 'id' || def.type === 'reference') && l.kind === 'string') {
    return (normaliseId(l.value) ?? l.value).toLowerCase()
  }
  return literalValue(l)
}

function matches(
  c: Condition,
  record: SfRecord,
  resolve: (ref: FieldRef) => Resolved,
  valueOf: (record: SfRecord, r: Resolved) => RenderedValue,
): boolean {
  switch (c.kind) {
    case 'and':
      return matches(c.left, record, resolve, valueOf) && matches(c.right, record, resolve, valueOf)
    case 'or':
      return matches(c.left, record, resolve, valueOf) || matches(c.right, record, resolve, valueOf)
    case 'not':
      return !matches(c.inner, record, resolve, valueOf)
    case 'in': {
      const r = resolve(c.field)
      const v = comparable(valueOf(record, r))
      const found = c.values.some((l) => literalFor(r.def, l) === v)
      return c.negated ? !found : found
    }
    case 'like': {
      const v = comparable(valueOf(record, resolve(c.field)))
      if (typeof v !== 'string') return false
      const pattern = c.pattern
        .toLowerCase()
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')
      return new RegExp(`^${pattern}$`, 's').test(v)
    }
    case 'cmp': {
      const r = resolve(c.field)
      const v = comparable(valueOf(record, r))
      const l = literalFor(r.def, c.value)
      if (c.op === '=') return v === l
      if (c.op === '!=') return v !== l
      if (v === null || l === null) return false
      if (c.op === '<') return v < l
      if (c.op === '<=') return v <= l
      if (c.op === '>') return v > l
      return v >= l
    }
  }
}

/** One ORDER BY key; nulls go where `NULLS FIRST|LAST` (or its default) says, whatever the direction. */
function compareForOrder(
  a: RenderedValue,
  b: RenderedValue,
  order: { readonly descending: boolean; readonly nullsLast: boolean },
): number {
  const x = comparable(a)
  const y = comparable(b)
  if (x === null || y === null) {
    if (x === y) return 0
    return (x === null) === order.nullsLast ? 1 : -1
  }
  const c = x < y ? -1 : x > y ? 1 : 0
  return order.descending ? -c : c
}
