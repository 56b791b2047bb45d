/** @module test/sandbox/netsuite-credit-hold.test — "Enforce Holds" in the NetSuite simulator: a sales order for a customer on hold, or one over the credit limit, is refused with USER_ERROR; a cancelled order frees the limit; OFF never holds. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { netsuiteClient, nsErrorCode, type NetSuiteClient } from './sandbox-test-kit.ts'

const sim = createNetSuiteSimulator({ seed: 5 })
let ns: NetSuiteClient
beforeAll(async () => {
  await sim.start()
  ns = await netsuiteClient(sim)
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

function customer(externalId: string, fields: Record<string, unknown>): string {
  return sim.records.put('customer', { externalId, companyName: externalId, ...fields }).id
}

const orderBody = (entity: string, quantity = 1) => ({
  entity: { id: entity },
  item: { items: [{ item: { externalId: 'SKU-1' }, quantity, rate: 100 }] },
})

describe('NetSuite simulator credit holds', () => {
  it('refuses every new order of a customer on hold (ON)', async () => {
    const id = customer('C-ON', { creditHoldOverride: { id: 'ON' } })
    const refused = await ns.call(
      'PUT',
      '/services/rest/record/v1/salesOrder/eid:SO-1',
      orderBody(id),
    )
    expect(refused.status).toBe(400)
    const body = (await refused.json()) as { 'o:errorDetails': { detail: string }[] }
    expect(body['o:errorDetails'][0]?.detail).toMatch(/C-ON is on credit hold/)
    expect(sim.records.get('salesOrder', 'eid:SO-1')).toBeUndefined()
  })

  it('holds an order that would take open orders past the limit (AUTO); a cancelled one no longer counts', async () => {
    const id = customer('C-AUTO', { creditLimit: 250 })
    const first = await ns.call(
      'PUT',
      '/services/rest/record/v1/salesOrder/eid:SO-A',
      orderBody(id, 2),
    )
    expect(first.status).toBe(204)
    const over = await ns.call(
      'PUT',
      '/services/rest/record/v1/salesOrder/eid:SO-B',
      orderBody(id, 1),
    )
    expect(await nsErrorCode(over)).toBe('USER_ERROR')
    // Cancelling the first frees its amount: the second fits now.
    const cancel = await ns.call('PATCH', '/services/rest/record/v1/salesOrder/eid:SO-A', {
      orderStatus: { id: 'C' },
    })
    expect(cancel.status).toBe(204)
    const again = await ns.call(
      'PUT',
      '/services/rest/record/v1/salesOrder/eid:SO-B',
      orderBody(id, 1),
    )
    expect(again.status).toBe(204)
  })

  it('never holds a customer whose hold is OFF, and lets a held order be cancelled', async () => {
    const off = customer('C-OFF', { creditHoldOverride: { id: 'OFF' }, creditLimit: 1 })
    const placed = await ns.call(
      'PUT',
      '/services/rest/record/v1/salesOrder/eid:SO-OFF',
      orderBody(off),
    )
    expect(placed.status).toBe(204)
    sim.records.put('customer', {
      externalId: 'C-OFF',
      companyName: 'C-OFF',
      creditHoldOverride: { id: 'ON' },
    })
    const cancel = await ns.call('PATCH', '/services/rest/record/v1/salesOrder/eid:SO-OFF', {
      orderStatus: { id: 'C' },
    })
    expect(cancel.status).toBe(204)
  })
})
