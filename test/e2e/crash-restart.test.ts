/**
 * Done-when 5 of the spine: `kill -9` of the hub process five times during a 2,000-order run,
 * restarting it each time, on PostgreSQL and on the embedded store. Every order Shopify got a 2xx
 * for ends as exactly one NetSuite sales order, and nothing is stuck 30 s after the last restart.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { freePort } from '../support/test-network.ts'
import { harnessConfig, waitFor } from '../support/hub-harness.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const ORDERS = 2_000
const KILLS = 5
const pgUrl = await postgresForTests('crash and restart on PostgreSQL')

const modes: Array<{ name: string; postgres: boolean }> = [
  { name: 'embedded', postgres: false },
  ...(pgUrl ? [{ name: 'postgres', postgres: true }] : []),
]

describe.each(modes)('kill -9 during a 2,000-order run ($name store)', ({ postgres }) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  })

  it('loses nothing and duplicates nothing across five kills', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncline-kill-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const sandbox: Sandbox = await startSandbox({
      // Shopify retries for 4 h; compressed here to about 2 minutes, still longer than any restart.
      shopify: { webhookRetryScheduleMs: [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 60_000] },
      netsuite: { scenario: { latencyMs: { min: 2, max: 20 } } },
    })
    cleanups.push(() => sandbox.stop())
    const databaseUrl = postgres ? await createDatabase(pgUrl ?? '', cleanups) : undefined
    const configPath = join(dir, 'hub.json')
    await writeFile(configPath, JSON.stringify(harnessConfig(sandbox)))
    const port = await freePort()
    const hubUrl = `http://127.0.0.1:${port}`
    sandbox.shopify.addWebhookSubscriber({
      address: `${hubUrl}/webhooks/shopify/demo`,
      topics: ['orders/create'],
    })

    const args = [
      'bin/syncline.js',
      'start',
      '--no-sandbox',
      '--no-demo',
      '--port',
      String(port),
      '--config',
      configPath,
      '--data-dir',
      join(dir, 'data'),
      '--log-level',
      'warn',
      ...(databaseUrl ? ['--database-url', databaseUrl] : []),
    ]
    let hub = await launch(args, hubUrl)
    cleanups.push(() => {
      hub.kill('SIGKILL')
      return Promise.resolve()
    })

    const generation = sandbox.shopify.generateOrders({
      count: ORDERS,
      ratePerSecond: 100,
      customers: 300,
    })
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(2_000 + Math.random() * 2_000)
      hub.kill('SIGKILL')
      await new Promise((resolve) => hub.once('exit', resolve))
      hub = await launch(args, hubUrl)
    }

    // "Stuck" means no progress while the hub holds work: an order Shopify got a 2xx for and
    // NetSuite has not seen. A run held by a killed process must be picked up again within its
    // lease, so on a loaded machine the drain may be slow but it never stalls. Watched from the
    // last restart on. Orders still in Shopify's retry schedule are not the hub's work yet: a
    // webhook refused during a restart may wait 16 s or 60 s for its next attempt.
    const salesOrderKeys = (): Set<string> =>
      new Set(
        sandbox.netsuite
          .ledger()
          .effects.filter((e) => e.recordType === 'salesOrder')
          .map((e) => e.businessKey),
      )
    const acknowledgedKeys = (): string[] =>
      sandbox.shopify
        .deliveries()
        .filter((d) => d.topic === 'orders/create' && d.state === 'delivered')
        .map((d) => `SHOPIFY-O-${d.orderId ?? ''}`)
    let seen = salesOrderKeys().size
    let progressAt = Date.now()
    let longestStallMs = 0
    const monitor = setInterval(() => {
      const delivered = salesOrderKeys()
      const now = Date.now()
      const owed = acknowledgedKeys().some((key) => !delivered.has(key))
      if (delivered.size > seen || !owed) progressAt = now
      seen = delivered.size
      longestStallMs = Math.max(longestStallMs, now - progressAt)
    }, 250)
    cleanups.push(() => {
      clearInterval(monitor)
      return Promise.resolve()
    })

    // The kills may be over before the last order is sent (a restart takes about a second).
    await generation.done
    const { orderIds } = generation
    // Shopify keeps retrying until the hub acknowledges; wait for every delivery to settle.
    await sandbox.shopify.deliveriesSettled(180_000)
    const acknowledged = sandbox.shopify
      .deliveries()
      .filter((d) => d.topic === 'orders/create' && d.state === 'delivered')
      .map((d) => d.orderId ?? '')
    const expected = new Set(acknowledged.map((id) => `SHOPIFY-O-${id}`))
    const salesOrders = () =>
      sandbox.netsuite
        .ledger()
        .effects.filter((e) => e.recordType === 'salesOrder' && expected.has(e.businessKey))
    const done = await waitFor(() => salesOrders().length === expected.size, 180_000, 250)
    clearInterval(monitor)
    expect(
      done,
      `${salesOrders().length} of ${expected.size} acknowledged orders reached NetSuite`,
    ).toBe(true)
    expect(longestStallMs, 'longest time without progress after the last restart').toBeLessThan(
      30_000,
    )
    // Everything Shopify sent was eventually acknowledged (its retries outlast the restarts).
    expect(new Set(acknowledged).size).toBe(ORDERS)
    expect(new Set(acknowledged)).toEqual(new Set(orderIds))
    // Exactly one sales order per acknowledged order.
    expect(salesOrders().filter((e) => e.creates !== 1)).toEqual([])
    expect(sandbox.netsuite.records.list('salesOrder')).toHaveLength(ORDERS)

    const health = (await (await fetch(`${hubUrl}/healthz`)).json()) as { pid?: number }
    expect(health.pid, 'the hub answering is the one this test started').toBe(hub.pid)
    // NetSuite holding the sales order comes before the run records its step and completes, and a
    // run whose process was killed mid-call completes only after its lease ends: let that settle.
    type Stats = { runsByState: Record<string, number>; inboxMessages: number }
    const readStats = async (): Promise<Stats> =>
      (await (await fetch(`${hubUrl}/api/v1/stats`)).json()) as Stats
    let stats = await readStats()
    await waitFor(
      async () => {
        stats = await readStats()
        return (stats.runsByState.completed ?? 0) >= ORDERS
      },
      60_000,
      250,
    )
    expect(stats.inboxMessages).toBe(ORDERS)
    expect(stats.runsByState).toMatchObject({
      completed: ORDERS,
      dead: 0,
      pending: 0,
      running: 0,
      retrying: 0,
    })
    hub.kill('SIGTERM')
    await new Promise((resolve) => hub.once('exit', resolve))
  }, 300_000)
})

async function launch(args: string[], hubUrl: string): Promise<ChildProcess> {
  // An empty DATABASE_URL, so CI's exported one cannot turn the embedded variant into a PostgreSQL one.
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DATABASE_URL: '' },
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  // Ready means OUR process answers: another process that took the port in between must not count.
  const ready = await waitFor(
    async () => {
      if (exited(child)) return true
      try {
        const health = (await (await fetch(`${hubUrl}/healthz`)).json()) as { pid?: number }
        return health.pid === child.pid && (await fetch(`${hubUrl}/readyz`)).status === 200
      } catch {
        return false
      }
    },
    60_000,
    50,
  )
  if (!ready || exited(child)) {
    child.kill('SIGKILL')
    throw new Error(`hub did not start: ${stderr}`)
  }
  return child
}

async function createDatabase(url: string, cleanups: Array<() => Promise<void>>): Promise<string> {
  const name = `syncline_kill_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`drop database if exists ${name} with (force)`)
    await client.end()
  })
  const target = new URL(url)
  target.pathname = `/${name}`
  return target.toString()
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** A child killed by a signal has `exitCode` null and `signalCode` set: both mean it is gone. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}
