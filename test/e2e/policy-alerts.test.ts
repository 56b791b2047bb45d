/**
 * @module test/e2e/policy-alerts.test — the order-lifecycle policy's alerts at run time, on both
 * stores: a hub whose order NetSuite refuses for good raises `dead_letters` (and the failure share)
 * within an evaluation period, on /metrics, GET /api/v1/alerts, the log and the observer hook; the
 * operator's replay after the fix resolves them.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertStatus } from '../../src/policies/alert-evaluator.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { dropSchema, FAST_WEBHOOK_RETRIES, harnessConfig, waitFor } from '../support/hub-harness.ts'

const pgUrl = await postgresForTests('policy alerts on PostgreSQL')
const drivers: Array<{ name: string; databaseUrl: string | undefined }> = [
  { name: 'embedded', databaseUrl: undefined },
  ...(pgUrl ? [{ name: 'postgres', databaseUrl: pgUrl }] : []),
]

const EVERY_MS = 1_000

describe.each(drivers)('policy alerts on the $name store', ({ databaseUrl }) => {
  let sandbox: Sandbox
  let hub: RunningHub
  let dir: string
  const schema = databaseUrl ? `alerts_${randomBytes(5).toString('hex')}` : undefined
  const observed: AlertStatus[] = []

  beforeAll(async () => {
    sandbox = await startSandbox({ shopify: { webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES } })
    dir = await mkdtemp(join(tmpdir(), 'syncline-alerts-'))
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      demo: false,
      sandbox: false,
      dataDir: join(dir, 'data'),
      logLevel: 'info',
      logFile: join(dir, 'hub.log'),
      allowUnsafeDurability: false,
      print: () => {},
      config: parseHubConfig(harnessConfig(sandbox, { alerting: { everyMs: EVERY_MS } })),
      onAlert: (alert) => void observed.push(alert),
      ...(databaseUrl ? { databaseUrl, schema } : {}),
    })
    sandbox.shopify.addWebhookSubscriber({
      address: `${hub.url}/webhooks/shopify/demo`,
      topics: ['orders/create'],
    })
  })
  afterAll(async () => {
    await hub?.stop()
    await sandbox?.stop()
    if (databaseUrl && schema) await dropSchema(databaseUrl, schema)
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const alerts = async (query = ''): Promise<AlertStatus[]> => {
    const response = await fetch(`${hub.url}/api/v1/alerts${query}`)
    expect(response.status).toBe(200)
    return ((await response.json()) as { alerts: AlertStatus[] }).alerts
  }
  const alert = async (domain: string, rule: string): Promise<AlertStatus | undefined> =>
    (await alerts()).find((a) => a.domain === domain && a.rule === rule)
  const metrics = async (): Promise<string> => (await fetch(`${hub.url}/metrics`)).text()
  const logLines = async (): Promise<Array<Record<string, unknown>>> =>
    (await readFile(join(dir, 'hub.log'), 'utf8'))
      .split('\n')
      .filter((l) => l.includes('"alert '))
      .map((l) => JSON.parse(l) as Record<string, unknown>)

  it('starts with every rule of every domain evaluated and none firing', async () => {
    expect(await waitFor(async () => (await alerts()).length === 12, 5_000)).toBe(true)
    const all = await alerts()
    expect(all.filter((a) => a.firing)).toEqual([])
    expect(all.find((a) => a.domain === 'orderLifecycle' && a.rule === 'dead_letters')).toEqual({
      domain: 'orderLifecycle',
      rule: 'dead_letters',
      firing: false,
      value: 0,
      threshold: 1,
      since: expect.any(Number),
    })
    expect(await metrics()).toContain(
      'syncline_alert_firing{domain="orderLifecycle",rule="dead_letters"} 0\n',
    )
    const bad = await fetch(`${hub.url}/api/v1/alerts?domain=orders`)
    expect(bad.status).toBe(400)
  })

  it('fires dead_letters for orderLifecycle within an evaluation period of the dead letter, and a replay after the fix resolves it', async () => {
    // An item NetSuite does not know: INVALID_VALUE, dead-lettered after one attempt.
    sandbox.netsuite.records.remove('inventoryItem', 'eid:SKU-13')
    const { orderIds } = sandbox.shopify.generateOrders({ count: 1, skus: ['SKU-13'] })
    const key = `shopify:order:${orderIds[0] ?? ''}`
    const deadRun = async (): Promise<string | undefined> => {
      const response = await fetch(`${hub.url}/api/v1/dlq`)
      const body = (await response.json()) as {
        deadLetters: Array<{ runId: string; businessKey: string }>
      }
      return body.deadLetters.find((d) => d.businessKey === key)?.runId
    }
    expect(await waitFor(async () => (await deadRun()) !== undefined, 15_000, 50)).toBe(true)
    const deadAt = Date.now()
    const runId = await deadRun()

    // One evaluation period (plus the one under way) at most.
    expect(
      await waitFor(
        async () => (await alert('orderLifecycle', 'dead_letters'))?.firing === true,
        2 * EVERY_MS + 500,
        50,
      ),
    ).toBe(true)
    expect(Date.now() - deadAt).toBeLessThanOrEqual(2 * EVERY_MS + 500)
    const fired = await alert('orderLifecycle', 'dead_letters')
    expect(fired).toMatchObject({ firing: true, value: 1, threshold: 1 })
    // The only finished order failed: 100 % ≥ the policy's 2 %.
    expect(await alert('orderLifecycle', 'failure_percent')).toMatchObject({
      firing: true,
      value: 100,
      threshold: 2,
    })
    // Other domains have no runs here: nothing of theirs fires.
    expect((await alerts('?firing=true')).map((a) => `${a.domain}/${a.rule}`).sort()).toEqual([
      'orderLifecycle/dead_letters',
      'orderLifecycle/failure_percent',
    ])
    const scrape = await metrics()
    expect(scrape).toContain(
      'syncline_alert_firing{domain="orderLifecycle",rule="dead_letters"} 1\n',
    )
    expect(scrape).toContain(
      'syncline_alert_value{domain="orderLifecycle",rule="dead_letters"} 1\n',
    )
    expect(scrape).toContain(
      'syncline_alert_firing{domain="customerMaster",rule="dead_letters"} 0\n',
    )
    expect(
      observed
        .filter((a) => a.firing)
        .map((a) => a.rule)
        .sort(),
    ).toEqual(['dead_letters', 'failure_percent'])

    // Steady while it stays dead: `since` is kept and no second transition is reported.
    await new Promise((r) => setTimeout(r, 2 * EVERY_MS + 200))
    expect((await alert('orderLifecycle', 'dead_letters'))?.since).toBe(fired?.since)
    expect(observed).toHaveLength(2)

    // The operator fixes the item in NetSuite and replays.
    sandbox.netsuite.records.put('inventoryItem', { externalId: 'SKU-13', itemId: 'SKU-13' })
    const replay = await fetch(`${hub.url}/api/v1/dlq/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runIds: [runId] }),
    })
    expect(replay.status).toBe(200)
    expect(await waitFor(async () => (await alerts('?firing=true')).length === 0, 15_000, 50)).toBe(
      true,
    )
    const resolved = await alert('orderLifecycle', 'dead_letters')
    expect(resolved).toMatchObject({ firing: false, value: 0 })
    expect(resolved?.since).toBeGreaterThan(fired?.since ?? Infinity)
    expect(await metrics()).toContain(
      'syncline_alert_firing{domain="orderLifecycle",rule="dead_letters"} 0\n',
    )
    expect(observed.map((a) => `${a.rule}:${a.firing}`).sort()).toEqual([
      'dead_letters:false',
      'dead_letters:true',
      'failure_percent:false',
      'failure_percent:true',
    ])

    // One log line per transition: warn when it fired, info when it resolved (the log is
    // written asynchronously, so wait for the second line to reach the file).
    const deadLetterLines = async () =>
      (await logLines()).filter(
        (l) => (l.alert as { rule?: string } | undefined)?.rule === 'dead_letters',
      )
    expect(await waitFor(async () => (await deadLetterLines()).length >= 2, 5_000)).toBe(true)
    expect(await deadLetterLines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'alert firing',
        alert: { domain: 'orderLifecycle', rule: 'dead_letters', value: 1, threshold: 1 },
      }),
      expect.objectContaining({
        level: 'info',
        msg: 'alert resolved',
        alert: { domain: 'orderLifecycle', rule: 'dead_letters', value: 0, threshold: 1 },
      }),
    ])
  })
})
