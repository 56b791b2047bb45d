/** @module test/connectors/sap-events-feed — the pull consumer over the SAP simulator's event feed over HTTP: paging, restarts from a stored sequence, retention gaps, malformed pages. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import { SapEventFeedConsumer } from '../../src/connectors/sap/sap-event-feed-consumer.ts'
import type { SapEventFeedItem } from '../../src/connectors/sap/sap-event-feed-consumer.ts'
import { SapEventReceiver } from '../../src/connectors/sap/sap-event-receiver.ts'
import { SALES_ORDER_SERVICE } from '../../src/connectors/sap/sap-odata-path.ts'
import { parseSapConnectionConfig } from '../../src/connectors/sap/sap-spec.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator, SapSimulatorOptions } from '../../src/sandbox/sap/sap-simulator.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { orderBody } from '../sandbox/sap-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startSim(options: Partial<SapSimulatorOptions> = {}) {
  const sim = createSapSimulator({ seed: 43, ...options })
  await sim.start()
  cleanups.push(() => sim.stop())
  const client = new SapClient(
    parseSapConnectionConfig({
      baseUrl: sim.baseUrl,
      username: sim.username,
      password: sim.password,
      requestTimeoutMs: 5_000,
    }),
  )
  return { sim, client }
}

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise
  } catch (error) {
    if (HubError.is(error)) return error
    throw error
  }
  throw new Error('expected a HubError')
}

const feedOf = (sim: SapSimulator, pageSize = 2) =>
  new SapEventFeedConsumer({ feedUrl: `${sim.scenarioUrl}/events`, pageSize })

/** `count` business events: user edits of partners, alternating between two of them. */
function changePartners(sim: SapSimulator, count: number, label: string): void {
  for (let i = 0; i < count; i++) {
    const result = sim.edit('A_BusinessPartner', i % 2 === 0 ? '17100001' : '17100002', {
      OrganizationBPName1: `${label} ${i}`,
    })
    if ('error' in result) throw new Error(result.error)
  }
}

describe('SapEventFeedConsumer × SAP simulator', () => {
  it('pages through the feed without loss or repetition across restarts from a stored sequence', async () => {
    const { sim } = await startSim()
    changePartners(sim, 5, 'Before')
    let stored = 0
    const handled: string[] = []
    /** One consumer run: handles up to `max` events, persisting each one's seq after it. */
    const run = async (max = Number.POSITIVE_INFINITY): Promise<number> => {
      let count = 0
      for await (const item of feedOf(sim).events(stored)) {
        if (item.kind !== 'event') throw new Error(`unexpected ${item.kind}`)
        handled.push(item.event.id)
        stored = item.seq
        count += 1
        if (count === max) break
      }
      return count
    }
    expect(await run(3)).toBe(3) // stops in the middle of the second page, as a crash would
    expect(stored).toBe(3)
    expect(await run()).toBe(2)
    changePartners(sim, 4, 'After')
    expect(await run()).toBe(4)
    expect(await run()).toBe(0)
    const feed = sim.events(0).events
    expect(feed).toHaveLength(9)
    expect(handled).toEqual(feed.map((f) => f.event.id))
    expect(stored).toBe(9)
  })

  it('hands out pulled events that resolve through the receiver to the current state', async () => {
    const { sim, client } = await startSim()
    const order = await client.create(
      SALES_ORDER_SERVICE,
      'A_SalesOrder',
      'SalesOrder',
      orderBody('PULL-1'),
    )
    changePartners(sim, 1, 'Pulled')
    const receiver = new SapEventReceiver(client)
    const kinds: string[] = []
    for await (const item of feedOf(sim).events(0)) {
      if (item.kind !== 'event') throw new Error(`unexpected ${item.kind}`)
      const resolution = await receiver.resolve(item.event)
      kinds.push(resolution.kind)
      if (resolution.kind === 'salesOrder') {
        expect(resolution.salesOrder).toMatchObject({
          source: { id: order.key },
          reference: 'PULL-1',
        })
      }
      if (resolution.kind === 'customer') {
        expect(resolution.customer.companyName).toBe('Pulled 0')
      }
    }
    expect(kinds).toEqual(['salesOrder', 'customer'])
  })

  it('reports a gap first when events after the stored sequence were dropped, then resumes at the oldest kept', async () => {
    const { sim } = await startSim({ eventFeedCapacity: 3 })
    changePartners(sim, 5, 'Churn')
    const items: SapEventFeedItem[] = []
    for await (const item of feedOf(sim).events(1)) items.push(item)
    expect(items[0]).toEqual({ kind: 'gap', afterSeq: 1, oldestSeq: 3 })
    expect(items.slice(1).map((i) => (i.kind === 'event' ? i.seq : i.kind))).toEqual([3, 4, 5])
  })
})

describe('SapEventFeedConsumer: pages that do not read', () => {
  async function feedServer(answer: {
    status: number
    body: unknown
    headers?: Record<string, string>
  }) {
    const server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    return new SapEventFeedConsumer({
      feedUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    })
  }
  const event = (id: string, data: unknown) => ({
    specversion: '1.0',
    type: 'sap.s4.beh.salesorder.v1.SalesOrder.Changed.v1',
    source: '/default/sap.s4.beh/S4H',
    id,
    time: '2026-01-10T12:00:00Z',
    data,
  })

  it('hands out an event that does not validate as rejected, with its seq, so the cursor can pass it', async () => {
    const consumer = await feedServer({
      status: 200,
      body: {
        events: [
          { seq: 1, event: event('a', { SalesOrder: '7' }) },
          { seq: 2, event: event('b', { SalesOrder: '' }) },
        ],
        lastSeq: 2,
        oldestSeq: 1,
        gap: false,
      },
    })
    const page = await consumer.page(0)
    expect(page.items.map((i) => i.kind)).toEqual(['event', 'rejected'])
    expect(page.items[1]).toMatchObject({
      seq: 2,
      error: { type: 'validation', path: 'data.SalesOrder' },
    })
  })

  it('retries a page whose sequences do not move forward, and one that is not a page', async () => {
    const backwards = await feedServer({
      status: 200,
      body: {
        events: [
          { seq: 5, event: event('a', { SalesOrder: '7' }) },
          { seq: 4, event: event('b', { SalesOrder: '8' }) },
        ],
        lastSeq: 5,
        oldestSeq: 1,
        gap: false,
      },
    })
    expect(await rejection(backwards.page(3))).toMatchObject({
      type: 'retryable',
      code: 'MALFORMED_RESPONSE',
    })
    const garbage = await feedServer({ status: 200, body: '{"events": "soon"' })
    expect(await rejection(garbage.page(0))).toMatchObject({
      type: 'retryable',
      code: 'MALFORMED_RESPONSE',
    })
  })

  it('classifies a throttled feed with its Retry-After', async () => {
    const consumer = await feedServer({
      status: 503,
      body: 'maintenance',
      headers: { 'retry-after': '7', 'content-type': 'text/html' },
    })
    expect(await rejection(consumer.page(0))).toMatchObject({
      type: 'throttled',
      retryAfterMs: 7_000,
    })
  })
})
