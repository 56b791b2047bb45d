/**
 * Order to cash on a running hub, bound by configuration only: a 3PL connection and a
 * `shopify-order-to-cash` flow binding in the hub config, the 3PL's signed webhooks into the
 * gateway (which signals the waiting runs), exception tasks decided over the operator API, and the
 * invoice SLI on /metrics. The 200-order run with every simulator read is
 * test/flows/order-to-cash-netsuite.test.ts; this proves the hub wires the same flow.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { parseShopifyConnectionConfig } from '../../src/connectors/shopify/shopify-spec.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { shopifyConnectionFields } from '../../src/sandbox/sandbox-connections.ts'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { FAST_WEBHOOK_RETRIES, harnessConfig, waitFor } from '../support/hub-harness.ts'

const NORMAL = 8
let sandbox: Sandbox
let threepl: ThreePlSimulator
let hub: RunningHub
let dir: string
let admin: ShopifyAdminClient

beforeAll(async () => {
  sandbox = await startSandbox({
    shopify: {
      webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES,
      bucketSize: 4000,
      leakPerSecond: 2000,
    },
    threepl: {
      inventory: [
        { sku: 'SKU-1', warehouse: 'WH-EAST', onHand: 1_000 },
        { sku: 'SKU-2', warehouse: 'WH-EAST', onHand: 1_000 },
      ],
      progression: { allocateAfterMs: 0, pickAfterMs: 0, shipAfterMs: 0 },
      progressionTickMs: 50,
      webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES,
    },
  })
  if (sandbox.threepl === undefined) throw new Error('sandbox started without the 3PL')
  threepl = sandbox.threepl
  const shopify = sandbox.simulators.find((s) => s.name === 'shopify')
  if (shopify?.name !== 'shopify') throw new Error('sandbox started without Shopify')
  admin = new ShopifyAdminClient(parseShopifyConnectionConfig(shopifyConnectionFields(shopify)))
  dir = await mkdtemp(join(tmpdir(), 'syncline-otc-hub-'))
  const secret = `whsec_${randomBytes(24).toString('base64')}`
  const base = harnessConfig(sandbox)
  const config = parseHubConfig({
    ...base,
    connections: {
      ...base.connections,
      threepl: {
        demo: { baseUrl: threepl.baseUrl, apiKey: threepl.apiKey, webhookSecrets: [secret] },
      },
    },
    flows: [
      {
        flow: 'shopify-order-to-cash',
        shopifyConnection: 'demo',
        erp: 'netsuite',
        erpConnection: 'demo',
        threeplConnection: 'demo',
        policy: { exceptionAssignee: 'order-desk', shipmentTimeoutMs: 600_000 },
      },
    ],
  })
  hub = await startHub({
    port: 0,
    host: '127.0.0.1',
    demo: false,
    sandbox: false,
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    logFile: join(dir, 'hub.log'),
    allowUnsafeDurability: false,
    print: () => {},
    config,
  })
  sandbox.shopify.addWebhookSubscriber({
    address: `${hub.url}/webhooks/shopify/demo`,
    topics: ['orders/create'],
  })
  threepl.addWebhookSubscriber({ url: `${hub.url}/webhooks/threepl/demo`, secret })
}, 60_000)

afterAll(async () => {
  await hub?.stop()
  await sandbox?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

async function placeOrder(n: number, sku: string): Promise<string> {
  const order = await admin.createOrder({
    line_items: [{ sku, quantity: 1 }],
    financial_status: 'authorized',
    email: `buyer-${n}@example.com`,
    customer: { email: `buyer-${n}@example.com`, first_name: 'Buyer', last_name: `No${n}` },
    shipping_address: {
      first_name: 'Buyer',
      last_name: `No${n}`,
      address1: `${n} Main Street`,
      city: 'Springfield',
      province_code: 'IL',
      zip: '62701',
      country_code: 'US',
    },
  })
  return String(order.id)
}

interface Task {
  id: string
  assignee: string
  subject: { orderKey: string }
}

async function openTasks(): Promise<Task[]> {
  const response = await fetch(`${hub.url}/api/v1/approvals?state=open`)
  return ((await response.json()) as { approvals: Task[] }).approvals
}

describe('order to cash on a configured hub', () => {
  it('ships, invoices and settles orders; a warehouse refusal is cancelled with a task', async () => {
    const ids = await Promise.all(
      Array.from({ length: NORMAL }, (_, n) => placeOrder(n, `SKU-${(n % 2) + 1}`)),
    )
    // NetSuite has the item; the warehouse does not carry it, so it refuses the fulfillment.
    const refused = await placeOrder(99, 'SKU-20')
    const ns = sandbox.netsuite.records
    const invoiced = (id: string): boolean => {
      const so = ns.get('salesOrder', `eid:SHOPIFY-O-${id}`)
      return (
        so !== undefined &&
        ns
          .list('invoice')
          .some((r) => (r.fields.createdFrom as { id?: string } | undefined)?.id === so.id)
      )
    }
    // Payment is the saga's last step: once every order is paid, every step before it is done.
    const paid = (id: string): boolean =>
      (JSON.parse(sandbox.shopify.orderJson(id) ?? 'null') as { financial_status?: string } | null)
        ?.financial_status === 'paid'
    expect(await waitFor(() => ids.every((id) => invoiced(id) && paid(id)), 45_000)).toBe(true)
    const tasked = await waitFor(async () => (await openTasks()).length === 1, 20_000)
    expect(tasked).toBe(true)

    const [task] = await openTasks()
    expect(task).toMatchObject({
      assignee: 'order-desk',
      subject: { orderKey: `shopify:order:${refused}` },
    })
    const decided = await fetch(`${hub.url}/api/v1/approvals/${task?.id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'customer told', by: 'desk@example.com' }),
    })
    expect(decided.status).toBe(200)

    for (const id of ids) {
      expect(threepl.order(`SHOPIFY-O-${id}`)?.status).toBe('shipped')
      const order = JSON.parse(sandbox.shopify.orderJson(id) ?? 'null') as {
        financial_status: string
        fulfillment_status: string | null
      }
      expect(order).toMatchObject({ financial_status: 'paid', fulfillment_status: 'fulfilled' })
    }
    const cancelled = JSON.parse(sandbox.shopify.orderJson(refused) ?? 'null') as {
      cancelled_at: string | null
    }
    expect(cancelled.cancelled_at).not.toBeNull()

    // Each order's invoice was asked for once and made once: accuracy 1 over the eight.
    const scrape = await (await fetch(`${hub.url}/metrics`)).text()
    expect(scrape).toContain(`syncline_sli_invoices{basis="ledger"} ${NORMAL}\n`)
    expect(scrape).toContain('syncline_sli_invoice_sync_accuracy{basis="ledger"} 1\n')
    // Reconciliation's SLIs are on the same scrape (no breaks opened here: closure 1, none open).
    expect(scrape).toContain('syncline_reconciliation_closure_ratio 1\n')
    expect(scrape).toContain('syncline_reconciliation_breaks{state="unresolved"} 0\n')
  })
})
