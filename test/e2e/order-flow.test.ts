/**
 * The first flow end to end, on both store drivers, over real HTTP: Shopify simulator →
 * gateway → engine → NetSuite simulator. Done-when 2, 3 and 6 of the spine issue.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub } from '../../src/server/hub-main.ts'
import { signedShopifyHeaders } from '../support/test-network.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { startHarness, waitFor, type Harness } from '../support/hub-harness.ts'

const pgUrl = await postgresForTests('order flow on PostgreSQL')
const drivers: Array<{ name: string; databaseUrl: string | undefined }> = [
  { name: 'embedded', databaseUrl: undefined },
  ...(pgUrl ? [{ name: 'postgres', databaseUrl: pgUrl }] : []),
]

describe.each(drivers)('order flow on the $name store', ({ databaseUrl }) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ databaseUrl })
  })
  afterAll(async () => {
    await h?.stop()
  })

  const salesOrdersFor = (orderId: string) =>
    h.sandbox.netsuite
      .ledger()
      .effects.filter(
        (e) => e.recordType === 'salesOrder' && e.businessKey === `SHOPIFY-O-${orderId}`,
      )

  it('turns a Shopify order into one NetSuite sales order and records the cross-reference', async () => {
    const { orderIds } = h.sandbox.shopify.generateOrders({ count: 3 })
    expect(orderIds).toHaveLength(3)
    expect(
      await waitFor(() => orderIds.every((id) => salesOrdersFor(id).length === 1), 15_000),
    ).toBe(true)
    for (const id of orderIds) {
      // The order's int64 id survives exactly, end to end.
      const so = h.sandbox.netsuite.records.get('salesOrder', `eid:SHOPIFY-O-${id}`)
      expect(so).toBeDefined()
      const refs = await fetch(
        `${h.hub.url}/api/v1/cross-references?businessKey=shopify:order:${id}`,
      )
      const body = (await refs.json()) as {
        crossReferences: Array<{ sourceId: string; targetId: string }>
      }
      expect(body.crossReferences).toEqual([
        expect.objectContaining({ sourceId: id, targetId: so?.id }),
      ])
    }
    // The order propagation SLI counts each order the ERP acknowledged, once (the first test:
    // nothing else has been sent to this hub yet).
    const scrape = await (await fetch(`${h.hub.url}/metrics`)).text()
    expect(scrape).toContain('syncline_sli_order_propagation_samples 3\n')
    expect(scrape).toMatch(/syncline_sli_order_propagation_seconds\{quantile="0\.95"\} \d/)
  })

  it('applies the same webhook delivered 5 times exactly once', async () => {
    const { orderIds } = h.sandbox.shopify.generateOrders({ count: 1 })
    const orderId = orderIds[0] ?? ''
    expect(await waitFor(() => salesOrdersFor(orderId).length === 1, 15_000)).toBe(true)
    const delivery = h.sandbox.shopify.deliveries().find((d) => d.orderId === orderId)
    expect(delivery?.state).toBe('delivered')
    for (let i = 0; i < 4; i++) {
      const again = await h.sandbox.shopify.redeliver(delivery?.webhookId ?? '')
      expect(again?.lastStatus).toBe(200)
    }
    await new Promise((r) => setTimeout(r, 500))
    const effect = salesOrdersFor(orderId)[0]
    expect(effect).toMatchObject({ creates: 1, writes: 1 })
    const runs = await (
      await fetch(`${h.hub.url}/api/v1/runs?businessKey=shopify:order:${orderId}`)
    ).json()
    expect((runs as { runs: unknown[] }).runs).toHaveLength(1)
  })

  it('rejects a forged signature with 401 and stores nothing', async () => {
    const before = await stats(h)
    const body = JSON.stringify({ id: 7_000_000_000_000_001, line_items: [] })
    const response = await fetch(`${h.hub.url}/webhooks/shopify/demo`, {
      method: 'POST',
      headers: signedShopifyHeaders(body, 'not-the-secret'),
      body,
    })
    expect(response.status).toBe(401)
    const after = await stats(h)
    expect(after.inboxMessages).toBe(before.inboxMessages)
  })

  it('dead-letters a NetSuite validation error after one attempt, and replay delivers it once after the fix', async () => {
    // An item NetSuite does not know: INVALID_VALUE on item.items[0].item.
    h.sandbox.netsuite.records.remove('inventoryItem', 'eid:SKU-13')
    const { orderIds } = h.sandbox.shopify.generateOrders({ count: 1, skus: ['SKU-13'] })
    const orderId = orderIds[0] ?? ''
    const key = `shopify:order:${orderId}`
    const dead = await waitFor(
      async () => (await deadLetters(h)).some((d) => d.businessKey === key),
      15_000,
    )
    expect(dead).toBe(true)
    const letter = (await deadLetters(h)).find((d) => d.businessKey === key)
    expect(letter?.attempts).toBe(1)
    expect(letter?.reason).toMatch(/validation/)
    expect(letter?.error).toMatchObject({ type: 'validation', code: 'INVALID_VALUE' })
    expect(salesOrdersFor(orderId)).toHaveLength(0)

    // The operator fixes the data in NetSuite, then replays.
    h.sandbox.netsuite.records.put('inventoryItem', { externalId: 'SKU-13', itemId: 'SKU-13' })
    const replay = await fetch(`${h.hub.url}/api/v1/dlq/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runIds: [letter?.runId] }),
    })
    expect(replay.status).toBe(200)
    expect(await waitFor(() => salesOrdersFor(orderId)[0]?.creates === 1, 15_000)).toBe(true)
    expect(salesOrdersFor(orderId)[0]).toMatchObject({ creates: 1, writes: 1 })
    // Replaying again has no new effect.
    await fetch(`${h.hub.url}/api/v1/dlq/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runIds: [letter?.runId] }),
    })
    await new Promise((r) => setTimeout(r, 300))
    expect(salesOrdersFor(orderId)[0]).toMatchObject({ creates: 1, writes: 1 })
  })
})

describe('webhook secret rotation', () => {
  let h: Harness
  const oldSecret = 'old-secret-0123456789'
  const newSecret = 'new-secret-9876543210'
  beforeAll(async () => {
    h = await startHarness({
      sandbox: { shopify: { webhookSecret: newSecret } },
    })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('accepts the previous secret inside the rotation window and rejects it after', async () => {
    const shopify = (h.configJson.connections as { shopify: { demo: Record<string, unknown> } })
      .shopify.demo
    const rotatedAt = Date.now() - 10 * 60_000
    const config = (window: number) =>
      parseHubConfig({
        ...h.configJson,
        connections: {
          ...(h.configJson.connections as object),
          shopify: {
            demo: {
              ...shopify,
              webhookSecrets: [
                { secret: oldSecret },
                { secret: newSecret, activeFrom: new Date(rotatedAt).toISOString() },
              ],
              rotationWindowMs: window,
            },
          },
        },
      })
    for (const [window, expected] of [
      [3_600_000, 200],
      [60_000, 401],
    ] as const) {
      const hub = await startHub({
        port: 0,
        host: '127.0.0.1',
        demo: false,
        sandbox: false,
        dataDir: join(h.dataDir, `rotation-${window}`),
        logLevel: 'silent',
        logFile: join(h.dataDir, `rotation-${window}.log`),
        allowUnsafeDurability: false,
        print: () => {},
        config: config(window),
      })
      try {
        const body = JSON.stringify({ id: 5_000_000_000_000_001 + window, line_items: [] })
        const old = await fetch(`${hub.url}/webhooks/shopify/demo`, {
          method: 'POST',
          headers: signedShopifyHeaders(body, oldSecret, h.sandbox.shopify.shopDomain),
          body,
        })
        expect(old.status).toBe(expected)
        const fresh = await fetch(`${hub.url}/webhooks/shopify/demo`, {
          method: 'POST',
          headers: signedShopifyHeaders(body, newSecret, h.sandbox.shopify.shopDomain),
          body,
        })
        expect(fresh.status).toBe(200)
      } finally {
        await hub.stop()
      }
    }
  })
})

async function stats(h: Harness): Promise<{ inboxMessages: number }> {
  return (await (await fetch(`${h.hub.url}/api/v1/stats`)).json()) as { inboxMessages: number }
}

async function deadLetters(h: Harness): Promise<
  Array<{
    runId: string
    businessKey: string
    attempts: number
    reason: string
    error: Record<string, unknown>
  }>
> {
  const body = await (await fetch(`${h.hub.url}/api/v1/dlq`)).json()
  return (body as { deadLetters: never[] }).deadLetters
}
