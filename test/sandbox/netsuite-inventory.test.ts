/** @module test/sandbox/netsuite-inventory.test — inventory items by id and external id, with stock per location, over real HTTP. */

import { describe, expect, it } from 'vitest'
import { nsErrorCode } from './sandbox-test-kit.ts'
import { useNetSuiteTestEstate } from './netsuite-test-estate.ts'

const R = '/services/rest/record/v1'
const estate = useNetSuiteTestEstate(21)
const { sim, json, idFrom, locationId } = estate

describe('inventoryItem', () => {
  it('reads stock per location by id and by external id; the sublist is collapsed unless expanded', async () => {
    const id = sim.records.get('inventoryItem', 'eid:SKU-1')?.id ?? ''
    const collapsed = await json(`${R}/inventoryItem/${id}`)
    expect(collapsed).toMatchObject({ id, itemId: 'SKU-1', totalQuantityOnHand: 120 })
    expect(collapsed.locations).toEqual({
      links: [{ rel: 'self', href: expect.stringMatching(/\/locations$/) }],
    })
    const expanded = await json(`${R}/inventoryItem/eid:SKU-1?expandSubResources=true`)
    expect(expanded.locations).toMatchObject({
      count: 2,
      items: [
        {
          location: { id: locationId('WH-MAIN'), refName: 'Main Warehouse' },
          quantityOnHand: 100,
          quantityAvailable: 100,
          quantityCommitted: 0,
        },
        { location: { id: locationId('WH-EAST'), refName: 'East Coast DC' }, quantityOnHand: 20 },
      ],
    })
    const sublist = await json(`${R}/inventoryItem/${id}/locations`)
    expect(sublist).toMatchObject({ count: 2, totalResults: 2 })
  })

  it('creates and patches an item; stock is NetSuite’s own and is not written through the item', async () => {
    const created = await estate.ns().call('POST', `${R}/inventoryItem`, {
      externalId: 'SKU-NEW',
      itemId: 'SKU-NEW',
      displayName: 'New widget',
      locations: { items: [{ location: { id: locationId('WH-MAIN') }, quantityOnHand: 999 }] },
    })
    expect(created.status).toBe(204)
    const id = idFrom(created)
    expect(await json(`${R}/inventoryItem/${id}`)).toMatchObject({
      displayName: 'New widget',
      totalQuantityOnHand: 0,
    })
    expect(
      (
        await estate
          .ns()
          .call('PATCH', `${R}/inventoryItem/eid:SKU-NEW`, { displayName: 'Renamed' })
      ).status,
    ).toBe(204)
    expect(
      (await estate.ns().call('PATCH', `${R}/inventoryItem/${id}`, { basePrice: 12.5 })).status,
    ).toBe(204)
    expect(await json(`${R}/inventoryItem/${id}`)).toMatchObject({
      displayName: 'Renamed',
      basePrice: 12.5,
      itemId: 'SKU-NEW',
    })
    const missingName = await estate
      .ns()
      .call('POST', `${R}/inventoryItem`, { externalId: 'SKU-X' })
    expect(missingName.status).toBe(400)
    expect(await nsErrorCode(missingName)).toBe('USER_ERROR')
  })

  it('takes stock counts through /__sim/inventory', async () => {
    const set = await fetch(`${sim.scenarioUrl}/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        item: 'eid:SKU-3',
        location: 'eid:WH-EAST',
        quantityOnHand: 7,
        quantityCommitted: 2,
      }),
    })
    expect(await set.json()).toEqual({
      quantityOnHand: 7,
      quantityCommitted: 2,
      quantityAvailable: 5,
      quantityBackOrdered: 0,
    })
    const item = await json(`${R}/inventoryItem/eid:SKU-3?expandSubResources=true`)
    expect(item).toMatchObject({
      totalQuantityOnHand: 107,
      locations: { items: [{}, { quantityOnHand: 7, quantityAvailable: 5 }] },
    })
    const bad = await fetch(`${sim.scenarioUrl}/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'eid:NOPE', location: 'eid:WH-EAST', quantityOnHand: 1 }),
    })
    expect(bad.status).toBe(400)
  })
})
