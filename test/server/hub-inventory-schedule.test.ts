// The inventory reconciliation on the policy's schedule, kept by two hub processes sharing one
// PostgreSQL store: no operator asks, yet a NetSuite level changed beyond the policy's tolerance is
// found and healed once, one within it is left alone, and the two hubs never compare at once.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { CATALOGUE } from '../../src/sandbox/shopify/shopify-store.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { dropSchema, harnessConfig, waitFor } from '../support/hub-harness.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const pgUrl = await postgresForTests('hub inventory schedule')
const WAREHOUSE = 'WH-MAIN'
const EVERY_MS = 1_500

describe.skipIf(pgUrl === undefined)('inventory reconciliation on the policy schedule', () => {
  let sandbox: Sandbox
  const hubs: RunningHub[] = []
  let dir: string
  const schema = `hub_invs_${randomBytes(5).toString('hex')}`

  beforeAll(async () => {
    sandbox = await startSandbox({
      threepl: {
        inventory: CATALOGUE.map((c) => ({ sku: c.sku, warehouse: WAREHOUSE, onHand: 100 })),
        progressionTickMs: 0,
      },
    })
    const threepl = sandbox.threepl
    if (threepl === undefined) throw new Error('sandbox started without the 3PL')
    dir = await mkdtemp(join(tmpdir(), 'syncline-inventory-schedule-'))
    const base = harnessConfig(sandbox)
    const config = parseHubConfig({
      ...base,
      connections: {
        ...base.connections,
        threepl: {
          demo: {
            baseUrl: threepl.baseUrl,
            apiKey: threepl.apiKey,
            webhookSecrets: [`whsec_${randomBytes(24).toString('base64')}`],
          },
        },
      },
      flows: [
        {
          flow: 'threepl-inventory',
          threeplConnection: 'demo',
          erp: 'netsuite',
          erpConnection: 'demo',
          shopifyConnection: 'demo',
          warehouses: {
            [WAREHOUSE]: { netsuiteLocation: WAREHOUSE, shopifyLocationId: '655441491' },
          },
          policy: { assignee: 'inventory-ops' },
        },
      ],
      policies: {
        inventory: { reconciliation: { everyMs: EVERY_MS, tolerance: { units: 2, percent: 0 } } },
      },
    })
    // One after the other: the first migrates the schema.
    for (const n of [1, 2]) {
      hubs.push(
        await startHub({
          port: 0,
          host: '127.0.0.1',
          demo: false,
          sandbox: false,
          dataDir: join(dir, `data-${n}`),
          logLevel: 'warn',
          logFile: join(dir, `hub-${n}.log`),
          allowUnsafeDurability: false,
          print: () => {},
          databaseUrl: pgUrl,
          schema,
          config,
        }),
      )
    }
  }, 60_000)

  afterAll(async () => {
    for (const hub of hubs) await hub.stop()
    await sandbox?.stop()
    if (pgUrl !== undefined) await dropSchema(pgUrl, schema)
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  const onHand = (sku: string) =>
    sandbox.netsuite.inventory
      .levels(`eid:${sku}`)
      ?.find((l) => l.location.externalId === WAREHOUSE)?.level.quantityOnHand
  const writes = (sku: string) =>
    sandbox.netsuite
      .ledger()
      .effects.find(
        (e) => e.recordType === 'inventoryLevel' && e.businessKey === `${sku}@${WAREHOUSE}`,
      )?.writes ?? 0

  async function setNetSuite(sku: string, quantityOnHand: number): Promise<void> {
    const response = await fetch(`${sandbox.netsuite.baseUrl}/__sim/inventory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: `eid:${sku}`, location: `eid:${WAREHOUSE}`, quantityOnHand }),
    })
    expect(response.status).toBeLessThan(300)
  }

  it('heals beyond the tolerance once, leaves within it, one compare at a time', async () => {
    await setNetSuite('SKU-3', 99) // 1 unit off: within the 2-unit tolerance
    await setNetSuite('SKU-9', 90)
    const before = { tolerated: writes('SKU-3'), healed: writes('SKU-9') }

    expect(await waitFor(() => onHand('SKU-9') === 100, 30_000)).toBe(true)
    // Two more periods: the schedule goes on, finding nothing more to heal.
    await new Promise((r) => setTimeout(r, 2 * EVERY_MS + 500))
    expect(onHand('SKU-3')).toBe(99)
    expect([writes('SKU-3') - before.tolerated, writes('SKU-9') - before.healed]).toEqual([0, 1])

    const db = new pg.Client({ connectionString: pgUrl })
    await db.connect()
    try {
      const breaks = await db.query<{ entity_key: string; target: string; state: string }>(
        `select entity_key, target, state from "${schema}".reconciliation_breaks order by id`,
      )
      expect(breaks.rows).toEqual([
        { entity_key: `SKU-9@${WAREHOUSE}`, target: 'netsuite', state: 'healed' },
      ])
      const runs = await db.query<{ target: string; started: string; finished: string | null }>(
        `select target, started_at::text as started, finished_at::text as finished
         from "${schema}".reconciliation_runs where domain = 'inventory' order by id`,
      )
      const netsuite = runs.rows.filter((r) => r.target === 'netsuite')
      // At least three periods passed, each one pass of both targets.
      expect(netsuite.length).toBeGreaterThanOrEqual(3)
      expect(runs.rows.filter((r) => r.target === 'shopify')).toHaveLength(netsuite.length)
      // Both hubs keep the schedule, yet each pass started after the one before had finished.
      for (const run of netsuite) {
        // A pass opens its NetSuite run, then its Shopify run: every run before it is an earlier
        // pass's, and must have finished before this pass started.
        for (const earlier of runs.rows.slice(0, runs.rows.indexOf(run))) {
          const done = earlier.finished !== null && Number(earlier.finished) <= Number(run.started)
          expect([done, earlier, run]).toEqual([true, earlier, run])
        }
      }
    } finally {
      await db.end()
    }
  }, 60_000)
})
