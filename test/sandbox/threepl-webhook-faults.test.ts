/** @module test/sandbox/threepl-webhook-faults.test — scripted webhook faults against a real HTTP receiver: duplicates, reordering (held back or timed out), the fault script's checks, and what reset keeps. */

import { afterEach, describe, expect, it } from 'vitest'
import type {
  ThreePlSimulator,
  ThreePlSimulatorOptions,
} from '../../src/sandbox/threepl/threepl-simulator.ts'
import {
  adjustSku7,
  apiClient,
  shipOne,
  startWebhookEstate,
  payloadOf,
  simPost,
} from './threepl-test-kit.ts'
import type { Hook, HookAnswer, HookReceiver } from './threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const setup = (
  answer?: (n: number, hook: Hook) => HookAnswer,
  options?: ThreePlSimulatorOptions,
): Promise<{ sim: ThreePlSimulator; hook: HookReceiver }> =>
  startWebhookEstate(cleanups, answer, options)
const adjust = adjustSku7

describe('3PL webhook faults', () => {
  it('duplicate: the same message arrives twice after a 2xx', async () => {
    const { sim, hook } = await setup()
    const set = await simPost(sim, '/webhooks/faults', {
      sequence: ['duplicate'],
      duplicateDelayMs: 20,
    })
    expect(set.status).toBe(200)
    await shipOne(sim, 'F-1')
    await sim.deliveriesSettled(5000)
    const shipments = hook.received.filter((h) => payloadOf(h).type === 'shipment.confirmed')
    expect(shipments).toHaveLength(2)
    expect(shipments[1]?.headers['webhook-id']).toBe(shipments[0]?.headers['webhook-id'])
    expect(shipments[1]?.body.equals(shipments[0]?.body ?? Buffer.alloc(0))).toBe(true)
    const delivery = sim.deliveries().find((d) => d.eventType === 'shipment.confirmed')
    expect(delivery).toMatchObject({ fault: 'duplicate', state: 'delivered' })
    expect(delivery?.history.map((a) => a.kind)).toEqual(['initial', 'duplicate'])
    expect(hook.received.filter((h) => payloadOf(h).type === 'inventory.adjusted')).toHaveLength(1)
  })

  it('out of order: a held event arrives after the newer one, and the sequence puts them back', async () => {
    const { sim, hook } = await setup()
    sim.setWebhookFaults({ sequence: ['outOfOrder', 'none'] })
    adjust(sim, 3)
    adjust(sim, -1)
    await sim.deliveriesSettled(5000)
    const arrived = hook.received.map((h) => payloadOf(h))
    expect(arrived.map((p) => p.sequence)).toEqual([2, 1])
    const ordered = [...arrived].sort((a, b) => a.sequence - b.sequence)
    expect(ordered.map((p) => p.data.on_hand)).toEqual([28, 27])
    expect(sim.deliveries().map((d) => `${d.sequence}:${d.fault}:${d.state}`)).toEqual([
      '1:outOfOrder:delivered',
      '2:none:delivered',
    ])
  })

  it('out of order with nothing newer: the held event goes after holdMs', async () => {
    const { sim, hook } = await setup()
    sim.setWebhookFaults({ faults: { outOfOrder: 1 }, holdMs: 100 })
    adjust(sim, 1)
    expect(sim.deliveries()[0]?.state).toBe('held')
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(1)
  })

  it('refuses an invalid fault script and reports the seed and decisions', async () => {
    const { sim } = await setup()
    expect(
      (await simPost(sim, '/webhooks/faults', { faults: { duplicate: 0.8, outOfOrder: 0.8 } }))
        .status,
    ).toBe(400)
    expect((await simPost(sim, '/webhooks/faults', { faults: { lost: 1 } })).status).toBe(400)
    await simPost(sim, '/webhooks/faults', { seed: 5, faults: { duplicate: 0.5 } })
    adjust(sim, 1)
    const state = (await (await fetch(`${sim.scenarioUrl}/webhooks/faults`)).json()) as {
      seed: number
      decided: number
    }
    expect(state).toMatchObject({ seed: 5, decided: 1 })
    await sim.deliveriesSettled(5000)
  })

  it('reset drops API endpoints and deliveries, and keeps configured endpoints with their secret', async () => {
    const { sim, hook } = await setup()
    const configured = sim.webhookEndpoints()[0]
    await apiClient(sim).call('POST', '/v1/webhooks', {
      url: hook.url,
      events: ['inventory.adjusted'],
    })
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    expect(sim.deliveries()).toHaveLength(2)
    sim.reset()
    expect(sim.deliveries()).toEqual([])
    expect(sim.webhookEndpoints()).toEqual([
      expect.objectContaining({ url: hook.url, source: 'config', secret: configured?.secret }),
    ])
  })
})
