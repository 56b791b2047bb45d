/** @module test/sandbox/sap-batch.test — OData v2 $batch over real HTTP: retrievals and changesets, changeset atomicity, Content-ID references, CSRF on the batch. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { orderBody, parseHttp, sapClient, SO_PATH, splitMultipart } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

let sim: SapSimulator
let sap: SapClient

beforeAll(async () => {
  sim = createSapSimulator({ seed: 9 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sap = await sapClient(sim)
})

interface PartSpec {
  readonly method: string
  readonly url: string
  readonly body?: unknown
  readonly contentId?: string
  readonly headers?: Record<string, string>
}

const httpPart = (p: PartSpec): string =>
  [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    `${p.method} ${p.url} HTTP/1.1`,
    'Accept: application/json',
    ...(p.contentId === undefined ? [] : [`Content-ID: ${p.contentId}`]),
    ...Object.entries(p.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ...(p.body === undefined ? [] : ['Content-Type: application/json']),
    '',
    p.body === undefined ? '' : JSON.stringify(p.body),
  ].join('\r\n')

/** A batch: each entry is a retrieval or (an array) a changeset. */
function batchBody(items: readonly (PartSpec | readonly PartSpec[])[]): string {
  const lines: string[] = []
  items.forEach((item, i) => {
    lines.push('--batch_1')
    if (!Array.isArray(item)) {
      lines.push(httpPart(item as PartSpec))
      return
    }
    const cs = `changeset_${i}`
    lines.push(`Content-Type: multipart/mixed; boundary=${cs}`, '')
    for (const part of item) lines.push(`--${cs}`, httpPart(part))
    lines.push(`--${cs}--`, '')
  })
  lines.push('--batch_1--', '')
  return lines.join('\r\n')
}

async function sendBatch(items: readonly (PartSpec | readonly PartSpec[])[], token = sap.token) {
  const response = await fetch(`${sim.baseUrl}${SO_PATH}/$batch`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}`,
      cookie: sap.cookies,
      'x-csrf-token': token,
      'content-type': 'multipart/mixed; boundary=batch_1',
    },
    body: batchBody(items),
  })
  return response
}

async function partsOf(response: Response) {
  const boundary = /boundary=(\S+)/.exec(response.headers.get('content-type') ?? '')?.[1] ?? ''
  return splitMultipart(await response.text(), boundary)
}

describe('SAP $batch', () => {
  it('answers 202 with one part per retrieval and a multipart part per changeset', async () => {
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('PRE-1'))
    const response = await sendBatch([
      { method: 'GET', url: "A_SalesOrder('1')" },
      [
        { method: 'POST', url: 'A_SalesOrder', body: orderBody('B-1'), contentId: '1' },
        { method: 'POST', url: 'A_SalesOrder', body: orderBody('B-2'), contentId: '2' },
      ],
      {
        method: 'GET',
        url: `${SO_PATH}/A_SalesOrder?$filter=PurchaseOrderByCustomer%20eq%20'B-2'`,
      },
    ])
    expect(response.status).toBe(202)
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batch_/)
    const [read, changeset, query] = await partsOf(response)
    expect(read?.headers).toMatchObject({
      'content-type': 'application/http',
      'content-transfer-encoding': 'binary',
    })
    const first = parseHttp(read?.body ?? '')
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body).d.PurchaseOrderByCustomer).toBe('PRE-1')
    const inner = /boundary=(\S+)/.exec(changeset?.headers['content-type'] ?? '')?.[1] ?? ''
    const created = splitMultipart(changeset?.body ?? '', inner).map((p) => parseHttp(p.body))
    expect(created.map((c) => [c.status, c.headers['content-id']])).toEqual([
      [201, '1'],
      [201, '2'],
    ])
    expect(JSON.parse(created[1]?.body ?? '{}').d.SalesOrder).toBe('3')
    // The retrieval after the changeset sees what the changeset created.
    expect(JSON.parse(parseHttp(query?.body ?? '').body).d.results).toHaveLength(1)
    expect(sim.ledger().totals.creates).toBe(3)
  })

  it('rolls a failing changeset back and answers it with the single error; other parts stand', async () => {
    const response = await sendBatch([
      [
        { method: 'POST', url: 'A_SalesOrder', body: orderBody('OK-1') },
        {
          method: 'POST',
          url: 'A_SalesOrder',
          body: orderBody('BAD-1', undefined, { SoldToParty: '17300001' }),
        },
      ],
      [{ method: 'POST', url: 'A_SalesOrder', body: orderBody('OK-2') }],
    ])
    expect(response.status).toBe(202)
    const [failed, succeeded] = await partsOf(response)
    expect(failed?.headers['content-type']).toBe('application/http')
    const error = parseHttp(failed?.body ?? '')
    expect(error.status).toBe(400)
    expect(JSON.parse(error.body).error.code).toBe('V1/320')
    expect(succeeded?.headers['content-type']).toMatch(/^multipart\/mixed/)
    const orders = sim.entities('A_SalesOrder') as {
      PurchaseOrderByCustomer: string
      SalesOrder: string
    }[]
    expect(orders.map((o) => [o.PurchaseOrderByCustomer, o.SalesOrder])).toEqual([['OK-2', '1']])
    expect(sim.ledger().effects.map((e) => e.businessKey)).toEqual(['OK-2'])
    expect(sim.events().events.map((e) => e.event.data)).toEqual([{ SalesOrder: '1' }])
  })

  it('resolves Content-ID references and checks If-Match inside a changeset', async () => {
    const response = await sendBatch([
      [
        { method: 'POST', url: 'A_SalesOrder', body: orderBody('CID-1'), contentId: 'order' },
        {
          method: 'POST',
          url: '$order/to_Item',
          body: { Material: 'TG14', RequestedQuantity: '1' },
        },
      ],
    ])
    const [changeset] = await partsOf(response)
    const inner = /boundary=(\S+)/.exec(changeset?.headers['content-type'] ?? '')?.[1] ?? ''
    const answers = splitMultipart(changeset?.body ?? '', inner).map((p) => parseHttp(p.body))
    expect(answers.map((a) => a.status)).toEqual([201, 201])
    const order = await sap.read<{ TotalNetAmount: string }>(`${SO_PATH}/A_SalesOrder('1')`)
    expect(order.TotalNetAmount).toBe('675.00')
    const stale = await sendBatch([
      [{ method: 'PATCH', url: "A_SalesOrder('1')", body: { CustomerPaymentTerms: '0001' } }],
    ])
    expect(parseHttp((await partsOf(stale))[0]?.body ?? '').status).toBe(428)
  })

  it('refuses GET inside a changeset, writes outside one, a batch without CSRF token and a broken body', async () => {
    const mixed = await sendBatch([
      [{ method: 'GET', url: 'A_SalesOrder' }],
      { method: 'POST', url: 'A_SalesOrder', body: orderBody('LOOSE-1') },
    ])
    const [getInChangeset, looseWrite] = await partsOf(mixed)
    expect(parseHttp(getInChangeset?.body ?? '').status).toBe(400)
    expect(parseHttp(looseWrite?.body ?? '').status).toBe(400)
    expect(sim.entities('A_SalesOrder')).toEqual([])
    const noToken = await sendBatch([{ method: 'GET', url: 'A_SalesOrder' }], '')
    expect(noToken.status).toBe(403)
    expect(noToken.headers.get('x-csrf-token')).toBe('Required')
    const broken = await fetch(`${sim.baseUrl}${SO_PATH}/$batch`, {
      method: 'POST',
      headers: {
        cookie: sap.cookies,
        'x-csrf-token': sap.token,
        'content-type': 'multipart/mixed; boundary=batch_1',
        accept: 'application/json',
      },
      body: '--batch_1\r\nContent-Type: application/http\r\n\r\nGET A_SalesOrder HTTP/1.1\r\n\r\n',
    })
    expect(broken.status).toBe(400)
    expect(
      ((await broken.json()) as { error: { message: { value: string } } }).error.message.value,
    ).toContain('closing delimiter')
  })
})
