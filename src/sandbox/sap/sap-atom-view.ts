/** @module sandbox/sap/sap-atom-view — the Atom XML Gateway answers with when a client asks for neither $format=json nor application/json. */

import type { Entity } from './sap-entity-access.ts'
import { xmlEscape } from './sap-errors.ts'
import { entityPath, entityUri } from './sap-json-view.ts'
import type { Shape, ViewContext } from './sap-json-view.ts'
import type { PropertyDef } from './sap-model.ts'
import { toJson } from './sap-wire.ts'
import type { Row } from './sap-wire.ts'

const NS =
  'xmlns="http://www.w3.org/2005/Atom" ' +
  'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" ' +
  'xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices"'
const SCHEME = 'http://schemas.microsoft.com/ado/2007/08/dataservices/scheme'
const RELATED = 'http://schemas.microsoft.com/ado/2007/08/dataservices/related/'
const XML_DECL = '<?xml version="1.0" encoding="utf-8"?>'

function propertyXml(p: PropertyDef, row: Row): string {
  const value = row[p.name] ?? null
  const typeAttr = p.type === 'Edm.String' ? '' : ` m:type="${p.type}"`
  if (value === null) return `<d:${p.name}${typeAttr} m:null="true"/>`
  let text: string
  if (p.type === 'Edm.DateTime') text = new Date(Number(value)).toISOString().slice(0, 19)
  else if (p.type === 'Edm.DateTimeOffset') text = new Date(Number(value)).toISOString()
  else text = String(toJson(p, value, row))
  return `<d:${p.name}${typeAttr}>${xmlEscape(text)}</d:${p.name}>`
}

function entryBody(ctx: ViewContext, entity: Entity, shape: Shape, updated: string): string {
  const uri = entityUri(ctx, entity)
  const path = entityPath(entity)
  const chosen = shape.select?.properties ?? null
  const props = entity.type.properties
    .filter((p) => chosen === null || chosen.has(p.name))
    .map((p) => propertyXml(p, entity.row))
    .join('')
  const links = entity.type.navigations
    .filter((nav) => shape.select === null || shape.select.navigations.has(nav.name))
    .map((nav) => {
      const kind = nav.many ? 'feed' : 'entry'
      const open = `<link href="${xmlEscape(`${path}/${nav.name}`)}" rel="${RELATED}${nav.name}" type="application/atom+xml;type=${kind}" title="${nav.name}"`
      if (!shape.expand.includes(nav.name)) return `${open}/>`
      const target = ctx.model.set(entity.type.service, nav.toSet)
      const related = target ? ctx.access.related(entity, nav.name, target) : []
      const inner = related.map(
        (r) => `<entry>${entryBody(ctx, r, { select: null, expand: [] }, updated)}</entry>`,
      )
      const inline = nav.many ? `<feed>${inner.join('')}</feed>` : (inner[0] ?? '')
      return `${open}><m:inline>${inline}</m:inline></link>`
    })
    .join('')
  return (
    `<id>${xmlEscape(uri)}</id><title type="text">${xmlEscape(path)}</title><updated>${updated}</updated>` +
    `<category term="${entity.type.service}.${entity.type.name}" scheme="${SCHEME}"/>` +
    `<link href="${xmlEscape(path)}" rel="edit" title="${entity.type.name}"/>${links}` +
    `<content type="application/xml"><m:properties>${props}</m:properties></content>`
  )
}

const etagAttr = (entity: Entity): string =>
  entity.etag === null ? '' : ` m:etag="${xmlEscape(entity.etag)}"`

export function entryXml(ctx: ViewContext, entity: Entity, shape: Shape, updated: string): string {
  return (
    `${XML_DECL}<entry xml:base="${xmlEscape(ctx.serviceUrl)}" ${NS}${etagAttr(entity)}>` +
    `${entryBody(ctx, entity, shape, updated)}</entry>`
  )
}

export function feedXml(
  ctx: ViewContext,
  set: string,
  entities: readonly Entity[],
  shape: Shape,
  count: number | null,
  updated: string,
): string {
  const entries = entities
    .map((e) => `<entry${etagAttr(e)}>${entryBody(ctx, e, shape, updated)}</entry>`)
    .join('')
  return (
    `${XML_DECL}<feed xml:base="${xmlEscape(ctx.serviceUrl)}" ${NS}>` +
    `<id>${xmlEscape(`${ctx.serviceUrl}${set}`)}</id><title type="text">${set}</title>` +
    `<updated>${updated}</updated><author><name/></author><link href="${set}" rel="self" title="${set}"/>` +
    `${count === null ? '' : `<m:count>${count}</m:count>`}${entries}</feed>`
  )
}

export function serviceDocumentXml(ctx: ViewContext, service: string): string {
  const collections = ctx.model
    .types(service)
    .map(
      (t) =>
        `<app:collection href="${t.set}"><atom:title type="text">${t.set}</atom:title></app:collection>`,
    )
    .join('')
  return (
    `${XML_DECL}<app:service xml:base="${xmlEscape(ctx.serviceUrl)}" xmlns:app="http://www.w3.org/2007/app" ` +
    `xmlns:atom="http://www.w3.org/2005/Atom"><app:workspace><atom:title type="text">Data</atom:title>` +
    `${collections}</app:workspace></app:service>`
  )
}
