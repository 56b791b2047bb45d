/** @module sandbox/sap/sap-read-operations — GET (and HEAD) of the service document, $metadata, collections, single entities, navigation and $count. */

import { serviceDocumentXml } from './sap-atom-view.ts'
import { sapErrors } from './sap-errors.ts'
import { serviceDocumentJson } from './sap-json-view.ts'
import { metadataXml } from './sap-metadata.ts'
import { navigationOf } from './sap-model.ts'
import {
  countResponse,
  done,
  entityResponse,
  failed,
  feedResponse,
  isJson,
  ODATA_HEADERS,
  viewOf,
} from './sap-odata-request.ts'
import type { ODataRequest, ODataResult, OperationDeps } from './sap-odata-request.ts'
import { applyOptions, checkFormat, parseQueryOptions } from './sap-query-options.ts'
import type { ResourceTarget } from './sap-resource-path.ts'

export function readServiceDocument(deps: OperationDeps, req: ODataRequest): ODataResult {
  const view = viewOf(deps, req.service)
  if (isJson(req)) {
    return done({
      status: 200,
      headers: { ...ODATA_HEADERS, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(serviceDocumentJson(view, req.service)),
    })
  }
  return done({
    status: 200,
    headers: { ...ODATA_HEADERS, 'content-type': 'application/atomsvc+xml; charset=utf-8' },
    body: serviceDocumentXml(view, req.service),
  })
}

export function readMetadata(deps: OperationDeps, req: ODataRequest): ODataResult {
  return done({
    status: 200,
    headers: { ...ODATA_HEADERS, 'content-type': 'application/xml; charset=utf-8' },
    body: metadataXml(deps.model, req.service, deps.serviceUrl(req.service)),
  })
}

type Resource = Extract<ResourceTarget, { kind: 'resource' }>

/** GET of an entity set, one entity, a navigation from one, or a $count of any collection. */
export function readResource(
  deps: OperationDeps,
  req: ODataRequest,
  target: Resource,
): ODataResult {
  const format = checkFormat(req.query)
  if (!format.ok) return failed(deps, req, format.error)
  if (target.key === null) {
    const options = parseQueryOptions(deps.model, target.type, req.query)
    if (!options.ok) return failed(deps, req, options.error)
    const { entities, count } = applyOptions(deps.access.list(target.type), options.value)
    if (target.count) return done(countResponse(count))
    const shape = { select: options.value.select, expand: options.value.expand }
    const inline = options.value.inlinecount ? count : null
    return done(feedResponse(deps, req, target.type.set, entities, shape, inline))
  }
  const entity = deps.access.get(target.type, target.key)
  if (!entity) {
    const keyText = Object.values(target.key)
      .map((v) => `'${v}'`)
      .join(',')
    return failed(deps, req, sapErrors.notFound(target.type.set, `(${keyText})`))
  }
  if (target.navigation === null) {
    const options = parseQueryOptions(deps.model, target.type, req.query)
    if (!options.ok) return failed(deps, req, options.error)
    const shape = { select: options.value.select, expand: options.value.expand }
    return done(entityResponse(deps, req, entity, shape))
  }
  const nav = navigationOf(target.type, target.navigation)
  const targetType = nav && deps.model.set(target.type.service, nav.toSet)
  if (!nav || !targetType) return failed(deps, req, sapErrors.noResource(target.navigation))
  const options = parseQueryOptions(deps.model, targetType, req.query)
  if (!options.ok) return failed(deps, req, options.error)
  const related = deps.access.related(entity, nav.name, targetType)
  const shape = { select: options.value.select, expand: options.value.expand }
  if (!nav.many) {
    const [one] = related
    return one
      ? done(entityResponse(deps, req, one, shape))
      : failed(deps, req, sapErrors.noResource(target.navigation))
  }
  const { entities, count } = applyOptions(related, options.value)
  if (target.count) return done(countResponse(count))
  const inline = options.value.inlinecount ? count : null
  return done(feedResponse(deps, req, targetType.set, entities, shape, inline))
}
