/** @module sandbox/sap/sap-metadata — the service's $metadata: an OData v2 EDMX with SAP's annotations, generated from the model, so an extension field shows up as it would after a key user publishes it. */

import { createHash } from 'node:crypto'
import { xmlEscape } from './sap-errors.ts'
import type { EntityTypeDef, NavigationDef, PropertyDef, SapModel } from './sap-model.ts'

const EDM_NS = 'http://schemas.microsoft.com/ado/2008/09/edm'

/** SAP names associations by a hash of their ends; the same model always gives the same names. */
export const associationName = (type: EntityTypeDef, nav: NavigationDef): string =>
  `assoc_${createHash('md5').update(`${type.name}/${nav.name}`).digest('hex').toUpperCase()}`

const attr = (name: string, value: string | number | undefined): string =>
  value === undefined ? '' : ` ${name}="${xmlEscape(String(value))}"`

function propertyXml(type: EntityTypeDef, p: PropertyDef): string {
  const key = type.keys.includes(p.name)
  return (
    `<Property Name="${p.name}" Type="${p.type}"` +
    (key ? ' Nullable="false"' : '') +
    attr('MaxLength', p.maxLength) +
    attr('Precision', p.precision) +
    attr('Scale', p.scale) +
    (p.concurrency ? ' ConcurrencyMode="Fixed"' : '') +
    attr('sap:display-format', p.displayFormat ?? (p.alpha ? 'UpperCase' : undefined)) +
    attr('sap:label', p.label) +
    attr('sap:unit', p.unit) +
    attr('sap:semantics', p.semantics) +
    (p.creatable ? '' : ' sap:creatable="false"') +
    (p.updatable ? '' : ' sap:updatable="false"') +
    // Field control 7 is "mandatory" in SAP's UI annotations; it is how a key user's choice shows.
    (p.mandatory ? ' sap:field-control="7"' : '') +
    '/>'
  )
}

function entityTypeXml(service: string, type: EntityTypeDef): string {
  const keys = type.keys.map((k) => `<PropertyRef Name="${k}"/>`).join('')
  const props = type.properties.map((p) => propertyXml(type, p)).join('')
  const navs = type.navigations
    .map((nav) => {
      const assoc = associationName(type, nav)
      return `<NavigationProperty Name="${nav.name}" Relationship="${service}.${assoc}" FromRole="FromRole_${assoc}" ToRole="ToRole_${assoc}"/>`
    })
    .join('')
  return (
    `<EntityType Name="${type.name}" sap:label="${xmlEscape(type.label)}" sap:content-version="1">` +
    `<Key>${keys}</Key>${props}${navs}</EntityType>`
  )
}

function associations(service: string, types: readonly EntityTypeDef[]): string[] {
  const out: string[] = []
  for (const type of types) {
    for (const nav of type.navigations) {
      const target = types.find((t) => t.set === nav.toSet)
      if (!target) continue
      const assoc = associationName(type, nav)
      out.push(
        `<Association Name="${assoc}" sap:content-version="1">` +
          `<End Type="${service}.${type.name}" Multiplicity="1" Role="FromRole_${assoc}"/>` +
          `<End Type="${service}.${target.name}" Multiplicity="${nav.many ? '*' : '1'}" Role="ToRole_${assoc}"/>` +
          '</Association>',
      )
    }
  }
  return out
}

function containerXml(service: string, types: readonly EntityTypeDef[]): string {
  const sets = types.map(
    (t) =>
      `<EntitySet Name="${t.set}" EntityType="${service}.${t.name}"` +
      ` sap:creatable="${t.creatable}" sap:updatable="${t.updatable}" sap:deletable="${t.deletable}"` +
      ' sap:content-version="1"/>',
  )
  const assocSets = types.flatMap((type) =>
    type.navigations.map((nav) => {
      const assoc = associationName(type, nav)
      return (
        `<AssociationSet Name="${assoc}" Association="${service}.${assoc}" sap:creatable="false"` +
        ' sap:updatable="false" sap:deletable="false" sap:content-version="1">' +
        `<End EntitySet="${type.set}" Role="FromRole_${assoc}"/>` +
        `<End EntitySet="${nav.toSet}" Role="ToRole_${assoc}"/></AssociationSet>`
      )
    }),
  )
  return (
    `<EntityContainer Name="${service}_Entities" m:IsDefaultEntityContainer="true"` +
    ' sap:message-scope-supported="true" sap:supported-formats="atom json xlsx">' +
    `${sets.join('')}${assocSets.join('')}</EntityContainer>`
  )
}

/** The EDMX document for one service, as GET …/$metadata returns it. */
export function metadataXml(model: SapModel, service: string, serviceUrl: string): string {
  const types = model.types(service)
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"' +
    ' xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"' +
    ' xmlns:sap="http://www.sap.com/Protocols/SAPData">' +
    '<edmx:DataServices m:DataServiceVersion="2.0">' +
    `<Schema Namespace="${service}" xml:lang="en" sap:schema-version="1" xmlns="${EDM_NS}">` +
    types.map((t) => entityTypeXml(service, t)).join('') +
    associations(service, types).join('') +
    containerXml(service, types) +
    `<atom:link rel="self" href="${xmlEscape(`${serviceUrl}$metadata`)}" xmlns:atom="http://www.w3.org/2005/Atom"/>` +
    `<atom:link rel="latest-version" href="${xmlEscape(`${serviceUrl}$metadata`)}" xmlns:atom="http://www.w3.org/2005/Atom"/>` +
    '</Schema></edmx:DataServices></edmx:Edmx>'
  )
}
