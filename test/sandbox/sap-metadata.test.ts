/** @module test/sandbox/sap-metadata.test — each service's $metadata is a well-formed OData v2 EDMX whose types, keys, properties and navigation match what the service serves. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { assertWellFormedXml, basicOf, BP_PATH, SO_PATH } from './sap-test-kit.ts'

let sim: SapSimulator

beforeAll(async () => {
  sim = createSapSimulator({ seed: 1 })
  await sim.start()
})
afterAll(() => sim.stop())

const metadataOf = async (path: string): Promise<{ response: Response; xml: string }> => {
  const response = await fetch(`${sim.baseUrl}${path}/$metadata`, {
    headers: { authorization: basicOf(sim) },
  })
  return { response, xml: await response.text() }
}

/** The attributes of the first element `<tag …Name="name"…>`. */
function element(xml: string, tag: string, name: string): string {
  const m = new RegExp(`<${tag} Name="${name}"[^>]*>`).exec(xml)
  if (!m) throw new Error(`no <${tag} Name="${name}">`)
  return m[0]
}

/** The body of `<EntityType Name="name">…</EntityType>`. */
function entityType(xml: string, name: string): string {
  const start = xml.indexOf(`<EntityType Name="${name}"`)
  return xml.slice(start, xml.indexOf('</EntityType>', start))
}

describe('SAP $metadata', () => {
  it('is an OData v2 EDMX for API_SALES_ORDER_SRV with keys, facets and navigation', async () => {
    const { response, xml } = await metadataOf(SO_PATH)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    assertWellFormedXml(xml)
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?><edmx:Edmx Version="1\.0"/)
    expect(xml).toContain('<edmx:DataServices m:DataServiceVersion="2.0">')
    expect(xml).toContain('<Schema Namespace="API_SALES_ORDER_SRV"')
    const order = entityType(xml, 'A_SalesOrderType')
    expect(order).toContain('<Key><PropertyRef Name="SalesOrder"/></Key>')
    expect(element(order, 'Property', 'SalesOrder')).toContain('Nullable="false" MaxLength="10"')
    expect(element(order, 'Property', 'TotalNetAmount')).toContain(
      'Type="Edm.Decimal" Precision="16" Scale="3"',
    )
    expect(element(order, 'Property', 'TotalNetAmount')).toContain('sap:unit="TransactionCurrency"')
    expect(element(order, 'Property', 'CreationDate')).toContain('Type="Edm.DateTime"')
    expect(element(order, 'Property', 'LastChangeDateTime')).toContain('ConcurrencyMode="Fixed"')
    const item = entityType(xml, 'A_SalesOrderItemType')
    expect(item).toContain(
      '<Key><PropertyRef Name="SalesOrder"/><PropertyRef Name="SalesOrderItem"/></Key>',
    )
    for (const name of ['Material', 'RequestedQuantity', 'RequestedQuantityUnit', 'NetAmount']) {
      expect(item).toContain(`<Property Name="${name}"`)
    }
    // The navigation names an association whose ends and set bind A_SalesOrder to A_SalesOrderItem.
    const nav = element(order, 'NavigationProperty', 'to_Item')
    const assoc = /Relationship="API_SALES_ORDER_SRV\.(assoc_[0-9A-F]{32})"/.exec(nav)?.[1] ?? ''
    expect(assoc).not.toBe('')
    expect(xml).toContain(
      `<Association Name="${assoc}" sap:content-version="1"><End Type="API_SALES_ORDER_SRV.A_SalesOrderType" Multiplicity="1" Role="FromRole_${assoc}"/><End Type="API_SALES_ORDER_SRV.A_SalesOrderItemType" Multiplicity="*" Role="ToRole_${assoc}"/>`,
    )
    expect(xml).toContain(`<End EntitySet="A_SalesOrderItem" Role="ToRole_${assoc}"/>`)
    expect(element(xml, 'EntitySet', 'A_SalesOrder')).toContain(
      'EntityType="API_SALES_ORDER_SRV.A_SalesOrderType"',
    )
  })

  it('describes API_BUSINESS_PARTNER, with DELETE not offered on partners', async () => {
    const { xml } = await metadataOf(BP_PATH)
    assertWellFormedXml(xml)
    const partner = entityType(xml, 'A_BusinessPartnerType')
    for (const name of [
      'BusinessPartner',
      'BusinessPartnerCategory',
      'BusinessPartnerFullName',
      'FirstName',
      'LastName',
      'OrganizationBPName1',
      'SearchTerm1',
      'BusinessPartnerIdByExtSystem',
    ]) {
      expect(partner).toContain(`<Property Name="${name}"`)
    }
    expect(element(partner, 'Property', 'BusinessPartnerIsBlocked')).toContain('Type="Edm.Boolean"')
    expect(element(xml, 'EntitySet', 'A_BusinessPartner')).toContain('sap:deletable="false"')
    expect(partner).toContain('<NavigationProperty Name="to_BusinessPartnerRole"')
  })

  it('matches the data: every property the service returns is declared', async () => {
    const { xml } = await metadataOf(SO_PATH)
    const response = await fetch(
      `${sim.baseUrl}${BP_PATH}/A_BusinessPartner('17100001')?$format=json`,
      {
        headers: { authorization: basicOf(sim) },
      },
    )
    const { d } = (await response.json()) as { d: Record<string, unknown> }
    const bp = entityType((await metadataOf(BP_PATH)).xml, 'A_BusinessPartnerType')
    for (const name of Object.keys(d).filter((k) => k !== '__metadata')) {
      expect(bp, name).toMatch(new RegExp(`<(Property|NavigationProperty) Name="${name}"`))
    }
    expect(xml).not.toContain('A_BusinessPartnerType')
  })
})
