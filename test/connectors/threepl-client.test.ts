/** @module test/connectors/threepl-client.test — the WMS client over real HTTP against the 3PL simulator: keyed creates, reads by business key, cancel, the paged stock snapshot, and what it sends. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ThreePlClient } from '../../src/connectors/threepl/threepl-client.ts'
import { parseThreePlConnectionConfig } from '../../src/connectors/threepl/threepl-spec.ts'
import type { ThreePlConnectionInput } from '../../src/connectors/threepl/threepl-spec.ts'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { sampleOrder } from './conformance/threepl-estate.ts'
import { canonicalOrderToFulfillmentOrder } from '../../src/connectors/threepl/threepl-outbound-mapping.ts'
import { rejection } from './conformance/conformance-subject.ts'
import { startLocalHttpServer } from './support/local-http-server.ts'
import { startThreePl } from '../sandbox/threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
let sim: ThreePlSimulator
let client: ThreePlClient

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const configFor = (overrides: Partial<ThreePlConnectionInput> = {}) =>
  parseThreePlConnectionConfig({
    baseUrl: sim.baseUrl,
    apiKey: sim.apiKey,
    webhookSecrets: [SECRET],
    ...overrides,
  })
const body = (reference: string) =>
  canonicalOrderToFulfillmentOrder(sampleOrder(reference), { externalReference: reference })
const effectOf = (reference: string) =>
  sim
    .ledger()
    .effects.find((e) => e.recordType === 'fulfillment_order' && e.businessKey === reference)

beforeAll(async () => {
  sim = await startThreePl({}, cleanups)
})
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
beforeEach(() => {
  sim.reset()
  client = new ThreePlClient(configFor())
})

describe('3PL client: fulfillment orders', () => {
  it('creates an order and reads it back by id and by external reference', async () => {
    const created = await client.createFulfillmentOrder(body('C-1'), { idempotencyKey: 'k-C-1' })
    expect(created).toMatchObject({ created: true, id: expect.stringMatching(/^fo_\d+$/) })
    expect(created.order).toMatchObject({
      external_reference: 'C-1',
      ship_to: { name: 'Zoë Ærøskøbing', city: 'Ærøskøbing', country_code: 'DK' },
      lines: [{ sku: 'SKU-1', quantity: 1 }],
    })
    expect((await client.getFulfillmentOrder(created.id))?.external_reference).toBe('C-1')
    expect((await client.getFulfillmentOrderByReference('C-1'))?.id).toBe(created.id)
    expect(await client.getFulfillmentOrder('fo_999999')).toBeNull()
    expect(await client.getFulfillmentOrderByReference('C-absent')).toBeNull()
  })

  it('replays a create with the same Idempotency-Key without a second effect', async () => {
    const first = await client.createFulfillmentOrder(body('C-2'), { idempotencyKey: 'k-C-2' })
    const again = await client.createFulfillmentOrder(body('C-2'), { idempotencyKey: 'k-C-2' })
    expect(again).toEqual(first)
    expect(effectOf('C-2')).toMatchObject({ creates: 1, replays: 1 })
  })

  it('reads a reference with characters that need encoding', async () => {
    const reference = 'SHOP #1001/ä&x=1'
    const { id } = await client.createFulfillmentOrder(body(reference))
    expect((await client.getFulfillmentOrderByReference(reference))?.id).toBe(id)
  })

  it('a malformed 200 after the create committed is unknown_outcome, and the order is there', async () => {
    sim.setScenario({ sequence: ['malformed'] })
    const error = await rejection(
      client.createFulfillmentOrder(body('C-3'), { idempotencyKey: 'k-C-3' }),
    )
    expect([error.type, error.code]).toEqual(['unknown_outcome', 'MALFORMED_RESPONSE'])
    expect(await client.getFulfillmentOrderByReference('C-3')).not.toBeNull()
  })

  it('cancels by reference once; a second cancel changes nothing; an unknown reference is validation', async () => {
    await client.createFulfillmentOrder(body('C-4'))
    const cancelled = await client.cancelByReference('C-4', { reason: 'customer asked' })
    expect(cancelled).toMatchObject({ status: 'cancelled', cancel_reason: 'customer asked' })
    expect((await client.cancelByReference('C-4')).status).toBe('cancelled')
    expect(effectOf('C-4')).toMatchObject({ creates: 1, updates: 1 })
    const missing = await rejection(client.cancelByReference('C-none'))
    expect([missing.type, missing.code]).toEqual(['validation', 'NO_SUCH_ORDER'])
  })

  it('refuses a revoked key as auth, without the key in the message', async () => {
    const old = sim.apiKey
    sim.rotateApiKey()
    const error = await rejection(client.getFulfillmentOrderByReference('C-5'))
    expect([error.type, error.status, error.code]).toEqual(['auth', 401, 'invalid_api_key'])
    expect(error.message).not.toContain(old)
    expect(String(error.cause)).not.toContain(old)
  })
})

describe('3PL client: stock snapshot', () => {
  it('follows the cursor through every page and maps each SKU and warehouse to an InventoryLevel', async () => {
    const inventory = Array.from({ length: 450 }, (_, i) => [
      { sku: `P-${i + 1}`, warehouse: 'WH-A', onHand: i },
      { sku: `P-${i + 1}`, warehouse: 'WH-B', onHand: 1 },
    ]).flat()
    const big = await startThreePl({ inventory }, cleanups)
    big.adjustInventory({ sku: 'P-7', warehouse: 'WH-A', reason: 'receipt', quantity: 5 })
    const reader = new ThreePlClient(
      parseThreePlConnectionConfig({
        baseUrl: big.baseUrl,
        apiKey: big.apiKey,
        webhookSecrets: [SECRET],
      }),
    )
    const all = await reader.inventorySnapshot()
    expect(all.pages).toBe(3)
    expect(all.levels).toHaveLength(900)
    expect(new Set(all.levels.map((l) => l.source.id)).size).toBe(900)
    expect(all.asOfSequence).toBe(1)
    expect(all.levels.find((l) => l.source.id === 'P-7@WH-A')).toMatchObject({
      kind: 'inventory_level',
      sku: 'P-7',
      locationId: 'WH-A',
      onHand: 11,
      available: 11,
      reserved: 0,
      source: { system: 'threepl', version: '1' },
    })
    const east = new ThreePlClient(
      parseThreePlConnectionConfig({
        baseUrl: big.baseUrl,
        apiKey: big.apiKey,
        webhookSecrets: [SECRET],
        warehouseId: 'WH-B',
      }),
    )
    const one = await east.inventorySnapshot({ skus: ['P-1', 'P-2', 'P-999'] })
    expect(one.levels.map((l) => `${l.sku}@${l.locationId}:${l.onHand}`)).toEqual([
      'P-1@WH-B:1',
      'P-2@WH-B:1',
    ])
  })

  it('reports allocated stock as reserved', async () => {
    await client.createFulfillmentOrder(body('S-1'))
    const { levels } = await client.inventorySnapshot({ skus: ['SKU-1'] })
    expect(levels.find((l) => l.locationId === 'WH-EAST')).toMatchObject({
      onHand: 100,
      reserved: 1,
      available: 99,
    })
  })
})

describe('3PL client: what goes on the wire', () => {
  it('sends the key as a bearer token and the Idempotency-Key, and takes a bare 404 for an error, not absence', async () => {
    const server = await startLocalHttpServer((request, response) => {
      response.statusCode = 404
      response.setHeader('content-type', 'text/html')
      response.end('<html>Not Found</html>')
    })
    cleanups.push(() => server.close())
    const wrong = new ThreePlClient(
      parseThreePlConnectionConfig({
        baseUrl: server.url,
        apiKey: 'tpl_k',
        webhookSecrets: [SECRET],
      }),
    )
    const lost = await rejection(wrong.getFulfillmentOrder('fo_000001'))
    expect([lost.type, lost.status]).toEqual(['validation', 404])
    await rejection(wrong.createFulfillmentOrder(body('W-1'), { idempotencyKey: 'idem-W-1' }))
    const [, create] = server.requests
    expect(create?.headers).toMatchObject({
      authorization: 'Bearer tpl_k',
      'idempotency-key': 'idem-W-1',
      'content-type': 'application/json',
    })
    expect(JSON.parse(create?.body ?? '')).toMatchObject({ external_reference: 'W-1' })
  })
})
