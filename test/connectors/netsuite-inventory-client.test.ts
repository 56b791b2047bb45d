// NetSuite stock against the simulator over HTTP: a level set by an inventoryAdjustment upsert moves stock once however often it is sent, the read-before-retry finds it, and SuiteQL pages the levels.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { NetSuiteInventoryClient } from '../../src/connectors/netsuite/netsuite-inventory-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'

const sim = createNetSuiteSimulator({ seed: 11 })
let inventory: NetSuiteInventoryClient
beforeAll(async () => {
  await sim.start()
  inventory = new NetSuiteInventoryClient(
    new NetSuiteClient(
      parseNetSuiteConnectionConfig({
        accountId: sim.accountId,
        baseUrl: sim.baseUrl,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
      }),
    ),
  )
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

const onHand = (sku: string, location: string) =>
  sim.inventory.levels(`eid:${sku}`)?.find((l) => l.location.externalId === location)?.level
    .quantityOnHand

describe('NetSuiteInventoryClient', () => {
  it('sets on hand with one adjustment; the same upsert again moves nothing', async () => {
    expect(onHand('SKU-4', 'WH-EAST')).toBe(20)
    const input = {
      sku: 'SKU-4',
      location: 'WH-EAST',
      quantityOnHand: 57,
      externalId: 'ADJ-TEST-1',
      memo: 'receipt',
    }
    const first = await inventory.setOnHand(input)
    expect(first).toMatchObject({ delta: 37 })
    expect(first.adjustmentId).toMatch(/^\d+$/)
    expect(onHand('SKU-4', 'WH-EAST')).toBe(57)
    expect(onHand('SKU-4', 'WH-MAIN')).toBe(100)
    // The number is there: nothing is written.
    expect(await inventory.setOnHand(input)).toEqual({ adjustmentId: null, delta: 0 })
    expect(await inventory.findAdjustment('ADJ-TEST-1')).toEqual({
      adjustmentId: first.adjustmentId,
      delta: 37,
    })
    expect(await inventory.findAdjustment('ADJ-NEVER')).toBeNull()
    const effects = sim.ledger().effects
    expect(effects.find((e) => e.businessKey === 'SKU-4@WH-EAST')).toMatchObject({ writes: 1 })
    expect(effects.find((e) => e.businessKey === 'ADJ-TEST-1')).toMatchObject({ creates: 1 })
  })

  it('re-posting an adjustment with other lines moves stock by the difference only', async () => {
    const bearer = await token()
    const put = (by: number) =>
      fetch(`${sim.baseUrl}/services/rest/record/v1/inventoryAdjustment/eid:ADJ-2`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${bearer}`,
        },
        body: JSON.stringify({
          inventory: {
            items: [
              {
                item: { externalId: 'SKU-1' },
                location: { externalId: 'WH-MAIN' },
                adjustQtyBy: by,
              },
            ],
          },
        }),
      })
    expect((await put(5)).status).toBe(204)
    expect(onHand('SKU-1', 'WH-MAIN')).toBe(105)
    expect((await put(5)).status).toBe(204)
    expect(onHand('SKU-1', 'WH-MAIN')).toBe(105)
    expect((await put(-3)).status).toBe(204)
    expect(onHand('SKU-1', 'WH-MAIN')).toBe(97)
  })

  it('pages levels at the chosen locations by SKU, and refuses an unknown item', async () => {
    const pages: number[] = []
    const rows: string[] = []
    for await (const page of inventory.levelPages(['WH-EAST'], 7)) {
      pages.push(page.length)
      rows.push(...page.map((r) => `${r.sku}@${r.location}=${r.quantityOnHand}`))
    }
    expect(pages).toEqual([7, 7, 6])
    expect(rows).toContain('SKU-20@WH-EAST=20')
    expect(await inventory.levelsOf(['SKU-2', "O'Brien"], 'WH-EAST')).toEqual([
      { sku: 'SKU-2', location: 'WH-EAST', quantityOnHand: 20 },
    ])
    const refused = await inventory
      .setOnHand({ sku: 'NOPE', location: 'WH-EAST', quantityOnHand: 1, externalId: 'X', memo: '' })
      .catch((e: unknown) => e)
    expect(HubError.is(refused) && refused.type).toBe('validation')
  })
})

async function token(): Promise<string> {
  const response = await fetch(`${sim.baseUrl}/services/rest/auth/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  })
  return ((await response.json()) as { access_token: string }).access_token
}
