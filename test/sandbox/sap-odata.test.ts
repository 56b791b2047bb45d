/** @module test/sandbox/sap-odata.test — the SAP simulator's OData v2 services over real HTTP: deep insert, reads, query options, formats, business errors, no idempotency. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { basicOf, BP_PATH, errorOf, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

let sim: SapSimulator
let sap: SapClient

beforeAll(async () => {
  sim = createSapSimulator({ seed: 42 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sap = await sapClient(sim)
})

type Entity = Record<string, unknown> & {
  __metadata: { id: string; uri: string; type: string; etag?: string }
}

const create = async (po: string, lines?: Parameters<typeof orderBody>[1]) => {
  const response = await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody(po, lines))
  expect(response.status).toBe(201)
  return ((await response.json()) as { d: Entity }).d
}
const list = async (query: string) =>
  sap.read<{ results: Entity[]; __count?: string }>(`${SO_PATH}/A_SalesOrder?${query}`)

describe('SAP sales orders: create and read', () => {
  it('deep-inserts an order with items: 201, Location, ETag, decimals as strings, /Date(ms)/', async () => {
    const response = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('SHOP-1001', [
        { Material: 'TG11', RequestedQuantity: '5' },
        { Material: 'SKU-2', RequestedQuantity: '2', RequestedQuantityUnit: 'EA' },
      ]),
    )
    expect(response.status).toBe(201)
    const { d } = (await response.json()) as { d: Entity & { to_Item: { results: Entity[] } } }
    expect(d.SalesOrder).toBe('1')
    expect(response.headers.get('location')).toBe(`${sim.baseUrl}${SO_PATH}/A_SalesOrder('1')`)
    expect(response.headers.get('etag')).toMatch(
      /^W\/"datetimeoffset'\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}\.\d{7}Z'"$/,
    )
    expect(d.__metadata).toMatchObject({
      uri: `${sim.baseUrl}${SO_PATH}/A_SalesOrder('1')`,
      type: 'API_SALES_ORDER_SRV.A_SalesOrderType',
      etag: response.headers.get('etag'),
    })
    expect(d).toMatchObject({
      TotalNetAmount: '529.98',
      TransactionCurrency: 'USD',
      OverallSDProcessStatus: 'A',
      PurchaseOrderByCustomer: 'SHOP-1001',
      SoldToParty: '17100001',
      CreatedByUser: 'SYNCLINE_INT',
    })
    expect(d.CreationDate).toMatch(/^\/Date\(\d+\)\/$/)
    expect(d.LastChangeDateTime).toMatch(/^\/Date\(\d+\+0000\)\/$/)
    expect(d.to_Item.results.map((i) => [i.SalesOrderItem, i.Material, i.NetAmount])).toEqual([
      ['10', 'TG11', '500.00'],
      ['20', 'SKU-2', '29.98'],
    ])
    expect(d.to_Item.results[0]).toMatchObject({
      RequestedQuantity: '5',
      RequestedQuantityUnit: 'PC',
      NetPriceAmount: '100.00',
    })
  })

  it('reads by key, also with leading zeros, with deferred or expanded items and an ETag header', async () => {
    const created = await create('SHOP-2')
    const response = await sap.call('GET', `${SO_PATH}/A_SalesOrder('0000000001')`)
    expect(response.status).toBe(200)
    expect(response.headers.get('etag')).toBe(created.__metadata.etag)
    const { d } = (await response.json()) as { d: Entity }
    expect(d.SalesOrder).toBe('1')
    expect(d.to_Item).toEqual({
      __deferred: { uri: `${sim.baseUrl}${SO_PATH}/A_SalesOrder('1')/to_Item` },
    })
    const expanded = await sap.read<Entity & { to_Item: { results: Entity[] } }>(
      `${SO_PATH}/A_SalesOrder('1')?$expand=to_Item`,
    )
    expect(expanded.to_Item.results).toHaveLength(1)
    const items = await sap.read<{ results: Entity[] }>(`${SO_PATH}/A_SalesOrder('1')/to_Item`)
    expect(items.results[0]?.__metadata.uri).toBe(
      `${sim.baseUrl}${SO_PATH}/A_SalesOrderItem(SalesOrder='1',SalesOrderItem='10')`,
    )
    const item = await sap.read<Entity>(
      `${SO_PATH}/A_SalesOrderItem(SalesOrder='1',SalesOrderItem='10')/to_SalesOrder`,
    )
    expect(item.SalesOrder).toBe('1')
    const missing = await sap.call('GET', `${SO_PATH}/A_SalesOrder('999')`)
    expect(missing.status).toBe(404)
    expect((await errorOf(missing)).code).toBe('/IWBEP/CM_MGW_RT/020')
  })

  it('filters, orders, pages, selects and counts collections', async () => {
    await create('A-1', [{ Material: 'TG11', RequestedQuantity: '1' }])
    await create('A-2', [{ Material: 'TG12', RequestedQuantity: '2' }])
    await create('B-3', [{ Material: 'TG13', RequestedQuantity: '3' }])
    const byPo = await list(`$filter=PurchaseOrderByCustomer eq 'A-2'&$format=json`)
    expect(byPo.results.map((r) => r.SalesOrder)).toEqual(['2'])
    const both = await list(
      `$filter=SoldToParty eq '17100001' and PurchaseOrderByCustomer ne 'A-1'&$inlinecount=allpages`,
    )
    expect(both.__count).toBe('2')
    const numeric = await list(`$filter=TotalNetAmount gt 200 and TotalNetAmount lt 400`)
    expect(numeric.results.map((r) => r.TotalNetAmount)).toEqual(['250.00'])
    const text = await list(
      `$filter=startswith(PurchaseOrderByCustomer,'A-')&$orderby=SalesOrder desc`,
    )
    expect(text.results.map((r) => r.PurchaseOrderByCustomer)).toEqual(['A-2', 'A-1'])
    const contains = await list(`$filter=substringof('-3',PurchaseOrderByCustomer)`)
    expect(contains.results.map((r) => r.SalesOrder)).toEqual(['3'])
    // Key comparisons follow ABAP's zero-padded order: '10' would sort before '2' as plain text.
    const keys = await list(`$filter=SalesOrder ge '2'`)
    expect(keys.results.map((r) => r.SalesOrder)).toEqual(['2', '3'])
    const page = await list(`$orderby=TotalNetAmount desc&$top=1&$skip=1&$inlinecount=allpages`)
    expect(page.__count).toBe('3')
    expect(page.results.map((r) => r.SalesOrder)).toEqual(['2'])
    const selected = await list(`$select=SalesOrder,TotalNetAmount&$top=1`)
    expect(Object.keys(selected.results[0] ?? {}).sort()).toEqual(
      ['SalesOrder', 'TotalNetAmount', '__metadata'].sort(),
    )
    const count = await sap.call(
      'GET',
      `${SO_PATH}/A_SalesOrder/$count?$filter=TotalNetAmount ge 250`,
    )
    expect(await count.text()).toBe('2')
    const bad = await sap.call('GET', `${SO_PATH}/A_SalesOrder?$filter=Nope eq 'x'`)
    expect(bad.status).toBe(400)
    expect((await errorOf(bad)).message.value).toContain("'Nope'")
  })

  it('answers in Atom XML when the client asks for neither $format=json nor JSON', async () => {
    await create('XML-1')
    const response = await fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder('1')`, {
      headers: { authorization: basicOf(sim) },
    })
    expect(response.headers.get('content-type')).toContain('application/atom+xml')
    const xml = await response.text()
    expect(xml).toContain('<d:SalesOrder>1</d:SalesOrder>')
    expect(xml).toContain('<d:TotalNetAmount m:type="Edm.Decimal">500.00</d:TotalNetAmount>')
  })

  it('has no idempotency: the same order twice is two orders, unless the caller queries first', async () => {
    await create('DUP-1')
    await create('DUP-1')
    const found = await list(
      `$filter=PurchaseOrderByCustomer eq 'DUP-1' and SoldToParty eq '17100001'`,
    )
    expect(found.results.map((r) => r.SalesOrder)).toEqual(['1', '2'])
    const effect = sim.ledger().effects.find((e) => e.businessKey === 'DUP-1')
    expect(effect).toMatchObject({ recordType: 'A_SalesOrder', creates: 2, writes: 2 })
  })
})

describe('SAP business errors and Gateway checks', () => {
  it('refuses a sold-to party outside the sales area with V1/320 and creates nothing', async () => {
    const response = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('BAD-1', undefined, { SoldToParty: '17300001' }),
    )
    expect(response.status).toBe(400)
    const error = await errorOf(response)
    expect(error).toMatchObject({ code: 'V1/320', message: { lang: 'en' } })
    expect(error.message.value).toBe(
      'Sold-to party 17300001 not maintained for sales area 1710/10/00',
    )
    expect(error.innererror.application).toMatchObject({ service_id: 'API_SALES_ORDER_SRV' })
    expect(error.innererror.transactionid).toMatch(/^[0-9A-F]{32}$/)
    expect(sim.entities('A_SalesOrder')).toEqual([])
    expect(sim.ledger().totals.writes).toBe(0)
  })

  it('makes a deep insert atomic: one bad item, no order, no number used', async () => {
    const bad = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('ATOM-1', [
        { Material: 'TG11', RequestedQuantity: '1' },
        { Material: 'NOPE', RequestedQuantity: '1' },
      ]),
    )
    expect(bad.status).toBe(400)
    expect(await errorOf(bad)).toMatchObject({ code: 'V1/392' })
    expect(sim.entities('A_SalesOrder')).toEqual([])
    expect((await create('ATOM-2')).SalesOrder).toBe('1')
  })

  it('refuses a blocked customer, unknown properties, bad values and too-long text', async () => {
    const blocked = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('BLK-1', undefined, { SoldToParty: '17100005' }),
    )
    expect((await errorOf(blocked)).code).toBe('V1/462')
    const unknown = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('U-1', undefined, { Foo: 1 }),
    )
    expect(unknown.status).toBe(400)
    expect((await errorOf(unknown)).message.value).toContain("'Foo'")
    const badQty = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('Q-1', [{ Material: 'TG11', RequestedQuantity: 'five' }]),
    )
    expect((await errorOf(badQty)).code).toBe('/IWBEP/CM_MGW_RT/022')
    const long = await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('X'.repeat(36)))
    expect(long.status).toBe(400)
    const missing = await sap.call('POST', `${SO_PATH}/A_SalesOrder`, { SalesOrderType: 'OR' })
    expect(await errorOf(missing)).toMatchObject({ code: '00/055' })
  })

  it('needs JSON bodies, knows its services, and refuses DELETE of a business partner', async () => {
    // The simulator reads JSON only; real Gateway would also take an Atom entry here.
    const xml = await fetch(`${sim.baseUrl}${SO_PATH}/A_SalesOrder`, {
      method: 'POST',
      headers: {
        authorization: basicOf(sim),
        cookie: sap.cookies,
        'x-csrf-token': sap.token,
        'content-type': 'application/atom+xml',
        accept: 'application/json',
      },
      body: '<entry/>',
    })
    expect(xml.status).toBe(415)
    const wrongService = await sap.call('GET', '/sap/opu/odata/sap/API_NOPE_SRV/')
    expect(wrongService.status).toBe(404)
    expect((await errorOf(wrongService)).code).toBe('/IWFND/MED/170')
    const del = await sap.call('DELETE', `${BP_PATH}/A_BusinessPartner('17100001')`, undefined, {
      'if-match': '*',
    })
    expect(del.status).toBe(405)
  })
})
