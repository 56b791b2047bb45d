/** @module test/sandbox/shopify-versions-removal.test — API version fall-forward (REST, GraphQL, webhook payload version) and the deletion of an Admin API subscription after 8 consecutive failed deliveries. */

import { afterEach, describe, expect, it } from 'vitest'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import type {
  ShopifySimulator,
  ShopifySimulatorOptions,
} from '../../src/sandbox/shopify/shopify-simulator.ts'
import { startReceiver } from './sandbox-test-kit.ts'
import type { Receiver } from './sandbox-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startSim(options: ShopifySimulatorOptions = {}): Promise<ShopifySimulator> {
  const sim = createShopifySimulator({ seed: 17, ...options })
  await sim.start()
  cleanups.push(() => sim.stop())
  return sim
}

async function receiver(answer: () => number): Promise<Receiver> {
  const hook = await startReceiver(() => ({ status: answer() }))
  cleanups.push(() => hook.close())
  return hook
}

const call = (sim: ShopifySimulator, version: string, path: string, body?: unknown) =>
  fetch(`${sim.baseUrl}/admin/api/${version}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-shopify-access-token': sim.accessToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

describe('Shopify API version fall-forward', () => {
  it('serves a supported version as asked and an unsupported one as the oldest supported, saying which', async () => {
    const sim = await startSim()
    const served = async (version: string, path = 'orders/count.json') =>
      (await call(sim, version, path)).headers.get('x-shopify-api-version')
    expect(await served('2026-01')).toBe('2026-01')
    expect(await served('2025-07')).toBe('2025-07')
    expect(await served('2025-04')).toBe('2025-04')
    // Removed, never released, or a typo: all fall forward to the oldest supported version.
    expect(await served('2024-01')).toBe('2025-04')
    expect(await served('2025-05')).toBe('2025-04')
    expect(await served('unstable')).toBe('unstable')
    const graphql = await call(sim, '2023-10', 'graphql.json', { query: '{ shop { name } }' })
    expect(graphql.status).toBe(200)
    expect(graphql.headers.get('x-shopify-api-version')).toBe('2025-04')
  })

  it('takes the supported list from the options', async () => {
    const sim = await startSim({
      apiVersion: '2025-10',
      supportedApiVersions: ['2025-07', '2025-10'],
    })
    expect(
      (await call(sim, '2025-04', 'locations.json')).headers.get('x-shopify-api-version'),
    ).toBe('2025-07')
  })

  it('serialises webhooks with the version the subscription was served at', async () => {
    const hook = await receiver(() => 200)
    const sim = await startSim()
    const created = await call(sim, '2024-07', 'webhooks.json', {
      webhook: { topic: 'orders/create', address: hook.url, format: 'json' },
    })
    expect(created.status).toBe(201)
    expect(await created.text()).toContain('"api_version":"2025-04"')
    sim.generateOrders({ count: 1 })
    await sim.deliveriesSettled(5000)
    expect(hook.received[0]?.headers['x-shopify-api-version']).toBe('2025-04')
  })
})

describe('Shopify subscription auto-removal', () => {
  it('deletes an Admin API subscription after 8 consecutive failures across deliveries; a success resets the count', async () => {
    let status = 500
    const hook = await receiver(() => status)
    // One attempt per delivery, so each generated order is one delivery and one attempt.
    const sim = await startSim({ webhookMaxRetries: 0, webhookRemoveAfterFailures: 8 })
    const created = await call(sim, '2026-01', 'webhooks.json', {
      webhook: { topic: 'orders/create', address: hook.url, format: 'json' },
    })
    expect(created.status).toBe(201)
    const failures = () =>
      sim.subscriptions().find((s) => s.source === 'admin')?.consecutiveFailures

    sim.generateOrders({ count: 7 })
    await sim.deliveriesSettled(5000)
    expect(failures()).toBe(7)
    status = 200
    sim.generateOrders({ count: 1 })
    await sim.deliveriesSettled(5000)
    expect(failures()).toBe(0)
    status = 503
    sim.generateOrders({ count: 7 })
    await sim.deliveriesSettled(5000)
    expect(failures()).toBe(7)
    expect(sim.removedSubscriptions()).toEqual([])

    sim.generateOrders({ count: 1 })
    await sim.deliveriesSettled(5000)
    expect(sim.removedSubscriptions()).toEqual([
      expect.objectContaining({
        topic: 'orders/create',
        address: hook.url,
        source: 'admin',
        reason: expect.stringContaining('8 consecutive failed deliveries'),
      }),
    ])
    const listed = await call(sim, '2026-01', 'webhooks.json')
    expect(await listed.json()).toEqual({ webhooks: [] })
    // Gone: later orders are not delivered to it.
    const before = hook.received.length
    sim.generateOrders({ count: 2 })
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(before)
  })

  it('with the default schedule, removes at the 8th failed attempt of one delivery; configured subscribers stay', async () => {
    const hook = await receiver(() => 500)
    const sim = await startSim({
      webhookRetryScheduleMs: [5, 5, 5, 5, 5, 5, 5, 5],
      webhookSubscribers: [{ address: `${hook.url}?config`, topics: ['orders/create'] }],
    })
    await call(sim, '2026-01', 'webhooks.json', {
      webhook: { topic: 'orders/create', address: hook.url, format: 'json' },
    })
    sim.generateOrders({ count: 1 })
    await sim.deliveriesSettled(10_000)
    const removed = sim.removedSubscriptions()
    expect(removed.map((r) => r.source)).toEqual(['admin'])
    // The delivery already triggered keeps its retries (8, so 9 attempts) to its trigger-time address.
    const admin = sim.deliveries().find((d) => d.address === hook.url)
    expect(admin).toMatchObject({ state: 'abandoned', attempts: 9 })
    const config = sim.subscriptions().find((s) => s.source === 'config')
    expect(config).toMatchObject({ consecutiveFailures: 9 })
  })
})
