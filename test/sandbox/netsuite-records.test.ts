/** @module test/sandbox/netsuite-records.test — the NetSuite simulator's record API over real HTTP: shapes, upsert, validation, auth. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type {
  NetSuiteRecordWrite,
  NetSuiteSimulator,
} from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { basicAuth, fetchToken, netsuiteClient } from './sandbox-test-kit.ts'
import type { NetSuiteClient } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
let sim: NetSuiteSimulator
let ns: NetSuiteClient

beforeAll(async () => {
  sim = createNetSuiteSimulator({ seed: 42 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  ns = await netsuiteClient(sim)
})

const errorOf = async (response: Response) =>
  (await response.json()) as {
    type: string
    title: string
    status: number
    'o:errorDetails': Record<string, string>[]
  }

describe('NetSuite record API', () => {
  it('creates with 204 No Content and the new id only in Location', async () => {
    const response = await ns.call('POST', `${R}/customer`, {
      externalId: 'CUST-1',
      companyName: 'Acme',
    })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    const location = response.headers.get('location') ?? ''
    expect(location).toMatch(new RegExp(`^${sim.baseUrl}${R}/customer/\\d+$`))
    const id = location.split('/').pop() ?? ''
    const read = await ns.call('GET', `${R}/customer/${id}`)
    expect(read.status).toBe(200)
    const record = (await read.json()) as Record<string, unknown>
    expect(record).toMatchObject({ id, externalId: 'CUST-1', companyName: 'Acme' })
    expect(typeof record.id).toBe('string')
    expect(record.links).toEqual([{ rel: 'self', href: location }])
  })

  it('upserts by external id: two PUTs make one record, two writes, one create', async () => {
    const first = await ns.call('PUT', `${R}/customer/eid:CUST-7`, { companyName: 'Acme' })
    const second = await ns.call('PUT', `${R}/customer/eid:CUST-7`, {
      companyName: 'Acme Corp',
      email: 'ap@acme.test',
    })
    expect([first.status, second.status]).toEqual([204, 204])
    expect(second.headers.get('location')).toBe(first.headers.get('location'))
    expect(sim.records.list('customer')).toHaveLength(1)
    const effect = sim
      .ledger()
      .effects.find((e) => e.recordType === 'customer' && e.businessKey === 'CUST-7')
    expect(effect).toMatchObject({ creates: 1, updates: 1, writes: 2 })
    const byEid = (await (await ns.call('GET', `${R}/customer/eid:CUST-7`)).json()) as Record<
      string,
      unknown
    >
    expect(byEid).toMatchObject({
      externalId: 'CUST-7',
      companyName: 'Acme Corp',
      email: 'ap@acme.test',
    })
  })

  it('answers an unknown id with 404 NONEXISTENT_ID', async () => {
    const response = await ns.call('GET', `${R}/customer/eid:NOPE`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain(
      'application/vnd.oracle.resource+json; type=error',
    )
    const body = await errorOf(response)
    expect(body).toMatchObject({ title: 'Not Found', status: 404 })
    expect(body['o:errorDetails'][0]?.['o:errorCode']).toBe('NONEXISTENT_ID')
  })

  it('refuses a second create with a used externalId (DUP_RCRD)', async () => {
    await ns.call('POST', `${R}/customer`, { externalId: 'CUST-2', companyName: 'Acme' })
    const again = await ns.call('POST', `${R}/customer`, {
      externalId: 'CUST-2',
      companyName: 'Acme',
    })
    expect(again.status).toBe(400)
    expect((await errorOf(again))['o:errorDetails'][0]?.['o:errorCode']).toBe('DUP_RCRD')
  })

  it('creates a sales order from external-id references and returns lines on request', async () => {
    await ns.call('PUT', `${R}/customer/eid:CUST-3`, { companyName: 'Acme' })
    const created = await ns.call('POST', `${R}/salesOrder`, {
      externalId: 'SHOP-1',
      entity: { externalId: 'CUST-3' },
      tranDate: '2026-01-10',
      otherRefNum: '#1001',
      memo: 'Shopify order #1001',
      item: { items: [{ item: { externalId: 'SKU-2' }, quantity: 2, rate: 24.995 }] },
    })
    expect(created.status).toBe(204)
    const collapsed: unknown = await (await ns.call('GET', `${R}/salesOrder/eid:SHOP-1`)).json()
    // Sublists come back as a link only unless expandSubResources=true, as in NetSuite.
    expect(collapsed).toMatchObject({
      entity: { refName: 'Acme' },
      item: { links: [{ rel: 'self', href: expect.stringMatching(/\/item$/) }] },
    })
    expect(collapsed).not.toHaveProperty('item.items')
    const expanded: unknown = await (
      await ns.call('GET', `${R}/salesOrder/eid:SHOP-1?expandSubResources=true`)
    ).json()
    expect(expanded).toMatchObject({
      item: { items: [{ quantity: 2, rate: 24.995, item: { refName: 'SKU-2' } }] },
    })
  })

  it('shapes validation errors exactly, with paths', async () => {
    await ns.call('PUT', `${R}/customer/eid:CUST-4`, { firstName: 'Ada', lastName: 'Lovelace' })
    const order = (lines: unknown[], entity: unknown = { externalId: 'CUST-4' }) =>
      ns.call('POST', `${R}/salesOrder`, {
        externalId: `SO-${Math.random()}`,
        entity,
        item: { items: lines },
      })

    const badItem = await order([{ item: { externalId: 'SKU-404' }, quantity: 1, rate: 1 }])
    expect(badItem.status).toBe(400)
    expect(await errorOf(badItem)).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
      title: 'Bad Request',
      status: 400,
      'o:errorDetails': [
        {
          detail:
            "Invalid value for the resource or sub-resource field 'item'. Provide a valid value.",
          'o:errorCode': 'INVALID_VALUE',
          'o:errorPath': 'item.items[0].item',
        },
      ],
    })
    const badEntity = await errorOf(
      await order([{ item: { externalId: 'SKU-1' }, quantity: 1 }], { id: '999999' }),
    )
    expect(badEntity['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_VALUE',
      'o:errorPath': 'entity',
    })
    const noLines = await errorOf(await order([]))
    expect(noLines['o:errorDetails'][0]?.['o:errorCode']).toBe('USER_ERROR')
    const zero = await errorOf(
      await order([
        { item: { externalId: 'SKU-1' }, quantity: 1 },
        { item: { externalId: 'SKU-1' }, quantity: 0 },
      ]),
    )
    expect(zero['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'USER_ERROR',
      'o:errorPath': 'item.items[1].quantity',
    })
    const nameless = await errorOf(
      await ns.call('POST', `${R}/customer`, { externalId: 'C-X', email: 'x@y.z' }),
    )
    expect(nameless['o:errorDetails'][0]?.['o:errorCode']).toBe('USER_ERROR')
    expect(nameless['o:errorDetails'][0]?.detail).toContain(
      'Please enter value(s) for: Company Name',
    )
    expect(sim.ledger().totals.writes).toBe(1)
  })

  it('accepts the same request once the data is fixed through /__sim/records', async () => {
    const body = {
      externalId: 'SO-FIX',
      entity: { externalId: 'CUST-5' },
      item: { items: [{ item: { externalId: 'SKU-NEW' }, quantity: 1, rate: 5 }] },
    }
    await ns.call('PUT', `${R}/customer/eid:CUST-5`, { companyName: 'Fixit' })
    expect((await ns.call('POST', `${R}/salesOrder`, body)).status).toBe(400)
    const seeded = await fetch(`${sim.scenarioUrl}/records/inventoryItem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: 'SKU-NEW', itemId: 'SKU-NEW' }),
    })
    expect(seeded.status).toBe(201)
    expect((await ns.call('POST', `${R}/salesOrder`, body)).status).toBe(204)
    const removed = await fetch(`${sim.scenarioUrl}/records/inventoryItem/eid:SKU-NEW`, {
      method: 'DELETE',
    })
    expect(removed.status).toBe(204)
    expect(sim.records.get('inventoryItem', 'eid:SKU-NEW')).toBeUndefined()
  })

  it('pages a collection with NetSuite links and counts', async () => {
    const page = (await (await ns.call('GET', `${R}/inventoryItem?limit=5&offset=5`)).json()) as {
      items: unknown[]
      links: { rel: string }[]
    }
    expect(page).toMatchObject({ count: 5, hasMore: true, offset: 5, totalResults: 20 })
    expect(page.items[0]).toEqual({
      links: [{ rel: 'self', href: expect.stringContaining('/inventoryItem/') }],
      id: expect.any(String),
    })
    expect(page.links.map((l) => l.rel)).toEqual(['first', 'prev', 'next', 'last', 'self'])
  })

  it('reports governance limits from the scenario', async () => {
    sim.setScenario({ concurrencyLimit: 7 })
    const limits = await (await ns.call('GET', '/services/rest/system/v1/governanceLimits')).json()
    expect(limits).toEqual({ accountConcurrencyLimit: 7, accountUnallocatedConcurrencyLimit: 7 })
  })
})

describe('NetSuite auth', () => {
  it('issues a Bearer token for client credentials and refuses bad clients', async () => {
    const ok = await fetchToken(sim)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: expect.any(String),
    })
    const wrong = await fetch(`${sim.baseUrl}/services/rest/auth/oauth2/v1/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(sim.clientId, 'nope'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('answers 401 INVALID_LOGIN after the tokens expire', async () => {
    expect((await ns.call('GET', `${R}/inventoryItem/eid:SKU-1`)).status).toBe(200)
    expect((await fetch(`${sim.scenarioUrl}/tokens/expire`, { method: 'POST' })).status).toBe(200)
    const refused = await ns.call('GET', `${R}/inventoryItem/eid:SKU-1`)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
      title: 'Unauthorized',
      status: 401,
      'o:errorDetails': [
        {
          detail: expect.stringContaining('Invalid login attempt'),
          'o:errorCode': 'INVALID_LOGIN',
        },
      ],
    })
    const fresh = await netsuiteClient(sim)
    expect((await fresh.call('GET', `${R}/inventoryItem/eid:SKU-1`)).status).toBe(200)
  })

  it('treats a token as expired once its lifetime has passed on the injected clock', async () => {
    let clock = Date.parse('2026-01-10T12:00:00Z')
    const timed = createNetSuiteSimulator({ seed: 1, now: () => clock, tokenTtlSeconds: 60 })
    await timed.start()
    try {
      const client = await netsuiteClient(timed)
      expect((await client.call('GET', `${R}/inventoryItem/eid:SKU-1`)).status).toBe(200)
      clock += 61_000
      expect((await client.call('GET', `${R}/inventoryItem/eid:SKU-1`)).status).toBe(401)
    } finally {
      await timed.stop()
    }
  })
})

describe('NetSuite simulator write hook', () => {
  it('reports each committed create and update with its external id, and no refused write', async () => {
    const writes: NetSuiteRecordWrite[] = []
    const hooked = createNetSuiteSimulator({ seed: 7, onRecordWritten: (w) => writes.push(w) })
    await hooked.start()
    try {
      const client = await netsuiteClient(hooked)
      await client.call('PUT', `${R}/customer/eid:CUST-H`, { companyName: 'Acme' })
      await client.call('PUT', `${R}/customer/eid:CUST-H`, { companyName: 'Acme Corp' })
      const refused = await client.call('POST', `${R}/customer`, { notAField: 1 })
      expect(refused.status).toBeGreaterThanOrEqual(400)
      expect(writes.map((w) => [w.recordType, w.externalId, w.kind])).toEqual([
        ['customer', 'CUST-H', 'create'],
        ['customer', 'CUST-H', 'update'],
      ])
      expect(writes[0]?.internalId).toBe(writes[1]?.internalId)
      expect(writes[1]?.at).toBeGreaterThanOrEqual(writes[0]?.at ?? Infinity)
    } finally {
      await hooked.stop()
    }
  })
})
