/** @module test/security/canary-hub — a hub at log level debug whose every credential is a canary, with a recorder of what it says. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { parseHubConfig, type HubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { dropSchema, FAST_WEBHOOK_RETRIES, harnessConfig } from '../support/hub-harness.ts'
import { probePostgres } from '../support/postgres-availability.ts'
import type { Haystack } from './secret-canary-scan.ts'

export interface Canaries {
  shopifyAccessToken: string
  shopifyWebhookSecret: string
  netsuiteClientSecret: string
  /** Set only when PostgreSQL accepts any password (trust), so the URL can carry one. */
  databasePassword?: string
}

export interface CanaryHub {
  sandbox: Sandbox
  hub: RunningHub
  config: HubConfig
  dataDir: string
  logFile: string
  /** The human lines the hub printed (its stdout). */
  printed: string[]
  /** Every API answer received through `call`, status line, headers and body. */
  responses: Haystack[]
  /** GET (or any request) against the hub, recorded for the scan. */
  call(path: string, init?: RequestInit): Promise<{ status: number; text: string }>
  /** Every row of every table of the hub's schema, as text (PostgreSQL only). */
  databaseRows(): Promise<Haystack[]>
  /** Stops the hub (flushing its log) and the simulators; keeps the schema for `databaseRows`. */
  stop(): Promise<void>
  /** Drops the schema and the data folder. */
  cleanUp(): Promise<void>
}

/** The PostgreSQL URL with the canary as its password, when the server ignores passwords. */
export async function urlWithPassword(url: string, password: string): Promise<string | undefined> {
  const parsed = new URL(url)
  if (parsed.password !== '') return undefined
  parsed.password = password
  const probe = await probePostgres(parsed.toString())
  return probe.available ? parsed.toString() : undefined
}

export async function startCanaryHub(
  canaries: Canaries,
  databaseUrl: string | undefined,
): Promise<CanaryHub> {
  const sandbox = await startSandbox({
    shopify: {
      accessToken: canaries.shopifyAccessToken,
      webhookSecret: canaries.shopifyWebhookSecret,
      webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES,
    },
    netsuite: { clientSecret: canaries.netsuiteClientSecret },
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'syncline-canary-'))
  const logFile = join(dataDir, 'hub.log')
  const schema = databaseUrl ? `canary_${randomBytes(5).toString('hex')}` : undefined
  const config = parseHubConfig(harnessConfig(sandbox))
  const printed: string[] = []
  const responses: Haystack[] = []
  let stopping: Promise<void> | undefined
  let hub: RunningHub
  try {
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      demo: false,
      sandbox: false,
      dataDir: join(dataDir, 'data'),
      logLevel: 'debug',
      logFile,
      allowUnsafeDurability: false,
      print: (line) => printed.push(line),
      config,
      ...(databaseUrl ? { databaseUrl, schema } : {}),
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
    config,
    dataDir,
    logFile,
    printed,
    responses,
    async call(path, init) {
      const response = await fetch(`${hub.url}${path}`, init)
      const text = await response.text()
      const headers = [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')
      responses.push({
        where: `${init?.method ?? 'GET'} ${path}`,
        text: `${response.status}\n${headers}\n\n${text}`,
      })
      return { status: response.status, text }
    },
    async databaseRows() {
      if (!databaseUrl || !schema) return []
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      try {
        const tables = await client.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1',
          [schema],
        )
        const rows: Haystack[] = []
        for (const { table_name: table } of tables.rows) {
          const result = await client.query<{ row: string }>(
            `select t::text as row from "${schema}"."${table}" t`,
          )
          rows.push({ where: `table ${table}`, text: result.rows.map((r) => r.row).join('\n') })
        }
        return rows
      } finally {
        await client.end()
      }
    },
    // Memoized: the Shopify simulator's stop() throws when called twice (ClientDestroyedError).
    stop: () =>
      (stopping ??= (async () => {
        await hub.stop()
        await sandbox.stop()
      })()),
    async cleanUp() {
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema)
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
