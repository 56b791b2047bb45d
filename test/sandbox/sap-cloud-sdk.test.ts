/** @module test/sandbox/sap-cloud-sdk.test — SAP's own client, @sap-cloud-sdk/http-client, against the simulator: it fetches the CSRF token its way (HEAD on the URL with a trailing slash), carries the cookies, and creates, reads and updates a sales order. */

import { executeHttpRequest } from '@sap-cloud-sdk/http-client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { orderBody, SO_PATH } from './sap-test-kit.ts'

let sim: SapSimulator

beforeAll(async () => {
  sim = createSapSimulator({ seed: 17 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

const destination = () => ({ url: sim.baseUrl, username: sim.username, password: sim.password })

interface HttpFailure {
  readonly status: number
  readonly headers: Record<string, unknown>
  readonly data: unknown
}

/** The HTTP answer inside the SDK's error (axios's response, possibly wrapped in a cause). */
function responseOf(error: unknown): HttpFailure | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    const response = (current as { response?: HttpFailure }).response
    if (response) return response
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

async function failureOf(work: Promise<unknown>): Promise<HttpFailure | undefined> {
  try {
    await work
  } catch (error) {
    return responseOf(error)
  }
  throw new Error('expected the request to fail')
}

describe('SAP Cloud SDK http-client against the simulator', () => {
  it('creates a sales order with fetchCsrfToken: HEAD …/A_SalesOrder/ with Fetch, then POST with token and cookies', async () => {
    const created = await executeHttpRequest(
      destination(),
      {
        method: 'post',
        url: `${SO_PATH}/A_SalesOrder`,
        data: orderBody('SDK-1001', [
          { Material: 'TG11', RequestedQuantity: '5', RequestedQuantityUnit: 'PC' },
          { Material: 'TG12', RequestedQuantity: '1' },
        ]),
      },
      { fetchCsrfToken: true },
    )
    expect(created.status).toBe(201)
    const id = (created.data as { d: { SalesOrder: string } }).d.SalesOrder
    expect(created.headers.location).toBe(`${sim.baseUrl}${SO_PATH}/A_SalesOrder('${id}')`)

    const log = sim.requests()
    expect(log.map((r) => [r.method, r.path, r.status])).toEqual([
      ['HEAD', `${SO_PATH}/A_SalesOrder/`, 200],
      ['POST', `${SO_PATH}/A_SalesOrder`, 201],
    ])
    expect(sim.sessions()).toMatchObject({ opened: 1, tokensIssued: 1, csrfRejected: 0 })

    const read = await executeHttpRequest(destination(), {
      method: 'get',
      url: `${SO_PATH}/A_SalesOrder('${id}')?$expand=to_Item&$format=json`,
    })
    expect(read.status).toBe(200)
    const order = (
      read.data as {
        d: Record<string, unknown> & { to_Item: { results: Record<string, string>[] } }
      }
    ).d
    expect(order).toMatchObject({
      SalesOrder: id,
      PurchaseOrderByCustomer: 'SDK-1001',
      SoldToParty: '17100001',
      TotalNetAmount: '625.00',
    })
    expect(
      order.to_Item.results.map((i) => [i.SalesOrderItem, i.Material, i.RequestedQuantity]),
    ).toEqual([
      ['10', 'TG11', '5'],
      ['20', 'TG12', '1'],
    ])
    const found = await executeHttpRequest(destination(), {
      method: 'get',
      url: `${SO_PATH}/A_SalesOrder?$filter=PurchaseOrderByCustomer eq 'SDK-1001'&$format=json`,
    })
    expect((found.data as { d: { results: unknown[] } }).d.results).toHaveLength(1)
    expect(sim.ledger().effects).toMatchObject([{ businessKey: 'SDK-1001', creates: 1, writes: 1 }])
  })

  it('gets 403 with X-CSRF-Token: Required when it does not fetch a token, and nothing is created', async () => {
    const failure = await failureOf(
      executeHttpRequest(
        destination(),
        { method: 'post', url: `${SO_PATH}/A_SalesOrder`, data: orderBody('SDK-NO-TOKEN') },
        { fetchCsrfToken: false },
      ),
    )
    expect(failure?.status).toBe(403)
    expect(failure?.headers['x-csrf-token']).toBe('Required')
    expect(sim.entities('A_SalesOrder')).toEqual([])
    expect(sim.ledger().totals.writes).toBe(0)
  })

  it('updates under the ETag it read (204), and is refused with 428 without If-Match', async () => {
    const created = await executeHttpRequest(
      destination(),
      { method: 'post', url: `${SO_PATH}/A_SalesOrder`, data: orderBody('SDK-2') },
      { fetchCsrfToken: true },
    )
    const id = (created.data as { d: { SalesOrder: string } }).d.SalesOrder
    const url = `${SO_PATH}/A_SalesOrder('${id}')`
    const missing = await failureOf(
      executeHttpRequest(
        destination(),
        { method: 'patch', url, data: { CustomerPaymentTerms: '0001' } },
        { fetchCsrfToken: true },
      ),
    )
    expect(missing?.status).toBe(428)
    const etag = String(
      (await executeHttpRequest(destination(), { method: 'get', url })).headers.etag,
    )
    const patched = await executeHttpRequest(
      destination(),
      {
        method: 'patch',
        url,
        data: { CustomerPaymentTerms: '0001' },
        headers: { 'if-match': etag },
      },
      { fetchCsrfToken: true },
    )
    expect(patched.status).toBe(204)
    const after = await executeHttpRequest(destination(), {
      method: 'get',
      url: `${url}?$format=json`,
    })
    expect((after.data as { d: Record<string, unknown> }).d.CustomerPaymentTerms).toBe('0001')
    expect(sim.ledger().effects).toMatchObject([{ businessKey: 'SDK-2', creates: 1, updates: 1 }])
  })
})
