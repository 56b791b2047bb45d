/** @module test/connectors/netsuite-transactions.test — NetSuiteClient's SuiteQL paging and sales-order transforms, against the simulator and (for exact headers) a local stand-in. */
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { suiteqlString } from '../../src/connectors/netsuite/netsuite-suiteql.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { sendJson, startLocalHttpServer } from './support/local-http-server.ts'
import type { LocalHttpServer } from './support/local-http-server.ts'

const R = '/services/rest/record/v1'
const Q = '/services/rest/query/v1/suiteql'
const sim = createNetSuiteSimulator({ seed: 51 })
let client: NetSuiteClient

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!HubError.is(error)) throw new Error(`expected a HubError, got ${String(error)}`)
  return error
}

/** A customer and a sales order for 3 × SKU-1 and 1 × SKU-2; returns the order's internal id. */
async function salesOrder(externalId = 'SO-1'): Promise<string> {
  const { id: customer } = await client.upsertByExternalId('customer', 'C-1', {
    companyName: 'Acme',
  })
  const { id } = await client.upsertByExternalId('salesOrder', externalId, {
    entity: { id: customer },
    item: {
      items: [
        { item: { externalId: 'SKU-1' }, quantity: 3, rate: 10 },
        { item: { externalId: 'SKU-2' }, quantity: 1, rate: 5 },
      ],
    },
  })
  return id
}

const requestsTo = (prefix: string) => sim.requests().filter((r) => r.path.startsWith(prefix))

beforeAll(() => sim.start())
afterAll(() => sim.stop())
beforeEach(() => {
  sim.reset()
  client = new NetSuiteClient(
    parseNetSuiteConnectionConfig({
      accountId: sim.accountId,
      baseUrl: sim.baseUrl,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      requestTimeoutMs: 5_000,
    }),
  )
})

describe('suiteql', () => {
  it('pages until hasMore is false, one request per page, rows in order without links', async () => {
    for (let i = 1; i <= 25; i++) {
      sim.records.put('customer', {
        externalId: `P-${String(i).padStart(2, '0')}`,
        companyName: `P ${i}`,
      })
    }
    const rows = await client.suiteqlAll('SELECT id, externalid FROM customer ORDER BY id', {
      pageSize: 10,
    })
    expect(rows.map((r) => r.externalid)).toEqual(
      Array.from({ length: 25 }, (_, i) => `P-${String(i + 1).padStart(2, '0')}`),
    )
    expect(rows[0]).not.toHaveProperty('links')
    expect(requestsTo(Q)).toHaveLength(3)
    const pages = []
    for await (const row of client.suiteql('SELECT id FROM customer ORDER BY id')) pages.push(row)
    expect(pages).toHaveLength(25)
    expect(requestsTo(Q)).toHaveLength(4) // a default page holds 1000
  })

  it('quotes a value into a query so that it cannot end the string early', async () => {
    const { id } = await client.upsertByExternalId('customer', "O'Brien' OR 'a'='a", {
      companyName: 'Quoted',
    })
    await client.upsertByExternalId('customer', 'OTHER', { companyName: 'Other' })
    const rows = await client.suiteqlAll(
      `SELECT id FROM customer WHERE externalid = ${suiteqlString("O'Brien' OR 'a'='a")}`,
    )
    expect(rows).toEqual([{ id }])
  })

  it('refuses a page over 1000 rows before sending anything', async () => {
    const error = await failure(client.suiteqlAll('SELECT id FROM item', { pageSize: 1001 }))
    expect(error).toMatchObject({ type: 'validation', code: 'INVALID_PAGE_SIZE' })
    expect(requestsTo(Q)).toHaveLength(0)
  })

  it('classifies a query NetSuite refuses as validation, with its code', async () => {
    const error = await failure(client.suiteqlAll('SELECT nope FROM customer'))
    expect(error).toMatchObject({ type: 'validation', code: 'INVALID_PARAMETER', status: 400 })
    expect(error.message).toContain("Field 'nope'")
  })
})

describe('transformToInvoice', () => {
  it('invoices once: a second call finds the invoice made from the order and returns it', async () => {
    const orderId = await salesOrder()
    const first = await client.transformToInvoice(orderId)
    const second = await client.transformToInvoice(orderId)
    expect(first.created).toBe(true)
    expect(second).toEqual({ id: first.id, created: false })
    expect(sim.records.list('invoice').map((r) => r.id)).toEqual([first.id])
    expect(sim.ledger().effects.find((e) => e.recordType === 'invoice')).toMatchObject({
      businessKey: 'SO-1',
      creates: 1,
    })
    expect(await client.invoicesFromSalesOrder(orderId)).toEqual([{ id: first.id, tranId: 'INV1' }])
  })

  it('after a dropped answer (unknown outcome), the retry returns the invoice that was made', async () => {
    const orderId = await salesOrder()
    sim.setScenario({ sequence: ['commitThenDrop'] })
    const lost = await failure(client.transformToInvoice(orderId))
    expect(lost.type).toBe('unknown_outcome')
    expect(sim.records.list('invoice')).toHaveLength(1)
    const retried = await client.transformToInvoice(orderId)
    expect(retried).toEqual({ id: sim.records.list('invoice')[0]?.id, created: false })
    expect(sim.ledger().effects.find((e) => e.recordType === 'invoice')).toMatchObject({
      creates: 1,
    })
  })

  it('racing callers make one invoice when the account honours the idempotency key', async () => {
    sim.setScenario({ idempotency: 'honour' })
    const orderId = await salesOrder()
    const results = await Promise.all([
      client.transformToInvoice(orderId),
      client.transformToInvoice(orderId),
    ])
    expect(sim.records.list('invoice')).toHaveLength(1)
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([sim.records.list('invoice')[0]?.id]))
  })

  it('does not bill again an order someone invoiced in the NetSuite UI', async () => {
    const orderId = await salesOrder()
    const byHand = sim.records.put('invoice', {
      entity: { id: sim.records.get('customer', 'eid:C-1')?.id },
      createdFrom: { id: orderId },
      item: { items: [{ orderLine: 1, quantity: 3 }] },
    })
    await expect(client.transformToInvoice(orderId)).resolves.toEqual({
      id: byHand.id,
      created: false,
    })
    expect(sim.records.list('invoice')).toHaveLength(1)
  })

  it('refuses an id that is not an internal id, sending nothing', async () => {
    const error = await failure(client.transformToInvoice('eid:SO-1'))
    expect(error).toMatchObject({ type: 'validation', code: 'INVALID_ID' })
    expect(requestsTo('/services/rest/')).toHaveLength(0)
  })
})

describe('transformToItemFulfillment', () => {
  it('ships the given lines from the given location, and refuses more than is left', async () => {
    const orderId = await salesOrder()
    const { id } = await client.transformToItemFulfillment(orderId, [
      { orderLine: 1, quantity: 2, location: { externalId: 'WH-EAST' } },
    ])
    expect(sim.records.get('itemFulfillment', id)?.fields.item).toMatchObject({
      items: [{ orderLine: 1, quantity: 2 }],
    })
    const east = sim.inventory.levels('eid:SKU-1')?.find((l) => l.location.externalId === 'WH-EAST')
    expect(east?.level.quantityOnHand).toBe(18)
    const over = await failure(
      client.transformToItemFulfillment(orderId, [{ orderLine: 1, quantity: 2 }]),
    )
    expect(over).toMatchObject({
      type: 'validation',
      code: 'USER_ERROR',
      path: 'item.items[0].quantity',
    })
    const rest = await client.transformToItemFulfillment(orderId)
    expect(sim.records.get('itemFulfillment', rest.id)?.fields.item).toMatchObject({
      items: [
        { orderLine: 1, quantity: 1 },
        { orderLine: 2, quantity: 1 },
      ],
    })
  })
})

describe('idempotency conflicts', () => {
  it('classifies NetSuite’s IDEMPOTENCY_ERROR as conflict', async () => {
    sim.setScenario({ idempotency: 'honour' })
    await client.create(
      'customer',
      { externalId: 'K-1', companyName: 'One' },
      { idempotencyKey: 'k' },
    )
    const error = await failure(
      client.create('customer', { externalId: 'K-2', companyName: 'Two' }, { idempotencyKey: 'k' }),
    )
    expect(error).toMatchObject({ type: 'conflict', code: 'IDEMPOTENCY_ERROR', status: 400 })
  })
})

describe('what goes on the wire', () => {
  let server: LocalHttpServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function standIn(suiteqlPage: (offset: number) => unknown) {
    server = await startLocalHttpServer((req, res: ServerResponse) => {
      if (req.url.startsWith('/services/rest/auth/')) {
        return sendJson(res, 200, { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 })
      }
      if (req.url.startsWith(Q)) {
        const offset = Number(new URL(req.url, 'http://x').searchParams.get('offset'))
        return sendJson(res, 200, suiteqlPage(offset))
      }
      res.writeHead(204, { location: `${R}/invoice/77` })
      res.end()
    })
    return new NetSuiteClient(
      parseNetSuiteConnectionConfig({
        accountId: '1234567',
        baseUrl: server.url,
        clientId: 'c',
        clientSecret: 's',
      }),
    )
  }

  it('checks for an invoice with Prefer: transient, then transforms with an idempotency key', async () => {
    const stand = await standIn(() => ({
      count: 0,
      hasMore: false,
      items: [],
      offset: 0,
      totalResults: 0,
    }))
    await expect(stand.transformToInvoice('7')).resolves.toEqual({ id: '77', created: true })
    const [query, transform] = (server?.requests ?? []).filter((r) => !r.url.includes('/auth/'))
    expect(query?.url).toBe(`${Q}?limit=1000&offset=0`)
    expect(query?.headers.prefer).toBe('transient')
    expect(JSON.parse(query?.body ?? '')).toEqual({
      q: "SELECT id, tranid FROM transaction WHERE type = 'CustInvc' AND createdfrom = 7 ORDER BY id",
    })
    expect(transform).toMatchObject({ method: 'POST', url: `${R}/salesOrder/7/!transform/invoice` })
    expect(transform?.headers['x-netsuite-idempotency-key']).toBe('syncline-invoice-salesOrder-7')
    await stand.transformToInvoice('8', { idempotencyKey: 'run-42' })
    expect(server?.requests.at(-1)?.headers['x-netsuite-idempotency-key']).toBe('run-42')
  })

  it('stops with an error instead of looping when a page says hasMore but is empty', async () => {
    const stand = await standIn(() => ({ count: 0, hasMore: true, items: [], offset: 0 }))
    const error = await failure(stand.suiteqlAll('SELECT id FROM customer'))
    expect(error.type).toBe('retryable')
    expect(error.message).toContain('hasMore is true on an empty page')
  })

  it('reports a query running past NetSuite’s 100,000-row cap instead of stopping there', async () => {
    const page = Array.from({ length: 1000 }, (_, i) => ({ links: [], id: String(i) }))
    const stand = await standIn((offset) => ({ count: 1000, hasMore: true, items: page, offset }))
    const error = await failure(stand.suiteqlAll('SELECT id FROM transaction'))
    expect(error).toMatchObject({ type: 'validation', code: 'SUITEQL_RESULT_CAP' })
    expect(server?.requests.filter((r) => r.url.startsWith(Q))).toHaveLength(100)
  })
})
