/**
 * The gateway never answers 2xx for a webhook it could not commit: with PostgreSQL refusing
 * connections the hub answers 503 with Retry-After, and once the database is back the same
 * webhook (Shopify retries with the same Webhook-Id) is committed and delivered exactly once.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, waitFor, type Harness } from '../support/hub-harness.ts'
import { signedShopifyHeaders } from '../support/test-network.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const url = await postgresForTests('store outage on PostgreSQL')

describe.runIf(url)('webhooks while PostgreSQL is unreachable', () => {
  const name = `syncline_outage_${randomBytes(4).toString('hex')}`
  let h: Harness
  const admin = async (text: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(text)
    } finally {
      await client.end()
    }
  }
  beforeAll(async () => {
    await admin(`create database ${name}`)
    const target = new URL(url ?? '')
    target.pathname = `/${name}`
    h = await startHarness({ databaseUrl: target.toString() })
  })
  afterAll(async () => {
    await admin(`alter database ${name} allow_connections true`).catch(() => {})
    await h?.stop().catch(() => {})
    await admin(`drop database if exists ${name} with (force)`)
  })

  it('answers 503 with Retry-After during the outage and commits the retry once it is over', async () => {
    const shop = h.sandbox.shopify
    const body =
      shop.orderJson(h.sandbox.shopify.generateOrders({ count: 1 }).orderIds[0] ?? '') ?? ''
    expect(
      await waitFor(() => h.sandbox.netsuite.records.list('salesOrder').length === 1, 15_000),
    ).toBe(true)

    await admin(`alter database ${name} allow_connections false`)
    await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`)
    const headers = signedShopifyHeaders(body, shop.webhookSecret, shop.shopDomain)
    const during = await fetch(`${h.hub.url}/webhooks/shopify/demo`, {
      method: 'POST',
      headers,
      body,
    })
    expect(during.status).toBe(503)
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/)
    const ready = await fetch(`${h.hub.url}/readyz`)
    expect(ready.status).toBe(503)

    await admin(`alter database ${name} allow_connections true`)
    const after = await waitFor(
      async () => {
        const r = await fetch(`${h.hub.url}/webhooks/shopify/demo`, {
          method: 'POST',
          headers,
          body,
        })
        return r.status === 200
      },
      20_000,
      250,
    )
    expect(after).toBe(true)
    // The retried delivery is a duplicate of an order already applied: still one sales order.
    await new Promise((r) => setTimeout(r, 500))
    expect(h.sandbox.netsuite.records.list('salesOrder')).toHaveLength(1)
  }, 60_000)
})
