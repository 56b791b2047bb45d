/** @module sandbox/salesforce/salesforce-row-ops — what every path to one row shares: read with If-Modified-Since (304), update with If-Unmodified-Since (412), delete, and the create answer. */

import type { SimResponse } from '../kit/sim-response.ts'
import { emptyResponse } from '../kit/sim-response.ts'
import { refusalResponse, sfError, sfJson } from './salesforce-errors.ts'
import type { FieldDef } from './salesforce-fields.ts'
import type { SfRecord } from './salesforce-record-store.ts'
import { prepareFields } from './salesforce-record-rules.ts'
import { renderRecord, sobjectUrl } from './salesforce-record-view.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import type { SfTransaction } from './salesforce-transaction.ts'

/** 201 with the new id; `Location` is what composite echoes in a subrequest's httpHeaders. */
export const createdResponse = (call: RestCall, record: SfRecord): SimResponse =>
  sfJson(
    201,
    { id: record.id, success: true, errors: [] },
    { location: sobjectUrl(call.version, record.type, record.id) },
  )

/** Reads an HTTP date header; null when absent, 'invalid' when it cannot be parsed. */
export function httpDate(value: string | undefined): number | null | 'invalid' {
  if (value === undefined) return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? 'invalid' : ms
}

const badHeader = (name: string, value: string | undefined): SimResponse =>
  sfError(400, 'INVALID_HEADER_TYPE', `Invalid value for header ${name}: ${value ?? ''}`)

/**
 * If-Unmodified-Since on a write: 412 when the row changed after that instant (compared at the
 * second, as Salesforce keeps LastModifiedDate), so a stale editor cannot overwrite newer data.
 */
export function preconditionFailure(call: RestCall, record: SfRecord): SimResponse | null {
  const since = httpDate(call.headers['if-unmodified-since'])
  if (since === 'invalid') {
    return badHeader('If-Unmodified-Since', call.headers['if-unmodified-since'])
  }
  if (since !== null && record.lastModifiedDate > since) {
    return sfError(
      412,
      'PRECONDITION_FAILED',
      `The requested resource was modified after ${new Date(since).toUTCString()}: LastModifiedDate is ${new Date(record.lastModifiedDate).toISOString()}`,
    )
  }
  return null
}

/** GET of one row, honouring `?fields=` and If-Modified-Since (304). */
export function readRow(deps: RestDeps, call: RestCall, record: SfRecord): SimResponse {
  const since = httpDate(call.headers['if-modified-since'])
  if (since !== null && since !== 'invalid' && record.lastModifiedDate <= since) {
    return emptyResponse(304)
  }
  const fieldsParam = call.query.get('fields')
  let only: FieldDef[] | undefined
  if (fieldsParam !== null) {
    only = []
    for (const name of ['Id', ...fieldsParam.split(',').map((f) => f.trim())]) {
      const def = deps.schema.field(record.type, name)
      if (!def) {
        return sfError(
          400,
          'INVALID_FIELD',
          `No such column '${name}' on sobject of type ${record.type}`,
        )
      }
      if (!only.includes(def)) only.push(def)
    }
  }
  return sfJson(200, renderRecord(deps.schema, call.version, record, only), {
    'last-modified': new Date(record.lastModifiedDate).toUTCString(),
  })
}

/** PATCH of one row: 204, nothing in the body. */
export function updateRow(
  deps: RestDeps,
  call: RestCall,
  tx: SfTransaction,
  record: SfRecord,
): SimResponse {
  const failed = preconditionFailure(call, record)
  if (failed) return failed
  const prepared = prepareFields(deps.rules(), record.type, call.body, record, call.userId)
  if (!prepared.ok) return refusalResponse(prepared.refusal)
  tx.update(record, prepared.fields)
  return emptyResponse(204)
}

export function deleteRow(tx: SfTransaction, record: SfRecord): SimResponse {
  tx.delete(record)
  return emptyResponse(204)
}
