/** @module test/sandbox/threepl-webhooks.test — outbound webhooks to real HTTP receivers: subscriptions, payloads, fan-out, retries on the spec's schedule and on the clock, Retry-After, 410, disabling, redelivery. */

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
  startHookReceiver,
  startThreePl,
  until,
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

describe('3PL webhook subscriptions and payloads', () => {
  it('registers an endpoint through POST /v1/webhooks and sends it only the events it asked for', async () => {
    const hook = await startHookReceiver(undefined, cleanups)
    const sim = await startThreePl({}, cleanups)
    const api = apiClient(sim)
    const created = await api.call('POST', '/v1/webhooks', {
      url: hook.url,
      events: ['shipment.confirmed'],
      description: 'hub',
    })
    expect(created.status).toBe(201)
    const endpoint = (await created.json()) as { id: string; secret: string; events: string[] }
    expect(endpoint).toMatchObject({
      events: ['shipment.confirmed'],
      disabled: false,
      source: 'api',
    })
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const id = await shipOne(sim, 'H-1')
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(1)
    const [received] = hook.received
    if (!received) throw new Error('no delivery')
    expect(received.headers['content-type']).toBe('application/json')
    expect(received.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(received.headers['webhook-timestamp']).toMatch(/^\d{10}$/)
    expect(received.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    const payload = payloadOf(received)
    expect(payload).toMatchObject({
      type: 'shipment.confirmed',
      sequence: 1,
      data: {
        fulfillment_order_id: id,
        external_reference: 'H-1',
        carrier: 'UPS',
        tracking_number: '1ZH-1',
        warehouse: 'WH-EAST',
        lines: [{ line_number: 1, sku: 'SKU-1', quantity: 2 }],
      },
    })
    expect((payload as unknown as { timestamp: string }).timestamp).toBe(payload.data.occurred_at)
    // The inventory.adjusted that followed the shipment was not for this endpoint.
    expect(sim.events().map((e) => e.type)).toEqual(['shipment.confirmed', 'inventory.adjusted'])

    const secret = await api.call('GET', `/v1/webhooks/${endpoint.id}/secret`)
    expect(await secret.json()).toEqual({ secret: endpoint.secret })
    expect((await api.call('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(204)
    await shipOne(sim, 'H-2')
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(1)
    expect(sim.ledger().effects.find((e) => e.recordType === 'webhook_endpoint')).toMatchObject({
      creates: 1,
      deletes: 1,
    })
  })

  it('refuses a bad endpoint with 422 field errors', async () => {
    const sim = await startThreePl({}, cleanups)
    const response = await apiClient(sim).call('POST', '/v1/webhooks', {
      url: 'ftp://example.com',
      events: ['shipment.confirmed', 'order.teleported'],
      secret: 'whsec_short',
    })
    expect(response.status).toBe(422)
    const body = (await response.json()) as { error: { errors: { field: string }[] } }
    expect(body.error.errors.map((e) => e.field)).toEqual(['url', 'events[1]', 'secret'])
  })

  it('sends inventory.adjusted with sku, warehouse, delta, new on hand and reason; sequences only grow', async () => {
    const { sim, hook } = await setup()
    adjust(sim, 5)
    adjust(sim, -2)
    await shipOne(sim, 'H-3')
    await sim.deliveriesSettled(5000)
    const payloads = hook.received.map(payloadOf).sort((a, b) => a.sequence - b.sequence)
    expect(payloads.map((p) => p.sequence)).toEqual([1, 2, 3, 4])
    expect(payloads[0]?.data).toMatchObject({
      sku: 'SKU-7',
      warehouse: 'WH-WEST',
      delta: 5,
      on_hand: 30,
      previous_on_hand: 25,
      reason: 'correction',
    })
    expect(payloads[3]).toMatchObject({
      type: 'inventory.adjusted',
      data: { sku: 'SKU-1', delta: -2, on_hand: 98, reason: 'shipment' },
    })
    const times = payloads.map((p) => Date.parse(String(p.data.occurred_at)))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
  })

  it('fans one event out to two endpoints with the same webhook-id and bytes', async () => {
    const { sim, hook } = await setup()
    const second = await startHookReceiver(undefined, cleanups)
    sim.addWebhookSubscriber({ url: second.url })
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(1)
    expect(second.received).toHaveLength(1)
    expect(second.received[0]?.headers['webhook-id']).toBe(hook.received[0]?.headers['webhook-id'])
    expect(second.received[0]?.body.equals(hook.received[0]?.body ?? Buffer.alloc(0))).toBe(true)
    // Each endpoint has its own secret, so the signatures differ.
    expect(second.received[0]?.headers['webhook-signature']).not.toBe(
      hook.received[0]?.headers['webhook-signature'],
    )
  })
})

describe('3PL webhook retries', () => {
  it('retries a non-2xx with the same id and body until a 2xx, per the schedule', async () => {
    const { sim, hook } = await setup((n) => ({ status: n < 2 ? 500 : 200 }))
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(3)
    const [first, ...retries] = hook.received
    for (const retry of retries) {
      expect(retry.headers['webhook-id']).toBe(first?.headers['webhook-id'])
      expect(retry.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true)
    }
    const listed = (await (await fetch(`${sim.scenarioUrl}/webhooks/deliveries`)).json()) as {
      deliveries: { state: string; attempts: number; history: { kind: string; status: number }[] }[]
    }
    expect(listed.deliveries).toHaveLength(1)
    expect(listed.deliveries[0]).toMatchObject({ state: 'delivered', attempts: 3 })
    expect(listed.deliveries[0]?.history.map((a) => `${a.kind}:${a.status}`)).toEqual([
      'initial:500',
      'retry:500',
      'retry:200',
    ])
  })

  it('treats a receiver slower than the timeout as a failure, so a late 200 is followed by a retry', async () => {
    const { sim, hook } = await setup((n) => ({ status: 200, delayMs: n === 0 ? 1000 : 0 }), {
      webhookTimeouts: { totalMs: 300 },
    })
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    const [delivery] = sim.deliveries()
    expect(delivery?.state).toBe('delivered')
    expect(delivery?.history[0]?.status).toBeNull()
    expect(delivery?.history[0]?.error).toBeTruthy()
    // The receiver saw the same message twice: the consumer must dedupe by webhook-id.
    expect(hook.received).toHaveLength(2)
    expect(hook.received[1]?.headers['webhook-id']).toBe(hook.received[0]?.headers['webhook-id'])
  })

  it("follows the spec's schedule in simulator time: skipping the clock makes each retry go at once", async () => {
    const frozen = Date.now()
    const { sim, hook } = await setup((n) => ({ status: n < 3 ? 503 : 204 }), {
      webhookRetryScheduleMs: undefined,
      now: () => frozen,
    })
    adjust(sim, 1)
    await until(() => sim.deliveries()[0]?.attempts === 1)
    const pending = sim.deliveries()[0]
    expect(pending?.state).toBe('pending')
    expect(Date.parse(pending?.nextAttemptAt ?? '') - sim.now()).toBe(5000)
    for (const [skip, attempts] of [
      [5000, 2],
      [300_000, 3],
      [1_800_000, 4],
    ] as const) {
      await simPost(sim, '/clock', { advanceMs: skip })
      await until(() => sim.deliveries()[0]?.attempts === attempts)
    }
    await sim.deliveriesSettled(5000)
    expect(sim.deliveries()[0]?.state).toBe('delivered')
    // Each attempt is stamped with its own time: 0, +5 s, +5 min 5 s, +35 min 5 s.
    const stamps = sim.deliveries()[0]?.history.map((a) => a.webhookTimestamp) ?? []
    expect(stamps.map((s) => s - (stamps[0] ?? 0))).toEqual([0, 5, 305, 2105])
    expect(hook.received.map((h) => h.headers['webhook-timestamp'])).toEqual(stamps.map(String))
  })

  it("honours a receiver's Retry-After when it asks for longer than the schedule", async () => {
    const { sim } = await setup((n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 204 },
    )
    adjust(sim, 1)
    await until(() => sim.deliveries()[0]?.attempts === 1)
    const [delivery] = sim.deliveries()
    const wait =
      Date.parse(delivery?.nextAttemptAt ?? '') - Date.parse(delivery?.history[0]?.at ?? '')
    expect(wait).toBeGreaterThanOrEqual(30_000)
    await simPost(sim, '/clock', { advanceMs: 30_000 })
    await sim.deliveriesSettled(5000)
    expect(sim.deliveries()[0]).toMatchObject({ state: 'delivered', attempts: 2 })
  })

  it('stops and disables the endpoint on 410 Gone; enabling it lets later events through', async () => {
    const { sim, hook } = await setup((n) => ({ status: n === 0 ? 410 : 204 }))
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    expect(sim.deliveries()[0]).toMatchObject({ state: 'disabled', attempts: 1, lastStatus: 410 })
    const [endpoint] = sim.webhookEndpoints()
    expect(endpoint).toMatchObject({
      disabled: true,
      disabled_reason: expect.stringContaining('410'),
    })
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(1)
    const enabled = await apiClient(sim).call('POST', `/v1/webhooks/${endpoint?.id}/enable`)
    expect(enabled.status).toBe(200)
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    expect(hook.received.map((h) => payloadOf(h).sequence)).toEqual([1, 3])
  })

  it('gives up after the last retry, disables a long-failing endpoint, and redelivers by hand after', async () => {
    let healthy = false
    const { sim, hook } = await setup(() => ({ status: healthy ? 200 : 500 }), {
      webhookMaxRetries: 2,
      webhookDisableAfterMs: 0,
    })
    adjust(sim, 1)
    await sim.deliveriesSettled(5000)
    const [failed] = sim.deliveries()
    expect(failed).toMatchObject({ state: 'failed', attempts: 3, lastStatus: 500 })
    expect(sim.webhookEndpoints()[0]?.disabled).toBe(true)
    const refused = await simPost(sim, `/webhooks/deliveries/${failed?.deliveryId}/redeliver`)
    expect(refused.status).toBe(409)
    healthy = true
    await apiClient(sim).call('POST', `/v1/webhooks/${failed?.endpointId}/enable`)
    const redelivered = await simPost(sim, `/webhooks/deliveries/${failed?.deliveryId}/redeliver`)
    expect(redelivered.status).toBe(200)
    expect(await redelivered.json()).toMatchObject({
      delivery: { state: 'delivered', attempts: 4 },
    })
    expect(hook.received).toHaveLength(4)
    expect(new Set(hook.received.map((h) => h.headers['webhook-id'])).size).toBe(1)
  })
})
