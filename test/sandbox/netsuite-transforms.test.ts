/** @module test/sandbox/netsuite-transforms.test — sales orders transformed into invoices and fulfillments (not idempotent), and idempotency keys, over real HTTP. */

import { describe, expect, it } from 'vitest'
import { nsErrorCode } from './sandbox-test-kit.ts'
import { useNetSuiteTestEstate } from './netsuite-test-estate.ts'
import type { NetSuiteErrorBody } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
const estate = useNetSuiteTestEstate(21)
const { sim, json, idFrom, locationId } = estate

/** A customer and a sales order for 3 × SKU-1 at 10 and 1 × SKU-2 at 5; returns the order's id. */
async function salesOrder(externalId = 'SO-EXT-1'): Promise<string> {
  await estate.ns().call('PUT', `${R}/customer/eid:C-1`, { companyName: 'Acme' })
  const created = await estate.ns().call('POST', `${R}/salesOrder`, {
    externalId,
    entity: { externalId: 'C-1' },
    currency: { refName: 'EUR' },
    otherRefNum: '#1001',
    item: {
      items: [
        { item: { externalId: 'SKU-1' }, quantity: 3, rate: 10 },
        { item: { externalId: 'SKU-2' }, quantity: 1, rate: 5 },
      ],
    },
  })
  expect(created.status).toBe(204)
  return idFrom(created)
}

const transform = (
  id: string,
  target: string,
  body?: unknown,
  headers?: Record<string, string>,
  query = '',
) =>
  estate
    .ns()
    .call('POST', `${R}/salesOrder/${id}/!transform/${target}${query}`, body ?? {}, headers)

describe('salesOrder → invoice', () => {
  it('bills the whole order, with NetSuite’s invoice fields, and counts the create in the ledger', async () => {
    const orderId = await salesOrder()
    const made = await transform(orderId, 'invoice')
    expect(made.status).toBe(204)
    expect(made.headers.get('location')).toMatch(new RegExp(`${R}/invoice/\\d+$`))
    const invoice = await json(`${R}/invoice/${idFrom(made)}?expandSubResources=true`)
    expect(invoice).toMatchObject({
      tranId: 'INV1',
      createdFrom: { id: orderId, refName: 'Sales Order #SO1' },
      entity: { refName: 'Acme' },
      currency: { refName: 'EUR' },
      total: 35,
      amountPaid: 0,
      amountRemaining: 35,
      status: { id: 'A', refName: 'Open' },
      item: {
        items: [
          { orderLine: 1, quantity: 3, rate: 10, amount: 30, item: { refName: 'SKU-1' } },
          { orderLine: 2, quantity: 1, amount: 5 },
        ],
      },
    })
    const effect = sim.ledger().effects.find((e) => e.recordType === 'invoice')
    expect(effect).toMatchObject({ businessKey: 'SO-EXT-1', creates: 1 })
  })

  it('is NOT idempotent: a second transform makes a second invoice while something is left to bill', async () => {
    const orderId = await salesOrder()
    const first = await transform(
      orderId,
      'invoice',
      { item: { items: [{ orderLine: 1, quantity: 1 }] } },
      {},
      '?replace=item',
    )
    const second = await transform(orderId, 'invoice')
    expect([first.status, second.status]).toEqual([204, 204])
    expect(idFrom(second)).not.toBe(idFrom(first))
    expect(sim.records.list('invoice')).toHaveLength(2)
    expect(await json(`${R}/invoice/${idFrom(second)}?expandSubResources=true`)).toMatchObject({
      item: {
        items: [
          { orderLine: 1, quantity: 2 },
          { orderLine: 2, quantity: 1 },
        ],
      },
      total: 25,
    })
    expect(sim.ledger().effects.find((e) => e.recordType === 'invoice')).toMatchObject({
      creates: 2,
    })
    const order = await json(`${R}/salesOrder/${orderId}?expandSubResources=true`)
    expect(order).toMatchObject({ item: { items: [{ quantityBilled: 3 }, { quantityBilled: 1 }] } })

    const third = await transform(orderId, 'invoice')
    expect(third.status).toBe(400)
    const body = (await third.json()) as NetSuiteErrorBody
    expect(body['o:errorDetails'][0]).toEqual({
      detail: `Error while accessing a resource. You can not initialize invoice: invalid reference ${orderId}.`,
      'o:errorCode': 'INVALID_INITIALIZE_REF',
    })
    expect(sim.records.list('invoice')).toHaveLength(2)
  })

  it('keeps the unlisted lines at what is left unless replace=item', async () => {
    const orderId = await salesOrder()
    const made = await transform(orderId, 'invoice', {
      item: { items: [{ orderLine: 1, quantity: 2 }] },
    })
    expect(await json(`${R}/invoice/${idFrom(made)}?expandSubResources=true`)).toMatchObject({
      item: {
        items: [
          { orderLine: 1, quantity: 2 },
          { orderLine: 2, quantity: 1 },
        ],
        count: 2,
      },
    })
  })

  it('refuses to bill more than is left, or a line the order does not have, with the path', async () => {
    const orderId = await salesOrder()
    const over = await transform(orderId, 'invoice', {
      item: { items: [{ orderLine: 1, quantity: 4 }] },
    })
    expect(over.status).toBe(400)
    expect(((await over.json()) as NetSuiteErrorBody)['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'USER_ERROR',
      'o:errorPath': 'item.items[0].quantity',
    })
    const noLine = await transform(orderId, 'invoice', {
      item: { items: [{ orderLine: 9, quantity: 1 }] },
    })
    expect(((await noLine.json()) as NetSuiteErrorBody)['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_VALUE',
      'o:errorPath': 'item.items[0].orderLine',
    })
    expect(sim.records.list('invoice')).toHaveLength(0)
    expect(sim.ledger().totals.creates).toBe(2) // the customer and the order only
  })

  it('answers an unknown order, an external-id source and an unknown target as NetSuite would', async () => {
    await salesOrder()
    expect(await nsErrorCode(await transform('999999', 'invoice'))).toBe('NONEXISTENT_ID')
    expect((await transform('eid:SO-EXT-1', 'invoice')).status).toBe(404)
    const id = sim.records.get('salesOrder', 'eid:SO-EXT-1')?.id ?? ''
    expect((await transform(id, 'customer')).status).toBe(400)
    expect((await transform(id, 'nonsense')).status).toBe(404)
    const direct = await estate.ns().call('POST', `${R}/invoice`, { entity: { id: '1' } })
    expect(direct.status).toBe(400)
    expect(await nsErrorCode(direct)).toBe('USER_ERROR')
  })
})

describe('salesOrder → itemFulfillment', () => {
  it('ships from the chosen location, never more than ordered, and takes the stock out', async () => {
    const orderId = await salesOrder()
    const east = locationId('WH-EAST')
    const first = await transform(
      orderId,
      'itemFulfillment',
      { item: { items: [{ orderLine: 1, quantity: 2, location: { externalId: 'WH-EAST' } }] } },
      {},
      '?replace=item',
    )
    expect(first.status).toBe(204)
    expect(
      await json(`${R}/itemFulfillment/${idFrom(first)}?expandSubResources=true`),
    ).toMatchObject({
      tranId: 'IF1',
      shipStatus: { refName: 'Shipped' },
      createdFrom: { id: orderId },
      item: {
        items: [{ orderLine: 1, quantity: 2, location: { id: east, refName: 'East Coast DC' } }],
      },
    })
    const stock = await json(`${R}/inventoryItem/eid:SKU-1?expandSubResources=true`)
    expect(stock).toMatchObject({
      totalQuantityOnHand: 118,
      locations: { items: [{ quantityOnHand: 100 }, { quantityOnHand: 18 }] },
    })

    const over = await transform(
      orderId,
      'itemFulfillment',
      { item: { items: [{ orderLine: 1, quantity: 2 }] } },
      {},
      '?replace=item',
    )
    expect(over.status).toBe(400)
    expect(((await over.json()) as NetSuiteErrorBody)['o:errorDetails'][0]?.detail).toContain(
      'remaining quantity (1)',
    )

    const rest = await transform(orderId, 'itemFulfillment')
    expect(rest.status).toBe(204)
    expect(
      await json(`${R}/itemFulfillment/${idFrom(rest)}?expandSubResources=true`),
    ).toMatchObject({
      item: {
        items: [
          { orderLine: 1, quantity: 1, location: { refName: 'Main Warehouse' } },
          { orderLine: 2, quantity: 1 },
        ],
      },
    })
    const order = await json(`${R}/salesOrder/${orderId}?expandSubResources=true`)
    expect(order).toMatchObject({
      item: { items: [{ quantityFulfilled: 3, quantityBilled: 0 }, { quantityFulfilled: 1 }] },
    })
    expect(await nsErrorCode(await transform(orderId, 'itemFulfillment'))).toBe(
      'INVALID_INITIALIZE_REF',
    )
    expect(sim.ledger().effects.find((e) => e.recordType === 'itemFulfillment')).toMatchObject({
      creates: 2,
    })
  })
})

describe('X-NetSuite-Idempotency-Key (scenario idempotency: "honour")', () => {
  const key = (k: string) => ({ 'x-netsuite-idempotency-key': k })

  it('replays the stored outcome for the same key and body, and makes nothing new', async () => {
    sim.setScenario({ idempotency: 'honour' })
    const orderId = await salesOrder()
    const partial = { item: { items: [{ orderLine: 1, quantity: 1 }] } }
    const first = await transform(orderId, 'invoice', partial, key('inv-1'), '?replace=item')
    const again = await transform(orderId, 'invoice', partial, key('inv-1'), '?replace=item')
    expect([first.status, again.status]).toEqual([204, 204])
    expect(again.headers.get('location')).toBe(first.headers.get('location'))
    expect(sim.records.list('invoice')).toHaveLength(1)
    expect(sim.ledger().effects.find((e) => e.recordType === 'invoice')).toMatchObject({
      creates: 1,
      replays: 1,
    })
  })

  it('answers the same key with another body, or on another record type, with IDEMPOTENCY_ERROR', async () => {
    sim.setScenario({ idempotency: 'honour' })
    const orderId = await salesOrder()
    expect((await transform(orderId, 'invoice', { memo: 'first' }, key('inv-2'))).status).toBe(204)
    const otherBody = await transform(orderId, 'invoice', { memo: 'second' }, key('inv-2'))
    expect(otherBody.status).toBe(400)
    const body = (await otherBody.json()) as NetSuiteErrorBody
    expect(body).toMatchObject({ status: 400, title: 'Conflict' })
    expect(body['o:errorDetails'][0]?.['o:errorCode']).toBe('IDEMPOTENCY_ERROR')
    // The key is the account's, not a record type's: a customer create may not reuse it.
    const otherType = await estate
      .ns()
      .call('POST', `${R}/customer`, { externalId: 'C-9', companyName: 'X' }, key('inv-2'))
    expect(otherType.status).toBe(400)
    expect(await nsErrorCode(otherType)).toBe('IDEMPOTENCY_ERROR')
    expect(sim.records.get('customer', 'eid:C-9')).toBeUndefined()
    expect(sim.records.list('invoice')).toHaveLength(1)
  })

  it('turns a dropped answer into one invoice when the transform is retried with its key', async () => {
    sim.setScenario({ idempotency: 'honour' })
    const orderId = await salesOrder()
    sim.setScenario({ idempotency: 'honour', sequence: ['commitThenDrop'] })
    await expect(transform(orderId, 'invoice', {}, key('inv-3'))).rejects.toThrow()
    const retried = await transform(orderId, 'invoice', {}, key('inv-3'))
    expect(retried.status).toBe(204)
    expect(sim.records.list('invoice')).toHaveLength(1)
    expect(idFrom(retried)).toBe(sim.records.list('invoice')[0]?.id)
  })

  it('ignores the key in the default "naive" mode, like a synchronous NetSuite request', async () => {
    const orderId = await salesOrder()
    const line = { item: { items: [{ orderLine: 1, quantity: 1 }] } }
    await transform(orderId, 'invoice', line, key('same'), '?replace=item')
    await transform(orderId, 'invoice', line, key('same'), '?replace=item')
    expect(sim.records.list('invoice')).toHaveLength(2)
  })
})
