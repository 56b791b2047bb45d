/** @module test/support/hub-harness — a hub wired to in-process simulators over real HTTP. */
import {
  netsuiteConnectionFields,
  shopifyConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { EngineOptions } from '../../src/engine/hub-engine.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox-host.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'

export interface HarnessOptions {
  /** PostgreSQL URL, or undefined for the embedded store. */
  databaseUrl?: string | undefined
  sandbox?: SandboxOptions
  engine?: Partial<EngineOptions>
  /** Wraps the hub's store (e.g. with the store fault injector). */
  wrapStore?: (store: Store) => Store
  /** Extra hub config (merged over the harness's fast timings). */
  config?: Record<string, unknown>
  netsuiteTimeoutMs?: number
  /** Extra fields of the NetSuite connection (e.g. `deliveriesPerSecond`). */
  netsuiteConnection?: Record<string, unknown>
}

export interface Harness {
  sandbox: Sandbox
  hub: RunningHub
  dataDir: string
  /** Hub config JSON as given to the hub (connections point at the simulators). */
  configJson: Record<string, unknown>
  schema: string | undefined
  stop(): Promise<void>
}

/** Webhook retries compressed from Shopify's 4 hours to a few seconds. */
export const FAST_WEBHOOK_RETRIES = [50, 100, 200, 400, 800, 1_600, 3_200, 6_400]

/** The hub config for connections to these simulators, with timings fit for tests. */
export function harnessConfig(
  sandbox: Sandbox,
  extra: Record<string, unknown> = {},
  netsuiteTimeoutMs = 2_000,
  netsuiteConnection: Record<string, unknown> = {},
) {
  const shopify = sandbox.simulators.find((s) => s.name === 'shopify')
  const netsuite = sandbox.simulators.find((s) => s.name === 'netsuite')
  if (shopify?.name !== 'shopify' || netsuite?.name !== 'netsuite') {
    throw new Error('sandbox incomplete')
  }
  return {
    connections: {
      shopify: { demo: shopifyConnectionFields(shopify) },
      netsuite: {
        demo: {
          ...netsuiteConnectionFields(netsuite),
          requestTimeoutMs: netsuiteTimeoutMs,
          ...netsuiteConnection,
        },
      },
    },
    flows: [
      { flow: 'shopify-order-to-netsuite', shopifyConnection: 'demo', netsuiteConnection: 'demo' },
    ],
    engine: {
      leaseMs: 5_000,
      heartbeatMs: 1_000,
      idlePollMs: 50,
      retry: { baseDelayMs: 50, maxDelayMs: 2_000, maxAttempts: 12 },
    },
    summaryIntervalMs: 0,
    ...extra,
  }
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({
    ...options.sandbox,
    shopify: { webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES, ...options.sandbox?.shopify },
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'syncline-e2e-'))
  const schema = options.databaseUrl ? `e2e_${randomBytes(5).toString('hex')}` : undefined
  const configJson = harnessConfig(
    sandbox,
    options.config,
    options.netsuiteTimeoutMs,
    options.netsuiteConnection,
  )
  let hub: RunningHub
  try {
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      demo: false,
      sandbox: false,
      dataDir: join(dataDir, 'data'),
      logLevel: 'warn',
      logFile: join(dataDir, 'hub.log'),
      allowUnsafeDurability: false,
      print: () => {},
      config: parseHubConfig(configJson),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, schema } : {}),
      ...(options.engine ? { engine: options.engine } : {}),
      ...(options.wrapStore ? { wrapStore: options.wrapStore } : {}),
    })
  } catch (error) {
    await sandbox.stop()
    throw error
  }
  sandbox.shopify.addWebhookSubscriber({
    address: `${hub.url}/webhooks/shopify/demo`,
    topics: ['orders/create'],
  })
  return {
    sandbox,
    hub,
    dataDir,
    configJson,
    schema,
    async stop() {
      await hub.stop()
      await sandbox.stop()
      if (options.databaseUrl && schema) await dropSchema(options.databaseUrl, schema)
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`drop schema if exists "${schema}" cascade`)
  } finally {
    await client.end()
  }
}

/** Polls `check` until it returns true or the deadline passes; returns whether it became true. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, everyMs))
  }
  return check()
}
