/** @module sandbox/salesforce/salesforce-collections — sObject Collections (/composite/sobjects): up to 200 records per create, update, upsert, retrieve or delete, with per-record results and allOrNone. */

import type { SimResponse } from '../kit/sim-response.ts'
import { sfError, sfErrors, sfJson } from './salesforce-errors.ts'
import type { Refusal } from './salesforce-errors.ts'
import { sobjectTypeOf } from './salesforce-fields.ts'
import type { SObjectType } from './salesforce-fields.ts'
import { prepareFields } from './salesforce-record-rules.ts'
import { renderRecord } from './salesforce-record-view.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import type { SfTransaction } from './salesforce-transaction.ts'

const MAX_RECORDS = 200

/** Per-record errors here say `statusCode`, not `errorCode` as single-record errors do. */
interface ItemError {
  readonly statusCode: string
  readonly message: string
  readonly fields: readonly string[]
}

interface ItemResult {
  id: string | null
  success: boolean
  errors: ItemError[]
  created?: boolean
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const failed = (
  statusCode: string,
  message: string,
  fields: readonly string[] = [],
): ItemResult => ({
  id: null,
  success: false,
  errors: [{ statusCode, message, fields }],
})
const fromRefusal = (r: Refusal): ItemResult => ({
  id: null,
  success: false,
  errors: r.errors.map((e) => ({
    statusCode: e.errorCode,
    message: e.message,
    fields: e.fields ?? [],
  })),
})

/** One record's write: returns the result, changing rows only through the shared transaction. */
type Apply = (record: Record<string, unknown>, index: number) => ItemResult

function typeOfRecord(record: Record<string, unknown>, fallback?: SObjectType): SObjectType | null {
  const attributes = record.attributes
  const named =
    isObject(attributes) && typeof attributes.type === 'string' ? attributes.type : undefined
  return named === undefined ? (fallback ?? null) : sobjectTypeOf(named)
}

function runAll(
  tx: SfTransaction,
  records: readonly unknown[],
  allOrNone: boolean,
  apply: Apply,
): SimResponse {
  const results = records.map((record, i) =>
    isObject(record)
      ? apply(record, i)
      : failed('JSON_PARSER_ERROR', 'Each record must be a JSON object'),
  )
  if (allOrNone && results.some((r) => !r.success)) {
    tx.rollback()
    return sfJson(
      200,
      results.map((r) =>
        r.success
          ? failed(
              'ALL_OR_NONE_OPERATION_ROLLED_BACK',
              'Record rolled back because not all records were valid and the request was using AllOrNone header',
            )
          : r,
      ),
    )
  }
  return sfJson(200, results)
}

export function handleCollections(deps: RestDeps, call: RestCall, tx: SfTransaction): SimResponse {
  const [, , typeName, extField, ...rest] = call.segments
  if (rest.length > 0) return sfErrors.notFound()
  const type = typeName === undefined ? undefined : sobjectTypeOf(typeName)
  if (typeName !== undefined && !type) return sfErrors.notFound()
  if (call.method === 'DELETE' && typeName === undefined) {
    const ids = (call.query.get('ids') ?? '').split(',').filter((id) => id !== '')
    if (ids.length > MAX_RECORDS) return tooMany()
    return runAll(
      tx,
      ids.map((id) => ({ Id: id })),
      call.query.get('allOrNone') === 'true',
      (r) => {
        const record = deps.store.find(String(r.Id))
        if (!record) return failed('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id')
        if (record.isDeleted) return failed('ENTITY_IS_DELETED', 'entity is deleted')
        tx.delete(record)
        return { id: record.id, success: true, errors: [] }
      },
    )
  }
  const body = call.body
  if (!isObject(body)) return sfErrors.jsonParser('The request body must be a JSON object')
  if (call.method === 'POST' && type && extField === undefined) {
    const ids = Array.isArray(body.ids) ? body.ids.map(String) : []
    const fields = Array.isArray(body.fields) ? body.fields.map(String) : []
    const defs = fields.map((f) => deps.schema.field(type, f))
    if (defs.some((d) => d === undefined)) {
      return sfError(400, 'INVALID_FIELD', 'No such column in fields')
    }
    return sfJson(
      200,
      ids.map((id) => {
        const record = deps.store.get(type, id)
        return record && !record.isDeleted
          ? renderRecord(
              deps.schema,
              call.version,
              record,
              defs.filter((d) => d !== undefined),
            )
          : null
      }),
    )
  }
  const records = body.records
  if (!Array.isArray(records)) return sfErrors.jsonParser('Required field records is missing')
  if (records.length > MAX_RECORDS) return tooMany()
  const allOrNone = body.allOrNone === true
  const rules = deps.rules()
  if (call.method === 'POST' && typeName === undefined) {
    return runAll(tx, records, allOrNone, (record) => {
      const recordType = typeOfRecord(record)
      if (!recordType) return failed('INVALID_TYPE', 'Each record needs attributes.type')
      const prepared = prepareFields(rules, recordType, record, null, call.userId)
      if (!prepared.ok) return fromRefusal(prepared.refusal)
      return { id: tx.insert(recordType, prepared.fields).id, success: true, errors: [] }
    })
  }
  if (call.method === 'PATCH' && typeName === undefined) {
    return runAll(tx, records, allOrNone, (record) => {
      // Field names are case-insensitive: jsforce sends the key as `id`.
      const idKey = Object.keys(record).find((k) => k.toLowerCase() === 'id')
      const id = idKey === undefined ? undefined : record[idKey]
      const fields = Object.fromEntries(Object.entries(record).filter(([k]) => k !== idKey))
      const existing = typeof id === 'string' ? deps.store.find(id) : undefined
      if (!existing) {
        return failed('MALFORMED_ID', `Id: invalid id value: ${typeof id === 'string' ? id : ''}`, [
          'Id',
        ])
      }
      if (existing.isDeleted) return failed('ENTITY_IS_DELETED', 'entity is deleted')
      const prepared = prepareFields(rules, existing.type, fields, existing, call.userId)
      if (!prepared.ok) return fromRefusal(prepared.refusal)
      return { id: tx.update(existing, prepared.fields).id, success: true, errors: [] }
    })
  }
  if (call.method === 'PATCH' && type && extField !== undefined) {
    const def = deps.schema.field(type, extField)
    if (!def?.externalId) {
      return sfError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${extField}`,
      )
    }
    return runAll(tx, records, allOrNone, (record) => {
      const key = Object.keys(record).find((k) => k.toLowerCase() === def.name.toLowerCase())
      const value = key === undefined ? null : record[key]
      if (value === null || value === undefined || value === '') {
        return failed('MISSING_ARGUMENT', `${def.name} not specified`, [def.name])
      }
      if (typeof value !== 'string' && typeof value !== 'number') {
        return failed('JSON_PARSER_ERROR', `${def.name} must be a string or a number`, [def.name])
      }
      const matches = deps.store.byExternalId(type, def.name, String(value))
      if (matches.length > 1) {
        return failed(
          'DUPLICATE_EXTERNAL_ID',
          `${def.name}: more than one record found for external id field: ${matches.map((m) => m.id).join(', ')}`,
          [def.name],
        )
      }
      const existing = matches[0] ?? null
      const prepared = prepareFields(rules, type, record, existing, call.userId)
      if (!prepared.ok) return fromRefusal(prepared.refusal)
      const saved = existing
        ? tx.update(existing, prepared.fields)
        : tx.insert(type, prepared.fields)
      return { id: saved.id, success: true, errors: [], created: !existing }
    })
  }
  return sfErrors.methodNotAllowed(call.method, ['GET', 'POST', 'PATCH', 'DELETE'])
}

const tooMany = (): SimResponse =>
  sfError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`,
  )
