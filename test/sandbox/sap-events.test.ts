/** @module test/sandbox/sap-events.test — key-only business events: the pull feed, webhook pushes with retries under the same event id, reordering, no-op changes and state that moved on. */

import { afterEach, describe, expect, it } from 'vitest'
import { createSapSimulator, SAP_EVENT_TYPES } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator, SapSimulatorOptions } from '../../src/sandbox/sap/sap-simulator.ts'
import { startReceiver } from './sandbox-test-kit.ts'
import type { Receiver } from './sandbox-test-kit.ts'
import { BP_PATH, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(
  answer?: Parameters<typeof startReceiver>[0],
  options: Partial<SapSimulatorOptions> = {},
): Promise<{ sim: SapSimulator; sap: SapClient; hook: Receiver | null }> {
  const hook = answer ? await startReceiver(answer) : null
  if (hook) cleanups.push(() => hook.close())
  const sim = createSapSimulator({
    seed: 13,
    eventRetryScheduleMs: [50, 100, 200],
    eventMaxRetries: 3,
    eventTimeoutMs: 300,
    ...(hook ? { eventSubscribers: [{ url: hook.url }] } : {}),
    ...options,
  })
  await sim.start()
  cleanups.push(() => sim.stop())
  return { sim, sap: await sapClient(sim), hook }
}

const ORDER = `${SO_PATH}/A_SalesOrder('1')`
const eventsOf = (hook: Receiver) =>
  hook.received.map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>)

async function patch(sap: SapClient, changes: Record<string, unknown>): Promise<number> {
  const etag = (await sap.call('GET', ORDER)).headers.get('etag') ?? ''
  return (await sap.call('PATCH', ORDER, changes, { 'if-match': etag })).status
}

describe('SAP business events (pull feed)', () => {
  it('publishes key-only CloudEvents for creates and changes, in commit order', async () => {
    const { sim, sap } = await setup()
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('EV-1'))
    expect(await patch(sap, { CustomerPaymentTerms: '0001' })).toBe(204)
    await sap.call('POST', `${BP_PATH}/A_BusinessPartner`, {
      BusinessPartnerCategory: '2',
      OrganizationBPName1: 'Evented Inc',
    })
    const page = await (await fetch(`${sim.scenarioUrl}/events?after=0`)).json()
    const { events, lastSeq, gap } = page as ReturnType<SapSimulator['events']>
    expect({ lastSeq, gap }).toEqual({ lastSeq: 3, gap: false })
    expect(events.map((e) => [e.seq, e.event.type, e.event.data])).toEqual([
      [1, 'sap.s4.beh.salesorder.v1.SalesOrder.Created.v1', { SalesOrder: '1' }],
      [2, 'sap.s4.beh.salesorder.v1.SalesOrder.Changed.v1', { SalesOrder: '1' }],
      [
        3,
        'sap.s4.beh.businesspartner.v1.BusinessPartner.Created.v1',
        { BusinessPartner: '1000000' },
      ],
    ])
    expect(events[0]?.event).toMatchObject({
      specversion: '1.0',
      source: '/default/sap.s4.beh/S4H',
      datacontenttype: 'application/json',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    expect(sim.events(2).events.map((e) => e.seq)).toEqual([3])
  })

  it('carries no state: a consumer reading late sees the state as it is now', async () => {
    const { sim, sap } = await setup()
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('LATE-1'))
    await patch(sap, { CustomerPaymentTerms: '0001' })
    await patch(sap, { CustomerPaymentTerms: '0002' })
    const [created] = sim.events().events
    expect(Object.keys(created?.event.data ?? {})).toEqual(['SalesOrder'])
    const state = await sap.read(`${SO_PATH}/A_SalesOrder('${created?.event.data.SalesOrder}')`)
    expect(state.CustomerPaymentTerms).toBe('0002')
  })

  it('reports a gap when events after the cursor were dropped from the feed', async () => {
    const { sim, sap } = await setup(undefined, { eventFeedCapacity: 2 })
    for (const po of ['G-1', 'G-2', 'G-3']) {
      await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody(po))
    }
    expect(sim.events(0)).toMatchObject({ gap: true, oldestSeq: 2, lastSeq: 3 })
    expect(sim.events(1)).toMatchObject({ gap: false })
  })

  it('publishes a Changed event for a save that changed nothing, and on request without any save', async () => {
    const { sim, sap } = await setup()
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('NOOP-1'))
    expect(await patch(sap, { PurchaseOrderByCustomer: 'NOOP-1' })).toBe(204)
    const emitted = await fetch(`${sim.scenarioUrl}/events/emit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: SAP_EVENT_TYPES.salesOrderChanged, key: '1' }),
    })
    expect(emitted.status).toBe(201)
    expect(sim.events().events.map((e) => e.event.type.split('.')[6])).toEqual([
      'Created',
      'Changed',
      'Changed',
    ])
    expect(sim.ledger().effects[0]).toMatchObject({ creates: 1, updates: 1 })
  })
})

describe('SAP business events (webhooks)', () => {
  it('pushes structured CloudEvents and retries a failed delivery with the same event id', async () => {
    const { sim, sap, hook } = await setup((n) => ({ status: n === 0 ? 500 : 200 }))
    if (!hook) throw new Error('no receiver')
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('HOOK-1'))
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(2)
    expect(hook.received[0]?.headers['content-type']).toBe(
      'application/cloudevents+json; charset=utf-8',
    )
    const [first, retry] = eventsOf(hook)
    expect(retry).toEqual(first)
    expect(first).toMatchObject({
      type: SAP_EVENT_TYPES.salesOrderCreated,
      data: { SalesOrder: '1' },
    })
    expect(sim.eventDeliveries()).toMatchObject([
      { state: 'delivered', attempts: 2, lastStatus: 200 },
    ])
  })

  it('delivers again, same id, when the subscriber answers 200 only after the timeout', async () => {
    const { sim, sap, hook } = await setup((n) => ({ status: 200, delayMs: n === 0 ? 600 : 0 }))
    if (!hook) throw new Error('no receiver')
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('SLOW-1'))
    await sim.deliveriesSettled(5000)
    const ids = eventsOf(hook).map((e) => e.id)
    expect(ids).toHaveLength(2)
    expect(new Set(ids).size).toBe(1)
    const [delivery] = sim.eventDeliveries()
    const redelivered = await fetch(
      `${sim.scenarioUrl}/event-deliveries/${delivery?.deliveryId}/redeliver`,
      {
        method: 'POST',
      },
    )
    expect(redelivered.status).toBe(200)
    expect(new Set(eventsOf(hook).map((e) => e.id))).toEqual(new Set(ids))
    expect(hook.received).toHaveLength(3)
  })

  it('holds deliveries and releases them newest first, so Changed arrives before Created', async () => {
    const { sim, sap, hook } = await setup(() => ({ status: 200 }))
    if (!hook) throw new Error('no receiver')
    await fetch(`${sim.scenarioUrl}/events/hold`, { method: 'POST' })
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('ORD-1'))
    await patch(sap, { CustomerPaymentTerms: '0001' })
    await sim.deliveriesSettled(2000)
    expect(hook.received).toHaveLength(0)
    expect(sim.eventDeliveries().map((d) => d.state)).toEqual(['held', 'held'])
    const released = await fetch(`${sim.scenarioUrl}/events/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: 'reverse' }),
    })
    expect(await released.json()).toEqual({ released: 2 })
    await sim.deliveriesSettled(5000)
    expect(eventsOf(hook).map((e) => String(e.type).split('.')[6])).toEqual(['Changed', 'Created'])
  })

  it('keeps configured subscribers across reset and forgets the feed', async () => {
    const { sim, sap, hook } = await setup(() => ({ status: 200 }))
    if (!hook) throw new Error('no receiver')
    sim.reset()
    expect(sim.events().lastSeq).toBe(0)
    expect(sim.eventSubscriptions().map((s) => s.url)).toEqual([hook.url])
    await sap.refetch()
    await sap.call('POST', `${SO_PATH}/A_SalesOrder`, orderBody('AFTER-RESET'))
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(1)
  })
})
