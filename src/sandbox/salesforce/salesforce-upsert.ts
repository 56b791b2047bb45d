/** @module sandbox/salesforce/salesforce-upsert — rows addressed by external id: upsert (201 created, 200 updated, 300 several matches, 404 unknown field), GET and DELETE by external id. */

import type { SimResponse } from '../kit/sim-response.ts'
import { refusalResponse, sfError, sfErrors, sfJson } from './salesforce-errors.ts'
import type { SObjectType } from './salesforce-fields.ts'
import type { SfRecord } from './salesforce-record-store.ts'
import { prepareFields } from './salesforce-record-rules.ts'
import { sobjectUrl } from './salesforce-record-view.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import { deleteRow, preconditionFailure, readRow } from './salesforce-row-ops.ts'
import type { SfTransaction } from './salesforce-transaction.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** 300 Multiple Choices: the body lists the matching rows, the caller must pick (or a human must). */
const multipleChoices = (call: RestCall, matches: readonly SfRecord[]): SimResponse =>
  sfJson(
    300,
    matches.map((r) => sobjectUrl(call.version, r.type, r.id)),
  )

/** The rows an external id (or `Id`) value names, live ones only. */
function matchesOf(deps: RestDeps, type: SObjectType, field: string, value: string): SfRecord[] {
  if (field === 'Id') {
    const found = deps.store.get(type, value)
    return found && !found.isDeleted ? [found] : []
  }
  return deps.store.byExternalId(type, field, value)
}

export function handleExternalId(
  deps: RestDeps,
  call: RestCall,
  tx: SfTransaction,
  type: SObjectType,
  fieldName: string,
  value: string,
): SimResponse {
  const def = deps.schema.field(type, fieldName)
  if (!def || !(def.externalId || def.name === 'Id')) {
    return sfError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    )
  }
  const matches = matchesOf(deps, type, def.name, value)
  const only = matches.length === 1 ? matches[0] : undefined
  switch (call.method) {
    case 'GET':
    case 'DELETE':
      if (matches.length > 1) return multipleChoices(call, matches)
      if (!only) return sfErrors.notFound()
      return call.method === 'GET' ? readRow(deps, call, only) : deleteRow(tx, only)
    case 'PATCH':
      break
    default:
      return sfErrors.methodNotAllowed(call.method, ['GET', 'HEAD', 'PATCH', 'DELETE'])
  }
  if (matches.length > 1) return multipleChoices(call, matches)
  const body = isObject(call.body) ? { ...call.body } : call.body
  if (isObject(body)) {
    // The key travels in the URL; the same value in the body is harmless, a different one is not.
    const key = Object.keys(body).find((k) => k.toLowerCase() === def.name.toLowerCase())
    if (key !== undefined) {
      const given = body[key]
      const givenText = typeof given === 'string' ? given : JSON.stringify(given)
      if (given !== null && givenText.toLowerCase() !== value.toLowerCase()) {
        return sfError(
          400,
          'INVALID_FIELD',
          `The value of ${def.name} in the request body (${givenText}) differs from the external ID in the URL (${value})`,
          [def.name],
        )
      }
      delete body[key]
    }
    if (def.name !== 'Id') body[def.name] = value
  }
  if (only) {
    const failed = preconditionFailure(call, only)
    if (failed) return failed
    const prepared = prepareFields(deps.rules(), type, body, only, call.userId)
    if (!prepared.ok) return refusalResponse(prepared.refusal)
    const updated = tx.update(only, prepared.fields)
    return sfJson(200, { id: updated.id, success: true, errors: [], created: false })
  }
  if (call.query.get('updateOnly') === 'true' || def.name === 'Id') return sfErrors.notFound()
  const prepared = prepareFields(deps.rules(), type, body, null, call.userId)
  if (!prepared.ok) return refusalResponse(prepared.refusal)
  const created = tx.insert(type, prepared.fields)
  return sfJson(
    201,
    { id: created.id, success: true, errors: [], created: true },
    { location: sobjectUrl(call.version, type, created.id) },
  )
}
