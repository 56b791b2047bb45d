/** @module test/sandbox/netsuite-suiteql.test — SuiteQL at the NetSuite simulator over real HTTP: the response shape, the query shapes the hub sends, paging and NetSuite's refusals. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { netsuiteClient, nsErrorCode } from './sandbox-test-kit.ts'
import type { NetSuiteClient, NetSuiteErrorBody } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
const Q = '/services/rest/query/v1/suiteql'
const start = Date.parse('2026-01-10T12:00:00Z')
let clock = start
let sim: NetSuiteSimulator
let ns: NetSuiteClient

beforeAll(async () => {
  sim = createNetSuiteSimulator({ seed: 31, now: () => clock })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  clock = start
  sim.reset()
  ns = await netsuiteClient(sim)
})

interface Page {
  links: { rel: string; href: string }[]
  count: number
  hasMore: boolean
  items: Record<string, unknown>[]
  offset: number
  totalResults: number
}

const query = (q: string, params = '', headers: Record<string, string> = { prefer: 'transient' }) =>
  ns.call('POST', `${Q}${params}`, { q }, headers)
const rows = async (q: string, params = ''): Promise<Page> => {
  const response = await query(q, params)
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as Page
}
const detailOf = async (response: Response): Promise<string | undefined> =>
  ((await response.json()) as NetSuiteErrorBody)['o:errorDetails'][0]?.detail

async function customer(eid: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await ns.call('PUT', `${R}/customer/eid:${eid}`, { companyName: name, ...extra })
  return response.headers.get('location')?.split('/').pop() ?? ''
}

async function order(eid: string, otherRefNum: string): Promise<string> {
  await customer('C-1', 'Acme')
  const response = await ns.call('PUT', `${R}/salesOrder/eid:${eid}`, {
    entity: { externalId: 'C-1' },
    otherRefNum,
    tranDate: '2026-01-09',
    custbody_syncline_source_version: '2026-01-09T10:00:00Z',
    item: { items: [{ item: { externalId: 'SKU-1' }, quantity: 2, rate: 10 }] },
  })
  return response.headers.get('location')?.split('/').pop() ?? ''
}

describe('SuiteQL response', () => {
  it('pages with limit and offset, in NetSuite’s collection shape, every value a string', async () => {
    const page = await rows(
      'SELECT id, itemid, isinactive FROM item ORDER BY id',
      '?limit=5&offset=5',
    )
    expect(page).toMatchObject({ count: 5, hasMore: true, offset: 5, totalResults: 20 })
    expect(page.links.map((l) => l.rel)).toEqual(['first', 'prev', 'next', 'last', 'self'])
    expect(page.links.find((l) => l.rel === 'next')?.href).toBe(
      `${sim.baseUrl}${Q}?limit=5&offset=10`,
    )
    expect(page.items[0]).toEqual({
      links: [],
      id: expect.stringMatching(/^\d+$/),
      itemid: 'SKU-6',
      isinactive: 'F',
    })
    const last = await rows('SELECT id FROM item ORDER BY id', '?limit=5&offset=15')
    expect(last).toMatchObject({ count: 5, hasMore: false })
  })

  it('leaves null columns out of a row and prints dates in the account’s date format', async () => {
    await customer('C-1', 'Acme')
    const page = await rows(
      "SELECT id, email, lastmodifieddate FROM customer WHERE externalid = 'C-1'",
    )
    expect(page.items).toEqual([
      { links: [], id: expect.any(String), lastmodifieddate: '1/10/2026' },
    ])
  })

  it('answers SELECT * with every column the table has', async () => {
    await customer('C-1', 'Acme')
    const [row] = (await rows('SELECT * FROM customer')).items
    expect(row).toMatchObject({
      companyname: 'Acme',
      entityid: 'Acme',
      externalid: 'C-1',
      isperson: 'F',
    })
  })
})

describe('the query shapes the hub sends', () => {
  it('finds a customer by external id', async () => {
    const id = await customer('SHOPIFY-C-1', 'Zoë Ærøskøbing')
    const page = await rows("SELECT id, companyname FROM customer WHERE externalid = 'SHOPIFY-C-1'")
    expect(page.items).toEqual([{ links: [], id, companyname: 'Zoë Ærøskøbing' }])
  })

  it('finds sales orders by tranid or otherrefnum, custom body fields included', async () => {
    const first = await order('SO-A', '#1001')
    const second = await order('SO-B', '#1002')
    const page = await rows(
      "SELECT t.id, t.tranid, t.otherrefnum, t.custbody_syncline_source_version AS version, t.trandate FROM transaction t WHERE t.type = 'SalesOrd' AND (t.tranid = 'SO1' OR t.otherrefnum = '#1002') ORDER BY t.id",
    )
    expect(page.items).toEqual([
      {
        links: [],
        id: first,
        tranid: 'SO1',
        otherrefnum: '#1001',
        version: '2026-01-09T10:00:00Z',
        trandate: '1/9/2026',
      },
      {
        links: [],
        id: second,
        tranid: 'SO2',
        otherrefnum: '#1002',
        version: '2026-01-09T10:00:00Z',
        trandate: '1/9/2026',
      },
    ])
  })

  it('polls by lastmodifieddate ≥ a timestamp, with TO_CHAR for the time of day', async () => {
    await customer('C-OLD', 'Old')
    clock += 60_000
    const changed = await customer('C-NEW', 'New')
    clock += 60_000
    await customer('C-OLD', 'Old, edited')
    const page = await rows(
      "SELECT id, externalid, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('2026-01-10 12:01:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate DESC, id",
    )
    expect(page.items.map((r) => [r.externalid, r.modified])).toEqual([
      ['C-OLD', '2026-01-10T12:02:00'],
      ['C-NEW', '2026-01-10T12:01:00'],
    ])
    expect(page.items[1]?.id).toBe(changed)
    const day = await rows(
      "SELECT id FROM customer WHERE lastmodifieddate >= TO_DATE('2026-01-11', 'YYYY-MM-DD')",
    )
    expect(day.count).toBe(0)
  })

  it('finds the invoices created from a sales order', async () => {
    const orderId = await order('SO-A', '#1001')
    const other = await order('SO-B', '#1002')
    await ns.call('POST', `${R}/salesOrder/${other}/!transform/invoice`, {})
    const none = await rows(
      `SELECT id FROM transaction WHERE type = 'CustInvc' AND createdfrom = ${orderId}`,
    )
    expect(none).toMatchObject({ count: 0, totalResults: 0, hasMore: false, items: [] })
    const made = await ns.call('POST', `${R}/salesOrder/${orderId}/!transform/invoice`, {})
    const invoiceId = made.headers.get('location')?.split('/').pop()
    const found = await rows(
      `SELECT id, tranid, foreigntotal, createdfrom FROM transaction WHERE type = 'CustInvc' AND createdfrom = '${orderId}'`,
    )
    expect(found.items).toEqual([
      { links: [], id: invoiceId, tranid: 'INV2', foreigntotal: '20', createdfrom: orderId },
    ])
  })

  it('reads items and their stock per location', async () => {
    const sku = sim.records.get('inventoryItem', 'eid:SKU-2')?.id ?? ''
    const items = await rows(
      "SELECT id, itemid, itemtype, totalquantityonhand FROM item WHERE itemid IN ('SKU-2', 'SKU-20') ORDER BY itemid",
    )
    expect(items.items.map((r) => [r.itemid, r.itemtype, r.totalquantityonhand])).toEqual([
      ['SKU-2', 'InvtPart', '120'],
      ['SKU-20', 'InvtPart', '120'],
    ])
    const stock = await rows(
      `SELECT item, location, quantityonhand, quantityavailable FROM inventoryitemlocations WHERE item = ${sku} ORDER BY location`,
    )
    expect(stock.items.map((r) => r.quantityonhand)).toEqual(['100', '20'])
  })

  it('pages by key range, and evaluates LIKE, NOT, IS NULL and BETWEEN', async () => {
    const ids = []
    for (let i = 1; i <= 6; i++) {
      ids.push(await customer(`K-${i}`, `Key ${i}`, i % 2 === 0 ? { email: `k${i}@x.test` } : {}))
    }
    const after = await rows(`SELECT id FROM customer WHERE id > ${ids[3]} ORDER BY id`)
    expect(after.items.map((r) => r.id)).toEqual(ids.slice(4))
    const like = await rows(
      "SELECT externalid FROM customer WHERE companyname LIKE 'Key _' AND NOT email IS NULL ORDER BY id",
    )
    expect(like.items.map((r) => r.externalid)).toEqual(['K-2', 'K-4', 'K-6'])
    const between = await rows(
      `SELECT externalid FROM customer WHERE id BETWEEN ${ids[1]} AND ${ids[2]} AND email IS NULL`,
    )
    expect(between.items.map((r) => r.externalid)).toEqual(['K-3'])
    // NULL is unknown: neither = nor != keeps the row.
    const unknown = await rows("SELECT externalid FROM customer WHERE email = 'x' OR email != 'x'")
    expect(unknown.count).toBe(3)
  })
})

describe('SuiteQL refusals', () => {
  it('requires Prefer: transient', async () => {
    const response = await query('SELECT id FROM item', '', {})
    expect(response.status).toBe(400)
    expect(((await response.json()) as NetSuiteErrorBody)['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_HEADER',
      'o:errorHeader': 'Prefer',
    })
  })

  it.each([
    ['?limit=1001', 'limit'],
    ['?limit=0', 'limit'],
    ['?offset=-1', 'offset'],
    ['?offset=100000', 'offset'],
  ])('refuses %s', async (params, name) => {
    const response = await query('SELECT id FROM item', params)
    expect(response.status).toBe(400)
    expect(((await response.json()) as NetSuiteErrorBody)['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_PARAMETER',
      'o:errorQueryParam': name,
    })
  })

  it.each([
    ['SELECT id FROM salesorders', "Record 'salesorders' was not found"],
    ['SELECT nope FROM customer', "Field 'nope' for record 'customer' was not found"],
    ['SELECT id FROM customer x WHERE y.id = 1', "Unknown identifier 'y'"],
    ['SELECT id FROM customer WHERE', 'unexpected end of query'],
    ['SELECT id, FROM customer', 'unexpected FROM'],
    ["SELECT id FROM customer WHERE lastmodifieddate > '2026-01-01'", 'use TO_DATE'],
    [
      "SELECT id FROM customer WHERE lastmodifieddate > TO_DATE('2026-13-01', 'YYYY-MM-DD')",
      'not a valid date',
    ],
    ["SELECT id FROM customer WHERE id = 'abc'", "Invalid number: 'abc'"],
    ['SELECT COUNT(*) FROM customer', 'Unsupported function COUNT'],
  ])('refuses %s as an invalid search', async (q, detail) => {
    await customer('C-1', 'Acme')
    const response = await query(q)
    expect(response.status).toBe(400)
    expect(await detailOf(response.clone())).toContain(
      'Invalid search query. Detailed unprocessed description follows.',
    )
    expect(await detailOf(response)).toContain(detail)
  })

  it('refuses a body without q', async () => {
    const response = await ns.call(
      'POST',
      Q,
      { query: 'SELECT id FROM item' },
      { prefer: 'transient' },
    )
    expect(response.status).toBe(400)
    expect(await nsErrorCode(response)).toBe('INVALID_CONTENT')
  })
})

describe('SuiteQL and the fault script', () => {
  it('counts as a read: a fault scripted for the next write skips the query', async () => {
    sim.setScenario({ sequence: ['http5xx'], statuses: [503] })
    expect((await query('SELECT id FROM item')).status).toBe(200)
    expect((await ns.call('PUT', `${R}/customer/eid:F-1`, { companyName: 'F' })).status).toBe(503)
  })

  it('is faulted like any read once reads are (faultMethods includes GET)', async () => {
    sim.setScenario({ sequence: ['http5xx'], statuses: [503], faultMethods: ['GET', 'POST'] })
    expect((await query('SELECT id FROM item')).status).toBe(503)
  })
})
