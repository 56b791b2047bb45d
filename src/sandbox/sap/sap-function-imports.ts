/** @module sandbox/sap/sap-function-imports — OData v2 function imports of the delivery service: PostGoodsIssue?DeliveryDocument='…' (POST, If-Match honoured), answering the changed header. */

import { postGoodsIssue } from './sap-delivery-rules.ts'
import { OUTBOUND_DELIVERY_SERVICE } from './sap-document-model.ts'
import { sapErrors } from './sap-errors.ts'
import { done, entityResponse, failed } from './sap-odata-request.ts'
import type { ODataRequest, ODataResult, OperationDeps } from './sap-odata-request.ts'
import { alphaOut, etagOf } from './sap-wire.ts'

const FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  [OUTBOUND_DELIVERY_SERVICE]: ['PostGoodsIssue'],
}

/** `'80000000'` → `80000000`; parameters of function imports are URI literals. */
function literal(value: string | null): string | null {
  const match = /^'((?:[^']|'')*)'$/.exec(value ?? '')
  return match?.[1] === undefined ? null : match[1].replace(/''/g, "'")
}

/** The function import a path names, or null when it names none (then it is a resource path). */
export function functionImportOf(req: ODataRequest): string | null {
  const name = req.path.replace(/\/+$/, '')
  return (FUNCTIONS[req.service] ?? []).includes(name) ? name : null
}

export function executeFunctionImport(
  deps: OperationDeps,
  req: ODataRequest,
  name: string,
): ODataResult {
  if (req.method !== 'POST') return failed(deps, req, sapErrors.methodNotAllowed(req.method))
  const id = literal(req.query.get('DeliveryDocument'))
  if (name !== 'PostGoodsIssue' || id === null) {
    return failed(
      deps,
      req,
      sapErrors.badRequest(`Function import ${name} needs DeliveryDocument='<delivery>'`),
    )
  }
  const delivery = deps.store.delivery(alphaOut(id))
  if (!delivery) {
    return failed(deps, req, sapErrors.notFound('A_OutbDeliveryHeader', `('${alphaOut(id)}')`))
  }
  const ifMatch = req.headers['if-match']?.trim()
  if (ifMatch !== undefined && ifMatch !== '' && ifMatch !== '*') {
    if (ifMatch !== etagOf(delivery.stamp)) return failed(deps, req, sapErrors.preconditionFailed())
  }
  const result = postGoodsIssue(deps.rules, delivery)
  if (!result.ok) return failed(deps, req, result.error)
  const type = deps.model.set(OUTBOUND_DELIVERY_SERVICE, 'A_OutbDeliveryHeader')
  if (!type) throw new Error('outbound delivery model missing')
  const entity = { type, row: result.value.record.header, etag: etagOf(result.value.record.stamp) }
  return done(entityResponse(deps, req, entity, { select: null, expand: [] }), [
    result.value.change,
  ])
}
