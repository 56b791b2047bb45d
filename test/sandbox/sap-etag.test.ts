/** @module test/sandbox/sap-etag.test — optimistic locking over real HTTP: 428 without If-Match, 412 when stale, a new ETag on every change, concurrent writers and UI edits. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { errorOf, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

let sim: SapSimulator
let sap: SapClient
const ORDER = `${SO_PATH}/A_SalesOrder('1')`

beforeAll(async () => {
  sim = createSapSimulator({ seed: 5 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sap = await sapClient(sim)
  const created = await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('ETAG-1'))
  expect(created.status).toBe(201)
})

const etagOf = async (path = ORDER): Promise<string> =>
  (await sap.call('GET', path)).headers.get('etag') ?? ''

describe('SAP ETag / If-Match', () => {
  it('answers 428 Precondition Required to a PATCH, MERGE or DELETE without If-Match', async () => {
    for (const method of ['PATCH', 'MERGE', 'PUT', 'DELETE']) {
      const response = await sap.call(method, ORDER, method === 'DELETE' ? undefined : {})
      expect(response.status, method).toBe(428)
      expect(await errorOf(response)).toMatchObject({
        code: '/IWBEP/CM_MGW_RT/194',
        message: { lang: 'en', value: 'Precondition required' },
      })
    }
    expect(sim.ledger().effects[0]).toMatchObject({ creates: 1, updates: 0, deletes: 0 })
  })

  it('applies a PATCH under the current ETag (204, new ETag) and refuses the old one with 412', async () => {
    const before = await etagOf()
    const patched = await sap.call(
      'PATCH',
      ORDER,
      { PurchaseOrderByCustomer: 'ETAG-1-B', CustomerPaymentTerms: '0001' },
      { 'if-match': before },
    )
    expect(patched.status).toBe(204)
    expect(await patched.text()).toBe('')
    const after = await etagOf()
    expect(after).not.toBe(before)
    expect(patched.headers.get('etag')).toBe(after)
    const stale = await sap.call(
      'PATCH',
      ORDER,
      { CustomerPaymentTerms: '0002' },
      { 'if-match': before },
    )
    expect(stale.status).toBe(412)
    expect(await errorOf(stale)).toMatchObject({ code: '/IWBEP/CM_MGW_RT/190' })
    const order = await sap.read(ORDER)
    expect(order).toMatchObject({
      PurchaseOrderByCustomer: 'ETAG-1-B',
      CustomerPaymentTerms: '0001',
    })
    expect(order.LastChangeDate).toMatch(/^\/Date\(\d+\)\/$/)
  })

  it('lets exactly one of two writers holding the same ETag win', async () => {
    const etag = await etagOf()
    const other = await sapClient(sim)
    const [a, b] = await Promise.all([
      sap.call('PATCH', ORDER, { CustomerPaymentTerms: 'AAAA' }, { 'if-match': etag }),
      other.call('PATCH', ORDER, { CustomerPaymentTerms: 'BBBB' }, { 'if-match': etag }),
    ])
    expect([a.status, b.status].sort()).toEqual([204, 412])
    const winner = a.status === 204 ? 'AAAA' : 'BBBB'
    expect((await sap.read(ORDER)).CustomerPaymentTerms).toBe(winner)
    expect(sim.ledger().effects[0]).toMatchObject({ creates: 1, updates: 1 })
  })

  it('makes the hub stale when a user edits the order in the UI', async () => {
    const etag = await etagOf()
    const edit = await fetch(`${sim.scenarioUrl}/edit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        set: 'A_SalesOrder',
        key: '1',
        changes: { DeliveryBlockReason: '01' },
      }),
    })
    expect(edit.status).toBe(200)
    const { etag: uiEtag } = (await edit.json()) as { etag: string }
    expect(uiEtag).not.toBe(etag)
    const stale = await sap.call(
      'PATCH',
      ORDER,
      { CustomerPaymentTerms: '0001' },
      { 'if-match': etag },
    )
    expect(stale.status).toBe(412)
    // The UI edit is not counted as an effect of the hub.
    expect(sim.ledger().effects[0]).toMatchObject({ creates: 1, updates: 0 })
    const refreshed = await sap.call(
      'PATCH',
      ORDER,
      { CustomerPaymentTerms: '0001' },
      { 'if-match': uiEtag },
    )
    expect(refreshed.status).toBe(204)
    expect(await sap.read(ORDER)).toMatchObject({
      DeliveryBlockReason: '01',
      CustomerPaymentTerms: '0001',
    })
  })

  it('accepts If-Match: * and replaces the updatable fields on PUT', async () => {
    await sap.call('PATCH', ORDER, { CustomerPaymentTerms: '0001' }, { 'if-match': '*' })
    const put = await sap.call(
      'PUT',
      ORDER,
      { PurchaseOrderByCustomer: 'ETAG-1' },
      { 'if-match': '*' },
    )
    expect(put.status).toBe(204)
    expect(await sap.read(ORDER)).toMatchObject({
      PurchaseOrderByCustomer: 'ETAG-1',
      CustomerPaymentTerms: '',
    })
  })

  it('locks items with their order: an item change moves the order ETag and re-prices the total', async () => {
    const item = `${SO_PATH}/A_SalesOrderItem(SalesOrder='1',SalesOrderItem='10')`
    const etag = await etagOf(item)
    expect(etag).toBe(await etagOf())
    const changed = await sap.call('PATCH', item, { RequestedQuantity: '2' }, { 'if-match': etag })
    expect(changed.status).toBe(204)
    expect(await etagOf()).not.toBe(etag)
    expect((await sap.read(ORDER)).TotalNetAmount).toBe('200.00')
    const added = await sap.call('POST', `${ORDER}/to_Item`, {
      Material: 'TG12',
      RequestedQuantity: '1',
    })
    expect(added.status).toBe(201)
    expect(((await added.json()) as { d: Record<string, unknown> }).d.SalesOrderItem).toBe('20')
    expect((await sap.read(ORDER)).TotalNetAmount).toBe('325.00')
    const gone = await sap.call('DELETE', item, undefined, { 'if-match': await etagOf() })
    expect(gone.status).toBe(204)
    expect((await sap.read(ORDER)).TotalNetAmount).toBe('125.00')
  })

  it('deletes an order only under its ETag', async () => {
    const stale = await etagOf()
    await sap.call('PATCH', ORDER, { CustomerPaymentTerms: '0001' }, { 'if-match': stale })
    expect((await sap.call('DELETE', ORDER, undefined, { 'if-match': stale })).status).toBe(412)
    expect(
      (await sap.call('DELETE', ORDER, undefined, { 'if-match': await etagOf() })).status,
    ).toBe(204)
    expect((await sap.call('GET', ORDER)).status).toBe(404)
    expect(sim.ledger().effects[0]).toMatchObject({ creates: 1, updates: 1, deletes: 1 })
  })
})
