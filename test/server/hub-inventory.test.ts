// The inventory process bound by configuration only (a `threepl-inventory` flow binding), on a hub
// started in-process over PostgreSQL with the 3PL, NetSuite and Shopify simulators over HTTP: the
// 3PL's signed inventory webhook reaches the gateway and sets the level in NetSuite and Shopify
// once each; a NetSuite level changed behind the hub's back is found by the reconciliation started
// over the operator API (one run at a time) and healed once. Config errors: hub-inventory-config.test.ts.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { CATALOGUE } from '../../src/sandbox/shopify/shopify-store.ts'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { dropSchema, FAST_WEBHOOK_RETRIES, harnessConfig, waitFor } from '../support/hub-harness.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const pgUrl = await postgresForTests('hub inventory')
const SKUS = CATALOGUE.map((c) => c.sku)
/** NetSuite's WH-MAIN and Shopify's main location both start every SKU at 100: so does the 3PL. */
const WAREHOUSE = 'WH-MAIN'
const SHOP_LOCATION = '655441491'

const binding = {
  flow: 'threepl-inventory',
  threeplConnection: 'demo',
  erp: 'netsuite',
  erpConnection: 'demo',
  shopifyConnection: 'demo',
  warehouses: { [WAREHOUSE]: { netsuiteLocation: WAREHOUSE, shopifyLocationId: SHOP_LOCATION } },
  policy: { assignee: 'inventory-ops', maxAutoHealDiff: 1_000 },
}

describe.skipIf(pgUrl === undefined)('inventory bound in the hub', () => {
  let sandbox: Sandbox
  let threepl: ThreePlSimulator
  let hub: RunningHub
  let dir: string
  const schema = `hub_inv_${randomBytes(5).toString('hex')}`

  beforeAll(async () => {
    sandbox = await startSandbox({
      threepl: {
        inventory: SKUS.map((sku) => ({ sku, warehouse: WAREHOUSE, onHand: 100 })),
        progressionTickMs: 0,
        webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES,
      },
    })
    if (sandbox.threepl === undefined) throw new Error('sandbox started without the 3PL')
    threepl = sandbox.threepl
    dir = await mkdtemp(join(tmpdir(), 'syncline-inventory-hub-'))
    const secret = `whsec_${randomBytes(24).toString('base64')}`
    const base = harnessConfig(sandbox)
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
      databaseUrl: pgUrl,
      schema,
      config: parseHubConfig({
        ...base,
        connections: {
          ...base.connections,
          threepl: {
            demo: { baseUrl: threepl.baseUrl, apiKey: threepl.apiKey, webhookSecrets: [secret] },
          },
        },
        flows: [binding],
      }),
    })
    threepl.addWebhookSubscriber({
      url: `${hub.url}/webhooks/threepl/demo`,
      secret,
      events: ['inventory.adjusted'],
    })
  }, 60_000)

  afterAll(async () => {
    await hub?.stop()
    await sandbox?.stop()
    if (pgUrl !== undefined) await dropSchema(pgUrl, schema)
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  const netsuiteOnHand = (sku: string) =>
    sandbox.netsuite.inventory
      .levels(`eid:${sku}`)
      ?.find((l) => l.location.externalId === WAREHOUSE)?.level.quantityOnHand

  /** Committed level writes per SKU: NetSuite's at WH-MAIN, Shopify's at the main location. */
  const writes = () => {
    const ns = new Map(
      sandbox.netsuite
        .ledger()
        .effects.filter((e) => e.recordType === 'inventoryLevel')
        .map((e) => [e.businessKey, e.writes]),
    )
    const skuOf = new Map(CATALOGUE.map((c) => [`${c.inventoryItemId}:${SHOP_LOCATION}`, c.sku]))
    const shop = new Map(
      sandbox.shopify
        .ledger()
        .effects.filter((e) => e.recordType === 'inventory_level')
        .flatMap((e) => {
          const sku = skuOf.get(e.businessKey)
          return sku === undefined ? [] : [[sku, e.writes] as const]
        }),
    )
    return {
      netsuite: (sku: string) => ns.get(`${sku}@${WAREHOUSE}`) ?? 0,
      shopify: (sku: string) => shop.get(sku) ?? 0,
    }
  }

  const shopifyAvailable = (sku: string): unknown => {
    const item = CATALOGUE.find((c) => c.sku === sku)
    return sandbox.shopify
      .inventoryLevels()
      .find(
        (l) =>
          l.inventory_item_id === item?.inventoryItemId && l.location_id === BigInt(SHOP_LOCATION),
      )?.available
  }

  async function call(path: string, body?: unknown) {
    const response = await fetch(`${hub.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, json: (await response.json()) as Record<string, unknown> }
  }

  const runsOf = (flowName: string, sku: string) =>
    hub.store.runList({
      tenantId: 'default',
      flowName,
      businessKey: `threepl:inventory:${sku}@${WAREHOUSE}`,
      limit: 10,
    })

  it('sets a 3PL level change in NetSuite and Shopify, once each, through the gateway', async () => {
    const before = writes()
    const response = await fetch(`${threepl.baseUrl}/__sim/inventory/adjust`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'SKU-1', warehouse: WAREHOUSE, reason: 'receipt', quantity: 5 }),
    })
    expect(response.status).toBeLessThan(300)
    const done = await waitFor(async () => {
      const runs = [
        ...(await runsOf('inventory-to-netsuite', 'SKU-1')),
        ...(await runsOf('inventory-to-shopify', 'SKU-1')),
      ]
      return runs.length === 2 && runs.every((r) => r.state === 'completed')
    }, 30_000)
    expect(done).toBe(true)
    expect(netsuiteOnHand('SKU-1')).toBe(105)
    expect(shopifyAvailable('SKU-1')).toBe(105)
    const after = writes()
    expect([after.netsuite('SKU-1') - before.netsuite('SKU-1')]).toEqual([1])
    expect([after.shopify('SKU-1') - before.shopify('SKU-1')]).toEqual([1])
    // The webhook's retry schedule is done and nothing else was set anywhere.
    await threepl.deliveriesSettled(10_000)
    for (const sku of SKUS.filter((s) => s !== 'SKU-1')) {
      expect([sku, after.netsuite(sku), after.shopify(sku)]).toEqual([
        sku,
        before.netsuite(sku),
        before.shopify(sku),
      ])
    }
  }, 60_000)

  it('finds a NetSuite level changed behind its back on request, one run at a time, and heals it once', async () => {
    const drift = await fetch(`${sandbox.netsuite.baseUrl}/__sim/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'eid:SKU-7', location: `eid:${WAREHOUSE}`, quantityOnHand: 93 }),
    })
    expect(drift.status).toBeLessThan(300)
    expect(netsuiteOnHand('SKU-7')).toBe(93)
    const before = writes()

    const [a, b] = await Promise.all([
      call('/api/v1/reconciliation/runs', { domain: 'inventory' }),
      call('/api/v1/reconciliation/runs', { domain: 'inventory' }),
    ])
    expect([a.status, b.status].sort()).toEqual([202, 409])
    const run = (a.status === 202 ? a : b).json.run as { id: string; target: string }
    expect(run).toMatchObject({ domain: 'inventory', source: 'threepl', target: 'netsuite' })

    let view: { run?: { state: string }; breaks?: Record<string, number> } = {}
    const healed = await waitFor(async () => {
      view = (await call(`/api/v1/reconciliation/runs/${run.id}`)).json
      return view.run?.state === 'finished' && view.breaks?.healed === 1
    }, 30_000)
    expect([healed, view]).toEqual([true, view])
    expect(view.breaks).toEqual({ open: 0, healing: 0, healed: 1, assigned: 0, closed: 0 })
    expect(netsuiteOnHand('SKU-7')).toBe(100)

    const breaks = (await call('/api/v1/reconciliation/breaks?limit=100')).json.breaks as {
      entityKey: string
      domain: string
      target: string
      state: string
    }[]
    expect(breaks.map((x) => [x.domain, x.target, x.entityKey, x.state])).toEqual([
      ['inventory', 'netsuite', `SKU-7@${WAREHOUSE}`, 'healed'],
    ])
    // Once: one heal run, one write at NetSuite, none at Shopify.
    const heals = await runsOf('inventory-heal-netsuite', 'SKU-7')
    expect(heals.map((r) => r.state)).toEqual(['completed'])
    const after = writes()
    for (const sku of SKUS) {
      expect([sku, after.netsuite(sku) - before.netsuite(sku), after.shopify(sku)]).toEqual([
        sku,
        sku === 'SKU-7' ? 1 : 0,
        before.shopify(sku),
      ])
    }

    // Finished, so another may start once the Shopify leg (run after NetSuite's) is done too;
    // it finds nothing left to heal.
    let next: { status: number; json: Record<string, unknown> } = { status: 0, json: {} }
    const started = await waitFor(async () => {
      next = await call('/api/v1/reconciliation/runs', { domain: 'inventory' })
      return next.status === 202
    }, 30_000)
    expect([started, next.status]).toEqual([true, 202])
    const nextId = (next.json.run as { id: string }).id
    const clean = await waitFor(async () => {
      view = (await call(`/api/v1/reconciliation/runs/${nextId}`)).json
      return view.run?.state === 'finished'
    }, 30_000)
    expect([clean, view.breaks]).toEqual([
      true,
      { open: 0, healing: 0, healed: 0, assigned: 0, closed: 0 },
    ])
    expect(netsuiteOnHand('SKU-7')).toBe(100)
  }, 60_000)
})
