/** @module sandbox/salesforce/salesforce-sobject-api — routes everything under /sobjects: describeGlobal, basic info, create (201 {id,success,errors}), describe, rows by id; external-id paths go to the upsert module. */

import type { SimResponse } from '../kit/sim-response.ts'
import { basicInfo, describeGlobal, describeSObject } from './salesforce-describe.ts'
import { refusalResponse, sfErrors, sfJson } from './salesforce-errors.ts'
import { sobjectTypeOf } from './salesforce-fields.ts'
import type { SObjectType } from './salesforce-fields.ts'
import { prepareFields } from './salesforce-record-rules.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import { createdResponse, deleteRow, readRow, updateRow } from './salesforce-row-ops.ts'
import type { SfTransaction } from './salesforce-transaction.ts'
import { handleExternalId } from './salesforce-upsert.ts'

const notAllowed = (call: RestCall, allowed: readonly string[]): SimResponse =>
  sfErrors.methodNotAllowed(call.method, allowed)

/** Everything under `/sobjects`. */
export function handleSObjects(deps: RestDeps, call: RestCall, tx: SfTransaction): SimResponse {
  const [, typeName, second, third, ...rest] = call.segments
  if (typeName === undefined) {
    return call.method === 'GET'
      ? sfJson(200, describeGlobal(deps.schema, call.version))
      : notAllowed(call, ['GET', 'HEAD'])
  }
  const type = sobjectTypeOf(typeName)
  if (!type || rest.length > 0) return sfErrors.notFound()
  if (second === undefined) return handleType(deps, call, tx, type)
  if (third !== undefined) return handleExternalId(deps, call, tx, type, second, third)
  if (second === 'describe') {
    return call.method === 'GET'
      ? sfJson(200, describeSObject(deps.schema, call.version, type))
      : notAllowed(call, ['GET', 'HEAD'])
  }
  const record = deps.store.get(type, second)
  if (!record) return sfErrors.notFound()
  if (record.isDeleted) return sfErrors.entityDeleted()
  switch (call.method) {
    case 'GET':
      return readRow(deps, call, record)
    case 'PATCH':
      return updateRow(deps, call, tx, record)
    case 'DELETE':
      return deleteRow(tx, record)
    default:
      return notAllowed(call, ['GET', 'HEAD', 'PATCH', 'DELETE'])
  }
}

function handleType(
  deps: RestDeps,
  call: RestCall,
  tx: SfTransaction,
  type: SObjectType,
): SimResponse {
  if (call.method === 'GET') return sfJson(200, basicInfo(deps.schema, call.version, type))
  if (call.method !== 'POST') return notAllowed(call, ['GET', 'HEAD', 'POST'])
  const prepared = prepareFields(deps.rules(), type, call.body, null, call.userId)
  if (!prepared.ok) return refusalResponse(prepared.refusal)
  return createdResponse(call, tx.insert(type, prepared.fields))
}
