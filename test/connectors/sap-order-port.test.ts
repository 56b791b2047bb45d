/** @module test/connectors/sap-order-port — the order flow's SAP port against the simulator: customer ensured, order created exactly once, also across a commit-then-drop. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import {
  sapBusinessPartnerKey,
  sapSalesOrderReference,
} from '../../src/connectors/sap/sap-mapping.ts'
import { readSalesOrder } from '../../src/connectors/sap/sap-operations.ts'
import type { ErpOrderPort } from '../../src/flows/order-to-erp/erp-order-port.ts'
import { createSapOrderPort } from '../../src/flows/order-to-erp/sap-order-port.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { rejection } from './conformance/conformance-subject.ts'
import { sampleOrder, sapTestConfig } from './conformance/sap-subject.ts'

const sim = createSapSimulator({ seed: 31 })
let client: SapClient
let port: ErpOrderPort

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.reset()
  const config = sapTestConfig(sim)
  client = new SapClient(config)
  port = createSapOrderPort(client, config)
})

const call = (key: string) => ({ idempotencyKey: key, signal: AbortSignal.timeout(30_000) })
const stored = (set: string, field: string, value: string) =>
  (sim.entities(set) ?? [])
    .map((e) => e as Record<string, unknown>)
    .filter((e) => e[field] === value)

/** What the order flow does: ensure the customer, then upsert the order for it. */
async function deliver(key: string) {
  const order = sampleOrder(key)
  const customer = await port.ensureCustomer(order.customer, call(`${key}:customer`))
  const salesOrder = await port.upsertSalesOrder(order, customer.id, call(`${key}:order`))
  return { order, customer, salesOrder }
}

describe('SAP order port × SAP simulator', () => {
  it('names its system, operations and governed target', () => {
    expect(port.system).toBe('sap')
    expect(port.operations).toEqual({
      ensureCustomer: 'businessPartner.ensure',
      upsertSalesOrder: 'salesOrder.create',
    })
    expect(port.target).toBe(`sap:${new URL(sim.baseUrl).host}`)
  })

  it('creates a customer business partner that SAP accepts as sold-to party, then the order', async () => {
    const { order, customer, salesOrder } = await deliver('2001')
    const [partner] = stored(
      'A_BusinessPartner',
      'BusinessPartnerIdByExtSystem',
      sapBusinessPartnerKey(order.customer),
    )
    expect(partner).toMatchObject({
      BusinessPartner: customer.businessPartner,
      Customer: customer.id,
      BusinessPartnerCategory: '1',
      FirstName: 'Zoë',
      LastName: 'Ærøskøbing',
    })
    const read = await readSalesOrder(client, salesOrder.id)
    expect(read?.snapshot).toMatchObject({
      soldToParty: customer.id,
      reference: sapSalesOrderReference(order),
      currency: 'USD',
      netAmount: '19.98',
      lines: [{ item: '10', sku: 'SKU-1', quantity: '2', netPrice: '9.99', netAmount: '19.98' }],
    })
    expect(await port.findCustomer(port.customerKey(order.customer), call('find').signal)).toEqual(
      customer,
    )
  })

  it('the same canonical order delivered twice is one business partner and one sales order', async () => {
    const first = await deliver('2002')
    const second = await deliver('2002')
    expect(second.customer).toEqual(first.customer)
    expect(second.salesOrder.id).toBe(first.salesOrder.id)
    const reference = sapSalesOrderReference(first.order)
    expect(stored('A_SalesOrder', 'PurchaseOrderByCustomer', reference)).toHaveLength(1)
    const key = sapBusinessPartnerKey(first.order.customer)
    expect(stored('A_BusinessPartner', 'BusinessPartnerIdByExtSystem', key)).toHaveLength(1)
    const creates = sim.ledger().effects.map((e) => [e.recordType, e.creates])
    expect(creates).toEqual([
      ['A_BusinessPartner', 1],
      ['A_SalesOrder', 1],
    ])
  })

  it('after a commit-then-drop of the order: unknown outcome, found by the in-doubt read, retried without a duplicate', async () => {
    const order = sampleOrder('2003')
    const customer = await port.ensureCustomer(order.customer, call('2003:customer'))
    sim.setScenario({ sequence: ['commitThenDrop'] })
    const error = await rejection(port.upsertSalesOrder(order, customer.id, call('2003:order')))
    expect(error.type).toBe('unknown_outcome')
    const found = await port.findSalesOrder(
      order,
      Date.parse('2026-01-10T15:00:00Z'),
      call('x').signal,
    )
    expect(found).not.toBeNull()
    const retried = await port.upsertSalesOrder(order, customer.id, call('2003:order'))
    expect(retried.id).toBe(found?.id)
    expect(
      stored('A_SalesOrder', 'PurchaseOrderByCustomer', sapSalesOrderReference(order)),
    ).toHaveLength(1)
  })

  it('after a commit-then-drop of the business partner: the retry finds it and creates no second', async () => {
    const order = sampleOrder('2004')
    sim.setScenario({ sequence: ['commitThenDrop'] })
    const error = await rejection(port.ensureCustomer(order.customer, call('2004:customer')))
    expect(error.type).toBe('unknown_outcome')
    const key = port.customerKey(order.customer)
    const found = await port.findCustomer(key, call('x').signal)
    expect(found).not.toBeNull()
    expect(await port.ensureCustomer(order.customer, call('2004:customer'))).toEqual(found)
    expect(stored('A_BusinessPartner', 'BusinessPartnerIdByExtSystem', key)).toHaveLength(1)
  })

  it('finds nothing for an order SAP never received', async () => {
    expect(await port.findSalesOrder(sampleOrder('2005'), undefined, call('x').signal)).toBeNull()
    expect(
      await port.findCustomer(port.customerKey(sampleOrder('2005').customer), call('x').signal),
    ).toBeNull()
  })
})
