/**
 * Done-when 1 of the spine, tried as a new user would: `syncline start` (what `npm start` runs)
 * brings up the hub, the sandbox and demo traffic on the embedded store, and within 30 s orders
 * land in the NetSuite sandbox as sales orders. Then the CLI reads them back over the API.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../support/test-network.ts'
import { waitFor } from '../support/hub-harness.ts'

describe('quick start', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('lands demo orders in NetSuite within 30 s of `syncline start`, and the CLI shows them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncline-quick-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    const port = await freePort()
    const startedAt = Date.now()
    const hub = spawn(
      process.execPath,
      ['bin/syncline.js', 'start', '--port', String(port), '--data-dir', join(dir, 'data')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // The quick start is the embedded store: CI's exported DATABASE_URL must not leak in.
        env: { ...process.env, DATABASE_URL: '' },
      },
    )
    cleanups.push(() => {
      hub.kill('SIGKILL')
    })
    let out = ''
    hub.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    hub.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const url = `http://127.0.0.1:${port}`

    // It prints where everything listens.
    expect(await waitFor(() => out.includes('sandbox netsuite'), 20_000), out).toBe(true)
    expect(out).toContain(`syncline hub        ${url}`)
    expect(out).toContain('/webhooks/<system>/<connection>')

    const health = (await (await fetch(`${url}/healthz`)).json()) as { pid?: number }
    expect(health.pid, 'the hub answering is the one this test started').toBe(hub.pid)

    const sandbox = (await (await fetch(`${url}/api/v1/sandbox`)).json()) as {
      simulators: Array<{ name: string; baseUrl: string; scenarioUrl: string }>
    }
    expect(sandbox.simulators.map((s) => s.name).sort()).toEqual(['netsuite', 'shopify'])
    const netsuite = sandbox.simulators.find((s) => s.name === 'netsuite')
    const salesOrders = async (): Promise<number> => {
      const ledger = (await (await fetch(`${netsuite?.scenarioUrl}/ledger`)).json()) as {
        effects: Array<{ recordType: string; creates: number }>
      }
      return ledger.effects.filter((e) => e.recordType === 'salesOrder' && e.creates === 1).length
    }
    const landed = await waitFor(
      async () => (await salesOrders()) >= 3,
      30_000 - (Date.now() - startedAt),
      250,
    )
    expect(landed, `sales orders after 30 s: ${await salesOrders()}\n${out}`).toBe(true)

    // The summary line reports the same.
    expect(await waitFor(() => /delivered [1-9]/.test(out), 10_000)).toBe(true)

    // The CLI talks to the running hub over its API.
    const runs = spawnSync(process.execPath, ['bin/syncline.js', 'runs', '--hub', url, '--json'], {
      encoding: 'utf8',
    })
    expect(runs.status, runs.stderr).toBe(0)
    const listed = JSON.parse(runs.stdout) as Array<{ state: string; businessKey: string }>
    expect(
      listed.some((r) => r.state === 'completed' && r.businessKey.startsWith('shopify:order:')),
      runs.stdout,
    ).toBe(true)
    const dlq = spawnSync(process.execPath, ['bin/syncline.js', 'dlq', 'list', '--hub', url], {
      encoding: 'utf8',
    })
    expect(dlq.status).toBe(0)

    // Ctrl+C stops it cleanly.
    hub.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => hub.once('exit', resolve))
    expect(code).toBe(0)
  }, 90_000)
})
