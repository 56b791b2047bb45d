/** @module sandbox/sap/sap-operations — routes one OData request (direct or from a $batch) to the read or write operation for its method and resource. */

import { sapErrors } from './sap-errors.ts'
import { executeFunctionImport, functionImportOf } from './sap-function-imports.ts'
import { failed } from './sap-odata-request.ts'
import type { ODataRequest, ODataResult, OperationDeps } from './sap-odata-request.ts'
import { readMetadata, readResource, readServiceDocument } from './sap-read-operations.ts'
import { parseResourcePath } from './sap-resource-path.ts'
import { create, remove, update } from './sap-write-operations.ts'

export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE'] as const

/** X-HTTP-Method tunnelling: SAPUI5 and older clients send MERGE/PUT/DELETE as a POST. */
export function effectiveMethod(
  method: string,
  headers: Readonly<Record<string, string | undefined>>,
): string {
  const tunnelled = headers['x-http-method']?.trim().toUpperCase()
  return method.toUpperCase() === 'POST' && tunnelled && tunnelled !== ''
    ? tunnelled
    : method.toUpperCase()
}

export function executeOData(deps: OperationDeps, req: ODataRequest): ODataResult {
  const fn = functionImportOf(req)
  if (fn !== null) return executeFunctionImport(deps, req, fn)
  const parsed = parseResourcePath(deps.model, req.service, req.path)
  if (!parsed.ok) return failed(deps, req, parsed.error)
  const target = parsed.value
  const reading = req.method === 'GET' || req.method === 'HEAD'
  switch (target.kind) {
    case 'serviceDocument':
      return reading
        ? readServiceDocument(deps, req)
        : failed(deps, req, sapErrors.methodNotAllowed(req.method))
    case 'metadata':
      return reading
        ? readMetadata(deps, req)
        : failed(deps, req, sapErrors.methodNotAllowed(req.method))
    case 'batch':
      // Reached only from inside a batch (a nested $batch) or with a method other than POST.
      return failed(
        deps,
        req,
        sapErrors.badRequest('$batch is only allowed as a POST at the service root'),
      )
    case 'resource':
      switch (req.method) {
        case 'GET':
        case 'HEAD':
          return readResource(deps, req, target)
        case 'POST':
          return create(deps, req, target)
        case 'PUT':
        case 'PATCH':
        case 'MERGE':
          return update(deps, req, target)
        case 'DELETE':
          return remove(deps, req, target)
        default:
          return failed(deps, req, sapErrors.methodNotAllowed(req.method))
      }
  }
}
