/** @module sandbox/sap/sap-odata-request — one OData request as the operations see it (direct or a $batch part), its result, and the response helpers they share. */

import type { SimResponse } from '../kit/sim-response.ts'
import type { Change, RuleContext } from './sap-changes.ts'
import type { Entity, EntityAccess } from './sap-entity-access.ts'
import { renderError } from './sap-errors.ts'
import type { SapError } from './sap-errors.ts'
import { entryXml, feedXml } from './sap-atom-view.ts'
import { entityJson, entityUri, feedJson } from './sap-json-view.ts'
import type { Shape, ViewContext } from './sap-json-view.ts'
import type { SapModel } from './sap-model.ts'
import { wantsJson } from './sap-query-options.ts'
import type { SapStore } from './sap-store.ts'

export interface ODataRequest {
  /** After X-HTTP-Method tunnelling: GET, HEAD, POST, PUT, PATCH, MERGE or DELETE. */
  readonly method: string
  readonly service: string
  /** The resource path after the service root, e.g. `A_SalesOrder('1')/to_Item`. */
  readonly path: string
  readonly query: URLSearchParams
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The parsed JSON body (undefined when there was none). */
  readonly body: unknown
}

export interface ODataResult {
  readonly response: SimResponse
  /** Writes this request made, to be recorded and published only once its unit of work commits. */
  readonly changes: readonly Change[]
}

export interface OperationDeps {
  readonly model: SapModel
  readonly store: SapStore
  readonly access: EntityAccess
  readonly rules: RuleContext
  /** `http://host:port/sap/opu/odata/sap/<service>/`. */
  readonly serviceUrl: (service: string) => string
  readonly now: () => number
}

/** Headers Gateway puts on every OData answer. */
export const ODATA_HEADERS: Readonly<Record<string, string>> = {
  dataserviceversion: '2.0',
  'cache-control': 'no-store, no-cache',
}

const JSON_TYPE = 'application/json; charset=utf-8'

export const isJson = (req: ODataRequest): boolean => wantsJson(req.query, req.headers.accept)

export const viewOf = (deps: OperationDeps, service: string): ViewContext => ({
  serviceUrl: deps.serviceUrl(service),
  model: deps.model,
  access: deps.access,
})

export function failed(deps: OperationDeps, req: ODataRequest, error: SapError): ODataResult {
  const response = renderError(error, req.service, isJson(req), deps.now())
  return {
    response: { ...response, headers: { ...ODATA_HEADERS, ...response.headers } },
    changes: [],
  }
}

export function done(response: SimResponse, changes: readonly Change[] = []): ODataResult {
  return { response, changes }
}

/** One entity, as JSON `{d:{…}}` or an Atom entry; the ETag header goes along when it has one. */
export function entityResponse(
  deps: OperationDeps,
  req: ODataRequest,
  entity: Entity,
  shape: Shape,
  status = 200,
  extra: Readonly<Record<string, string>> = {},
): SimResponse {
  const view = viewOf(deps, req.service)
  const etag: Record<string, string> = entity.etag === null ? {} : { etag: entity.etag }
  if (isJson(req)) {
    return {
      status,
      headers: { ...ODATA_HEADERS, 'content-type': JSON_TYPE, ...etag, ...extra },
      body: JSON.stringify({ d: entityJson(view, entity, shape) }),
    }
  }
  return {
    status,
    headers: {
      ...ODATA_HEADERS,
      'content-type': 'application/atom+xml;type=entry; charset=utf-8',
      ...etag,
      ...extra,
    },
    body: entryXml(view, entity, shape, new Date(deps.now()).toISOString()),
  }
}

export function feedResponse(
  deps: OperationDeps,
  req: ODataRequest,
  set: string,
  entities: readonly Entity[],
  shape: Shape,
  count: number | null,
): SimResponse {
  const view = viewOf(deps, req.service)
  if (isJson(req)) {
    return {
      status: 200,
      headers: { ...ODATA_HEADERS, 'content-type': JSON_TYPE },
      body: JSON.stringify(feedJson(view, entities, shape, count)),
    }
  }
  return {
    status: 200,
    headers: { ...ODATA_HEADERS, 'content-type': 'application/atom+xml;type=feed; charset=utf-8' },
    body: feedXml(view, set, entities, shape, count, new Date(deps.now()).toISOString()),
  }
}

/** 201 Created with Location and ETag, the deep-inserted navigation rendered inline. */
export function createdResponse(
  deps: OperationDeps,
  req: ODataRequest,
  entity: Entity,
  expand: readonly string[],
): SimResponse {
  const location = entityUri(viewOf(deps, req.service), entity)
  return entityResponse(deps, req, entity, { select: null, expand }, 201, { location })
}

export function countResponse(count: number): SimResponse {
  return {
    status: 200,
    headers: { ...ODATA_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body: String(count),
  }
}
