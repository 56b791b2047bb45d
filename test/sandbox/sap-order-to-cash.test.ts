/** @module test/sandbox/sap-order-to-cash.test — the SAP simulator's order-to-cash documents over real HTTP: credit check status, rejection reasons, outbound deliveries with goods issue, the asynchronous SOAP billing request and billing documents read over OData. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { basicOf, errorOf, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

const DL_PATH = '/sap/opu/odata/sap/API_OUTBOUND_DELIVERY_SRV'
const BD_PATH = '/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV'
const SOAP_PATH = '/sap/bc/srt/scs_ext/sap/billingdocumentrequest_in'

let sim: SapSimulator
let sap: SapClient

beforeAll(async () => {
  sim = createSapSimulator({ seed: 5, billingProcessingMs: 20 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sap = await sapClient(sim)
})

type Entity = Record<string, unknown>

async function order(po: string, soldTo = '17100001'): Promise<Entity> {
  const response = await sap.call(
    'POST',
    `${SO_PATH}/A_SalesOrder`,
    orderBody(po, [{ Material: 'SKU-2', RequestedQuantity: '2' }], { SoldToParty: soldTo }),
  )
  expect(response.status).toBe(201)
  return ((await response.json()) as { d: Entity }).d
}

const deliveryBody = (salesOrder: string, reference: string) => ({
  DeliveryDocumentBySupplier: reference,
  to_DeliveryDocumentItem: {
    results: [{ ReferenceSDDocument: salesOrder, ReferenceSDDocumentItem: '10' }],
  },
})

const soap = (delivery: string) =>
  fetch(`${sim.baseUrl}${SOAP_PATH}`, {
    method: 'POST',
    headers: { authorization: basicOf(sim), 'content-type': 'text/xml; charset=utf-8' },
    body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sd="http://sap.com/xi/SD-BIL"><soapenv:Body><sd:BillingDocumentRequest><SDDocument><SDDocument>${delivery}</SDDocument></SDDocument></sd:BillingDocumentRequest></soapenv:Body></soapenv:Envelope>`,
  })

const settle = () => new Promise((resolve) => setTimeout(resolve, 120))

describe('SAP credit management and rejection', () => {
  it('saves an order over the credit limit with TotalCreditCheckStatus B and refuses to deliver it', async () => {
    const credit = await fetch(`${sim.baseUrl}/__sim/credit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: '17100002', creditLimit: 30 }),
    })
    expect(credit.status).toBe(200)
    const within = await order('CR-1', '17100002') // 2 × 14.99
    expect(within.TotalCreditCheckStatus).toBe('A')
    const over = await order('CR-2', '17100002')
    expect(over.TotalCreditCheckStatus).toBe('B')
    expect((await order('CR-3')).TotalCreditCheckStatus).toBe('')
    sim.setCredit('17100003', { limit: null, blocked: true })
    expect((await order('CR-4', '17100003')).TotalCreditCheckStatus).toBe('B')

    const refused = await sap.call(
      'POST',
      `${DL_PATH}/A_OutbDeliveryHeader`,
      deliveryBody(String(over.SalesOrder), 'X-1'),
    )
    expect(refused.status).toBe(400)
    expect((await errorOf(refused)).code).toBe('VL/361')
    expect(sim.entities('A_OutbDeliveryHeader')).toEqual([])
  })

  it('rejects every item with a reason (status C), and refuses to reject a delivered item', async () => {
    const so = await order('RJ-1')
    const item = `${SO_PATH}/A_SalesOrderItem(SalesOrder='${String(so.SalesOrder)}',SalesOrderItem='10')`
    const read = await sap.call('GET', item)
    const etag = read.headers.get('etag') ?? ''
    const patched = await sap.call(
      'PATCH',
      item,
      { SalesDocumentRjcnReason: '50' },
      { 'if-match': etag },
    )
    expect(patched.status).toBe(204)
    const header = await sap.read<Entity>(`${SO_PATH}/A_SalesOrder('${String(so.SalesOrder)}')`)
    expect(header.OverallSDDocumentRejectionSts).toBe('C')
    const deliver = await sap.call(
      'POST',
      `${DL_PATH}/A_OutbDeliveryHeader`,
      deliveryBody(String(so.SalesOrder), 'X-2'),
    )
    expect((await errorOf(deliver)).code).toBe('VL/248')

    const shipped = await order('RJ-2')
    const created = await sap.call(
      'POST',
      `${DL_PATH}/A_OutbDeliveryHeader`,
      deliveryBody(String(shipped.SalesOrder), 'X-3'),
    )
    expect(created.status).toBe(201)
    const item2 = `${SO_PATH}/A_SalesOrderItem(SalesOrder='${String(shipped.SalesOrder)}',SalesOrderItem='10')`
    const refused = await sap.call(
      'PATCH',
      item2,
      { SalesDocumentRjcnReason: '50' },
      { 'if-match': '*' },
    )
    expect(refused.status).toBe(400)
    expect((await errorOf(refused)).code).toBe('V1/068')
  })
})

describe('SAP outbound deliveries and billing', () => {
  it('delivers with reference to the order, posts goods issue once, bills once through the SOAP request', async () => {
    const so = await order('DL-1')
    const created = await sap.call(
      'POST',
      `${DL_PATH}/A_OutbDeliveryHeader`,
      deliveryBody(String(so.SalesOrder), 'SHOPIFY-IF-1'),
    )
    expect(created.status).toBe(201)
    const delivery = (
      (await created.json()) as { d: Entity & { to_DeliveryDocumentItem: { results: Entity[] } } }
    ).d
    expect(delivery).toMatchObject({
      DeliveryDocument: '80000000',
      DeliveryDocumentBySupplier: 'SHOPIFY-IF-1',
      SoldToParty: '17100001',
      OverallGoodsMovementStatus: 'A',
    })
    expect(delivery.to_DeliveryDocumentItem.results[0]).toMatchObject({
      ReferenceSDDocument: String(so.SalesOrder),
      ReferenceSDDocumentItem: '10',
      Material: 'SKU-2',
      ActualDeliveryQuantity: '2',
    })
    const byReference = await sap.read<{ results: Entity[] }>(
      `${DL_PATH}/A_OutbDeliveryHeader?$filter=${encodeURIComponent("DeliveryDocumentBySupplier eq 'SHOPIFY-IF-1'")}`,
    )
    expect(byReference.results).toHaveLength(1)
    // Everything is delivered: a second delivery finds no open quantity.
    const again = await sap.call(
      'POST',
      `${DL_PATH}/A_OutbDeliveryHeader`,
      deliveryBody(String(so.SalesOrder), 'SHOPIFY-IF-1b'),
    )
    expect((await errorOf(again)).code).toBe('VL/008')

    // Billing before goods issue is an error in the message monitor, never a document.
    expect((await soap('80000000')).status).toBe(202)
    await settle()
    expect(sim.billingMessages()[0]).toMatchObject({ state: 'error', billingDocument: null })

    const pgi = await sap.call('POST', `${DL_PATH}/PostGoodsIssue?DeliveryDocument='80000000'`)
    expect(pgi.status).toBe(200)
    expect(((await pgi.json()) as { d: Entity }).d.OverallGoodsMovementStatus).toBe('C')
    const twice = await sap.call('POST', `${DL_PATH}/PostGoodsIssue?DeliveryDocument='80000000'`)
    expect((await errorOf(twice)).code).toBe('VL/609')

    const accepted = await soap('80000000')
    expect(accepted.status).toBe(202)
    expect(await accepted.text()).toBe('')
    await settle()
    const items = await sap.read<{ results: Entity[] }>(
      `${BD_PATH}/A_BillingDocumentItem?$filter=${encodeURIComponent(`SalesDocument eq '${String(so.SalesOrder)}'`)}`,
    )
    expect(items.results).toHaveLength(1)
    expect(items.results[0]).toMatchObject({
      BillingDocument: '90000000',
      ReferenceSDDocument: '80000000',
      NetAmount: '29.98',
    })
    const header = await sap.read<Entity>(`${BD_PATH}/A_BillingDocument('90000000')`)
    expect(header).toMatchObject({ BillingDocumentType: 'F2', TotalNetAmount: '29.98' })
    // A repeated request: SAP refuses a completely billed delivery.
    await soap('80000000')
    await settle()
    expect(sim.billingMessages().map((m) => m.state)).toEqual(['error', 'processed', 'error'])
    expect(sim.entities('A_BillingDocument')).toHaveLength(1)
    const metadata = await sap.call('GET', `${BD_PATH}/$metadata`)
    expect(await metadata.text()).toContain('A_BillingDocumentItemType')
  })

  it('billing over OData is not allowed, a SOAP request without credentials is refused', async () => {
    const post = await sap.call('POST', `${BD_PATH}/A_BillingDocument`, {
      BillingDocumentType: 'F2',
    })
    expect(post.status).toBe(405)
    const anonymous = await fetch(`${sim.baseUrl}${SOAP_PATH}`, { method: 'POST', body: '<x/>' })
    expect(anonymous.status).toBe(401)
    const empty = await fetch(`${sim.baseUrl}${SOAP_PATH}`, {
      method: 'POST',
      headers: { authorization: basicOf(sim), 'content-type': 'text/xml' },
      body: '<BillingDocumentRequest/>',
    })
    expect(empty.status).toBe(500)
  })
})
