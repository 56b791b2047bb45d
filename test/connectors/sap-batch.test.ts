/** @module test/connectors/sap-batch — sales orders in one $batch against the SAP simulator: per-order outcomes, the whole batch throttled, the multipart wire. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesOrdersOnce } from '../../src/connectors/sap/sap-batch.ts'
import {
  buildChangesetBatch,
  parseBatchAnswer,
} from '../../src/connectors/sap/sap-batch-multipart.ts'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import { canonicalOrderToSapSalesOrder } from '../../src/connectors/sap/sap-mapping.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { rejection } from './conformance/conformance-subject.ts'
import { SOLD_TO, sampleOrder, sapTestConfig } from './conformance/sap-subject.ts'

const sim = createSapSimulator({ seed: 41 })
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

const bodyOf = (key: string, sku = 'SKU-2', soldTo = SOLD_TO) =>
  canonicalOrderToSapSalesOrder(sampleOrder(key, [{ sku, quantity: 1 }]), soldTo, client.config)
const count = () => (sim.entities('A_SalesOrder') ?? []).length

describe('SAP $batch of sales orders × SAP simulator', () => {
  it('commits each good order, reports each bad one with its own error, and sends one $batch', async () => {
    const before = sim.requests().length
    const results = await createSalesOrdersOnce(client, [
      bodyOf('b-1'),
      bodyOf('b-2', 'SKU-2', '17100005'),
      bodyOf('b-3'),
      bodyOf('b-4', 'SKU-404'),
    ])
    expect(results.map((r) => (r.outcome.ok ? 'ok' : r.outcome.error.code))).toEqual([
      'ok',
      'V1/462',
      'ok',
      'V1/392',
    ])
    expect(results.every((r) => r.outcome.ok || r.outcome.error.type === 'validation')).toBe(true)
    expect(count()).toBe(2)
    const posts = sim
      .requests()
      .slice(before)
      .filter((r) => r.method === 'POST')
    expect(posts.map((r) => r.path)).toEqual(['/sap/opu/odata/sap/API_SALES_ORDER_SRV/$batch'])
  })

  it('leaves out orders SAP already holds, also when the same order is listed twice', async () => {
    const [single] = await createSalesOrdersOnce(client, [bodyOf('b-5')])
    const results = await createSalesOrdersOnce(client, [
      bodyOf('b-5'),
      bodyOf('b-6'),
      bodyOf('b-6'),
    ])
    expect(results.map((r) => r.outcome.ok && r.outcome.created)).toEqual([false, true, true])
    const ids = results.map((r) => r.outcome.ok && r.outcome.salesOrder)
    expect(ids[0]).toBe(single?.outcome.ok && single.outcome.salesOrder)
    expect(ids[1]).toBe(ids[2])
    expect(count()).toBe(2)
  })

  it('a throttled $batch throws throttled for all and commits nothing', async () => {
    sim.setScenario({ sequence: ['rateLimit'], retryAfterSeconds: { min: 4, max: 4 } })
    const error = await rejection(createSalesOrdersOnce(client, [bodyOf('b-7'), bodyOf('b-8')]))
    expect(error).toMatchObject({ type: 'throttled', retryAfterMs: 4000 })
    expect(count()).toBe(0)
  })

  it('a $batch dropped after commit is an unknown outcome; repeated, it creates nothing more', async () => {
    sim.setScenario({ sequence: ['commitThenDrop'] })
    const bodies = [bodyOf('b-9'), bodyOf('b-10')]
    const error = await rejection(createSalesOrdersOnce(client, bodies))
    expect(error.type).toBe('unknown_outcome')
    const again = await createSalesOrdersOnce(client, bodies)
    expect(again.map((r) => r.outcome.ok && r.outcome.created)).toEqual([false, false])
    expect(count()).toBe(2)
  })
})

describe('the $batch wire', () => {
  it('reads back a committed changeset, a failed one and a retrieval', () => {
    const built = buildChangesetBatch([[{ method: 'POST', path: 'A_SalesOrder', body: '{}' }]])
    expect(built.contentType).toMatch(/^multipart\/mixed; boundary=batch_/)
    expect(built.body).toContain('POST A_SalesOrder HTTP/1.1\r\n')
    const answer = [
      '--b',
      'content-type: multipart/mixed; boundary=cs',
      '',
      '--cs',
      'content-type: application/http',
      '',
      'HTTP/1.1 201 Created',
      'content-type: application/json',
      'etag: W/"x"',
      '',
      '{"d":{"SalesOrder":"7"}}',
      '--cs--',
      '--b',
      'content-type: application/http',
      '',
      'HTTP/1.1 400 Bad Request',
      '',
      '{"error":{"code":"V1/392"}}',
      '--b--',
      '',
    ].join('\r\n')
    expect(parseBatchAnswer('multipart/mixed; boundary=b', answer)).toEqual([
      {
        kind: 'changeset',
        responses: [
          {
            status: 201,
            headers: { 'content-type': 'application/json', etag: 'W/"x"' },
            body: '{"d":{"SalesOrder":"7"}}',
          },
        ],
      },
      {
        kind: 'response',
        response: { status: 400, headers: {}, body: '{"error":{"code":"V1/392"}}' },
      },
    ])
    expect(
      parseBatchAnswer('multipart/mixed; boundary=b', answer.replace('--b--', '')),
    ).toBeUndefined()
    expect(parseBatchAnswer('application/json', answer)).toBeUndefined()
  })
})
