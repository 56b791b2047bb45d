/** @module test/connectors/sap-client — SapClient and its session against the SAP simulator over real HTTP: logon, CSRF re-fetch, ETags, paging. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import type { SapCall } from '../../src/connectors/sap/sap-client.ts'
import { canonicalOrderToSapSalesOrder } from '../../src/connectors/sap/sap-mapping.ts'
import {
  BUSINESS_PARTNER_SERVICE,
  SALES_ORDER_SERVICE,
  entityPath,
  eq,
} from '../../src/connectors/sap/sap-odata-path.ts'
import { queryEntities } from '../../src/connectors/sap/sap-odata-query.ts'
import {
  createSalesOrderOnce,
  readBusinessPartner,
  readSalesOrder,
  updateSalesOrderHeader,
} from '../../src/connectors/sap/sap-operations.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { rejection } from './conformance/conformance-subject.ts'
import { SOLD_TO, sampleOrder, sapTestConfig } from './conformance/sap-subject.ts'

const sim = createSapSimulator({ seed: 23 })
let client: SapClient

beforeAll(async () => {
  await sim.start()
})
afterAll(async () => {
  await sim.stop()
})
beforeEach(() => {
  sim.reset()
  client = new SapClient(sapTestConfig(sim))
})

const createOrder = async (key: string) =>
  createSalesOrderOnce(
    client,
    canonicalOrderToSapSalesOrder(sampleOrder(key), SOLD_TO, client.config),
  )
const ordersFor = (key: string) => {
  const reference = canonicalOrderToSapSalesOrder(
    sampleOrder(key),
    SOLD_TO,
    client.config,
  ).PurchaseOrderByCustomer
  return (sim.entities('A_SalesOrder') ?? []).filter(
    (e) => (e as Record<string, unknown>).PurchaseOrderByCustomer === reference,
  ).length
}

describe('SapClient × SAP simulator: logon and session', () => {
  it('logs on once (Basic + X-CSRF-Token: Fetch) and carries the session cookie afterwards', async () => {
    for (const id of ['17100001', '17100002', '17100003']) {
      const read = await client.read(BUSINESS_PARTNER_SERVICE, entityPath('A_BusinessPartner', id))
      expect(read?.entity.BusinessPartner).toBe(id)
    }
    await createOrder('session-1')
    expect(client.session.fetchCount).toBe(1)
    expect(sim.sessions()).toMatchObject({ opened: 1, tokensIssued: 1, csrfRejected: 0 })
  })

  it('reads a seeded person and organization as canonical Customers', async () => {
    expect(await readBusinessPartner(client, '17100004')).toMatchObject({
      kind: 'customer',
      source: { system: 'sap', id: '17100004' },
      lastName: expect.any(String),
    })
    const organization = await readBusinessPartner(client, '0017100001')
    expect(organization).toMatchObject({
      source: { system: 'sap', id: '17100001' },
      companyName: 'Domestic US Customer 1',
    })
    expect(organization?.source.version).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/)
    expect(await readBusinessPartner(client, '99999999')).toBeNull()
  })

  it('answers null for an entity SAP does not have, but not for a wrong base URL', async () => {
    expect(await client.read(SALES_ORDER_SERVICE, entityPath('A_SalesOrder', '999999'))).toBeNull()
    const lost = new SapClient(sapTestConfig(sim, { baseUrl: `${sim.baseUrl}/not-sap` }))
    const error = await rejection(
      lost.read(SALES_ORDER_SERVICE, entityPath('A_SalesOrder', '999999')),
    )
    expect(error).toMatchObject({ type: 'validation', status: 404 })
  })

  it('after the session times out: one new logon, and the write goes through once', async () => {
    await createOrder('expiry-1')
    sim.advanceClock(31 * 60 * 1000)
    const created = await createOrder('expiry-2')
    expect(created.created).toBe(true)
    expect(client.session.fetchCount).toBe(2)
    expect(sim.sessions().opened).toBe(2)
    expect(ordersFor('expiry-2')).toBe(1)
  })

  it('after a token rotation: concurrent writes share ONE re-fetch, each retried once', async () => {
    await createOrder('rotate-warm')
    sim.rotateCsrfTokens()
    const keys = ['rotate-1', 'rotate-2', 'rotate-3', 'rotate-4', 'rotate-5', 'rotate-6']
    const results = await Promise.all(keys.map(createOrder))
    expect(results.every((r) => r.created)).toBe(true)
    expect(client.session.fetchCount).toBe(2)
    // Same session, new token: the system refused each write once, then accepted it.
    expect(sim.sessions()).toMatchObject({ opened: 1, tokensIssued: 2 })
    for (const key of keys) expect(ordersFor(key)).toBe(1)
  })

  it('a token refused again after the re-fetch is auth, and nothing is written', async () => {
    await createOrder('reject-warm')
    sim.rejectCsrf(2)
    const error = await rejection(createOrder('reject-1'))
    expect(error).toMatchObject({ type: 'auth', status: 403 })
    // The ICF's refusal is plain text, not an OData error: it is kept verbatim as the cause.
    expect((error.cause as Error).message).toContain('CSRF token validation failed')
    expect(ordersFor('reject-1')).toBe(0)
  })

  it('a wrong password is auth after one logon attempt, and the password never appears', async () => {
    const wrong = new SapClient(sapTestConfig(sim, { password: 'Not-The-Password-42' }))
    const error = await rejection(
      wrong.read(BUSINESS_PARTNER_SERVICE, entityPath('A_BusinessPartner', SOLD_TO)),
    )
    expect(error).toMatchObject({ type: 'auth', status: 401 })
    expect(wrong.session.fetchCount).toBe(1)
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(
      'Not-The-Password-42',
    )
  })

  it('sends sap-client when configured; another client fails logon (auth)', async () => {
    const right = new SapClient(sapTestConfig(sim, { sapClient: sim.client }))
    expect(
      await right.read(BUSINESS_PARTNER_SERVICE, entityPath('A_BusinessPartner', SOLD_TO)),
    ).not.toBeNull()
    const other = new SapClient(sapTestConfig(sim, { sapClient: '999' }))
    const error = await rejection(
      other.read(BUSINESS_PARTNER_SERVICE, entityPath('A_BusinessPartner', SOLD_TO)),
    )
    expect(error.type).toBe('auth')
  })
})

describe('SapClient × SAP simulator: ETags', () => {
  it('updates under If-Match with the ETag of the read; a stale ETag is a 412 conflict', async () => {
    const { salesOrder } = await createOrder('etag-1')
    const read = await readSalesOrder(client, salesOrder)
    expect(read?.etag).toMatch(/^W\/"datetimeoffset'\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d\.\d{7}Z'"$/)
    const first = await updateSalesOrderHeader(
      client,
      salesOrder,
      { DeliveryBlockReason: '01' },
      read?.etag ?? '',
    )
    expect(first.etag).not.toBe(read?.etag)
    // The same change sent again with the ETag it was decided on: refused, not applied twice.
    const repeat = await rejection(
      updateSalesOrderHeader(client, salesOrder, { DeliveryBlockReason: '01' }, read?.etag ?? ''),
    )
    expect(repeat).toMatchObject({ type: 'conflict', status: 412 })
    const after = sim.entity('A_SalesOrder', salesOrder) as Record<string, unknown>
    expect(after.DeliveryBlockReason).toBe('01')
  })

  it('a change without If-Match is 428, classified validation (a bug, not a retry)', async () => {
    const { salesOrder } = await createOrder('etag-2')
    const call: SapCall = {
      method: 'PATCH',
      service: SALES_ORDER_SERVICE,
      path: entityPath('A_SalesOrder', salesOrder),
      operation: 'update',
      body: JSON.stringify({ DeliveryBlockReason: '01' }),
    }
    const response = await client.send(call)
    expect(response.status).toBe(428)
    const error = await rejection(
      Promise.resolve().then(() => client.expectSuccess(call, response)),
    )
    expect(error).toMatchObject({ type: 'validation', status: 428, code: '/IWBEP/CM_MGW_RT/194' })
  })
})

describe('SapClient × SAP simulator: paged queries', () => {
  it('reads every page with $top/$skip, ordered by key, and stops at a limit', async () => {
    const paged = new SapClient(sapTestConfig(sim), { pageSize: 2 })
    for (let i = 1; i <= 5; i++) await createOrder(`page-${i}`)
    const before = sim.requests().length
    const all = await queryEntities(paged, SALES_ORDER_SERVICE, 'A_SalesOrder', {
      filter: eq('SoldToParty', SOLD_TO),
      select: ['SalesOrder'],
      orderby: 'SalesOrder',
    })
    expect(all.map((e) => e.SalesOrder)).toEqual(['1', '2', '3', '4', '5'])
    const pages = sim
      .requests()
      .slice(before)
      .filter((r) => r.path.endsWith('/A_SalesOrder'))
    expect(pages.length).toBe(3)
    const some = await queryEntities(paged, SALES_ORDER_SERVICE, 'A_SalesOrder', {
      orderby: 'SalesOrder',
      limit: 3,
    })
    expect(some.map((e) => e.SalesOrder)).toEqual(['1', '2', '3'])
  })

  it('quotes filter literals, so a reference with a quote matches itself only', async () => {
    const found = await queryEntities(client, BUSINESS_PARTNER_SERVICE, 'A_BusinessPartner', {
      filter: eq('BusinessPartnerIdByExtSystem', "O'Brien' or BusinessPartner ne '"),
    })
    expect(found).toEqual([])
  })
})
