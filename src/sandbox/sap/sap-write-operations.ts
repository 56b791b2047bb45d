/** @module sandbox/sap/sap-write-operations — POST, PUT, PATCH/MERGE and DELETE: If-Match checked first (428 missing, 412 stale), then the business rules. */

import { addRole, createPartner, updatePartner } from './sap-business-partner-rules.ts'
import { createDelivery } from './sap-delivery-rules.ts'
import type { Entity } from './sap-entity-access.ts'
import { sapErrors } from './sap-errors.ts'
import type { Outcome, SapError } from './sap-errors.ts'
import { createdResponse, done, failed, ODATA_HEADERS } from './sap-odata-request.ts'
import type { ODataRequest, ODataResult, OperationDeps } from './sap-odata-request.ts'
import type { ResourceTarget } from './sap-resource-path.ts'
import {
  addItem,
  createSalesOrder,
  deleteItem,
  deleteSalesOrder,
  updateItem,
  updateSalesOrder,
} from './sap-sales-order-rules.ts'
import { alphaOut, etagOf } from './sap-wire.ts'
import type { Row } from './sap-wire.ts'

type Resource = Extract<ResourceTarget, { kind: 'resource' }>

/** Optimistic locking: every entity with an ETag must be changed under a matching If-Match. */
function checkIfMatch(entity: Entity, header: string | undefined): SapError | null {
  if (entity.etag === null) return null
  if (header === undefined || header.trim() === '') return sapErrors.preconditionRequired()
  const given = header.split(/,(?=\s*(?:W\/)?")/).map((t) => t.trim())
  return given.includes('*') || given.includes(entity.etag) ? null : sapErrors.preconditionFailed()
}

const text = (body: unknown, field: string): string => {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined
  return typeof value === 'string' ? value : ''
}

const entityOf = (
  deps: OperationDeps,
  set: string,
  service: string,
  row: Row,
  etag: string | null,
): Entity => {
  const type = deps.model.set(service, set)
  if (!type) throw new Error(`no entity set ${set}`)
  return { type, row, etag }
}

/** POST to a set, or to a keyed entity's navigation (create an item of an order, a role of a partner). */
export function create(deps: OperationDeps, req: ODataRequest, target: Resource): ODataResult {
  const { rules, store } = deps
  const set = target.type.set
  const route = target.count
    ? '$count'
    : target.key === null
      ? set
      : `${set}/${target.navigation ?? ''}`
  // A parent named in the body goes through the same ALPHA conversion as one in the URL.
  const parentKey = (field: string): string =>
    target.key?.[field] ?? alphaOut(text(req.body, field))
  switch (route) {
    case 'A_SalesOrder': {
      const result = createSalesOrder(rules, req.body)
      if (!result.ok) return failed(deps, req, result.error)
      const { record, change } = result.value
      const entity = entityOf(deps, set, req.service, record.header, etagOf(record.stamp))
      const expand = record.items.length > 0 ? ['to_Item'] : []
      return done(createdResponse(deps, req, entity, expand), [change])
    }
    case 'A_OutbDeliveryHeader': {
      const result = createDelivery(rules, req.body)
      if (!result.ok) return failed(deps, req, result.error)
      const { record, change } = result.value
      const entity = entityOf(deps, set, req.service, record.header, etagOf(record.stamp))
      return done(createdResponse(deps, req, entity, ['to_DeliveryDocumentItem']), [change])
    }
    case 'A_BusinessPartner': {
      const result = createPartner(rules, req.body)
      if (!result.ok) return failed(deps, req, result.error)
      const { record, change } = result.value
      const entity = entityOf(deps, set, req.service, record.row, etagOf(record.stamp))
      const expand = record.roles.length > 0 ? ['to_BusinessPartnerRole'] : []
      return done(createdResponse(deps, req, entity, expand), [change])
    }
    case 'A_SalesOrderItem':
    case 'A_SalesOrder/to_Item': {
      const order = store.salesOrder(parentKey('SalesOrder'))
      if (!order) {
        return failed(
          deps,
          req,
          sapErrors.notFound('A_SalesOrder', `('${parentKey('SalesOrder')}')`),
        )
      }
      const result = addItem(rules, order, req.body)
      if (!result.ok) return failed(deps, req, result.error)
      const { item, record, change } = result.value
      const entity = entityOf(deps, 'A_SalesOrderItem', req.service, item, etagOf(record.stamp))
      return done(createdResponse(deps, req, entity, []), [change])
    }
    case 'A_BusinessPartnerRole':
    case 'A_BusinessPartner/to_BusinessPartnerRole': {
      const partner = store.partner(parentKey('BusinessPartner'))
      if (!partner) {
        return failed(
          deps,
          req,
          sapErrors.notFound('A_BusinessPartner', `('${parentKey('BusinessPartner')}')`),
        )
      }
      const result = addRole(rules, partner, req.body)
      if (!result.ok) return failed(deps, req, result.error)
      const entity = entityOf(deps, 'A_BusinessPartnerRole', req.service, result.value.role, null)
      return done(createdResponse(deps, req, entity, []), [result.value.change])
    }
    default:
      return failed(deps, req, sapErrors.methodNotAllowed(req.method))
  }
}

/** Finds the keyed entity a PUT/PATCH/MERGE/DELETE addresses and checks its ETag. */
function locate(deps: OperationDeps, req: ODataRequest, target: Resource): Outcome<Entity> {
  if (target.key === null || target.navigation !== null || target.count) {
    return { ok: false, error: sapErrors.methodNotAllowed(req.method) }
  }
  const entity = deps.access.get(target.type, target.key)
  if (!entity) {
    const keyText = Object.values(target.key)
      .map((v) => `'${v}'`)
      .join(',')
    return { ok: false, error: sapErrors.notFound(target.type.set, `(${keyText})`) }
  }
  const refused = checkIfMatch(entity, req.headers['if-match'])
  return refused ? { ok: false, error: refused } : { ok: true, value: entity }
}

const noContent = (etag: string | null): ODataResult['response'] => ({
  status: 204,
  headers: { ...ODATA_HEADERS, ...(etag === null ? {} : { etag }) },
})

/** PUT replaces the updatable fields, PATCH and MERGE merge them; 204 with the new ETag. */
export function update(deps: OperationDeps, req: ODataRequest, target: Resource): ODataResult {
  if (!target.type.updatable) {
    return failed(deps, req, sapErrors.notImplemented(target.type.set, 'UPDATE'))
  }
  const located = locate(deps, req, target)
  if (!located.ok) return failed(deps, req, located.error)
  const row = located.value.row
  const replace = req.method === 'PUT'
  const result =
    target.type.set === 'A_SalesOrder'
      ? withOrder(deps, String(row.SalesOrder), (o) =>
          updateSalesOrder(deps.rules, o, req.body, replace),
        )
      : target.type.set === 'A_SalesOrderItem'
        ? withOrder(deps, String(row.SalesOrder), (o) =>
            updateItem(deps.rules, o, String(row.SalesOrderItem), req.body, replace),
          )
        : withPartner(deps, String(row.BusinessPartner), (p) =>
            updatePartner(deps.rules, p, req.body, replace),
          )
  if (!result.ok) return failed(deps, req, result.error)
  return done(noContent(etagOf(result.value.record.stamp)), [result.value.change])
}

export function remove(deps: OperationDeps, req: ODataRequest, target: Resource): ODataResult {
  if (!target.type.deletable) {
    return failed(deps, req, sapErrors.notImplemented(target.type.set, 'DELETE'))
  }
  const located = locate(deps, req, target)
  if (!located.ok) return failed(deps, req, located.error)
  const row = located.value.row
  const order = deps.store.salesOrder(String(row.SalesOrder))
  if (!order) {
    return failed(deps, req, sapErrors.notFound('A_SalesOrder', `('${String(row.SalesOrder)}')`))
  }
  if (target.type.set === 'A_SalesOrder') {
    return done(noContent(null), [deleteSalesOrder(deps.rules, order)])
  }
  const { change } = deleteItem(deps.rules, order, String(row.SalesOrderItem))
  return done(noContent(null), [change])
}

function withOrder<T>(
  deps: OperationDeps,
  id: string,
  fn: (order: NonNullable<ReturnType<OperationDeps['store']['salesOrder']>>) => Outcome<T>,
): Outcome<T> {
  const order = deps.store.salesOrder(id)
  return order ? fn(order) : { ok: false, error: sapErrors.notFound('A_SalesOrder', `('${id}')`) }
}

function withPartner<T>(
  deps: OperationDeps,
  id: string,
  fn: (partner: NonNullable<ReturnType<OperationDeps['store']['partner']>>) => Outcome<T>,
): Outcome<T> {
  const partner = deps.store.partner(id)
  return partner
    ? fn(partner)
    : { ok: false, error: sapErrors.notFound('A_BusinessPartner', `('${id}')`) }
}
