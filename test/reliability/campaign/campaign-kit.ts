// Shared setup of the reliability campaign's tests: tier sizes, a hub process on PostgreSQL wired
// to in-process simulators, the ledger rule read off the simulators, and result recording.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import {
  writeReliabilityResult,
  type ReliabilityResult,
} from '../../../src/reliability/report/reliability-result.ts'
import {
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../../../src/sandbox/sandbox-host.ts'
import { harnessConfig, waitFor } from '../../support/hub-harness.ts'
import { freePort } from '../../support/test-network.ts'

import { HubSupervisor } from './hub-supervisor.ts'

export const TIER = Number(process.env.SYNCLINE_RELIABILITY_TIER ?? '1') === 2 ? 2 : 1
const RESULTS =
  process.env.SYNCLINE_RELIABILITY_RESULTS ?? join('.syncline', 'reliability', 'adhoc')

/** Which of the tier's seeds this run is (tier 2 runs each test under 5 seeds). */
const SEED_INDEX = Number(process.env.SYNCLINE_RELIABILITY_SEED_INDEX ?? '0')

/** The seed of a test in this run: its base seed for the first, a distinct one for each further. */
export function campaignSeed(base: number): number {
  return base + 1_000 * SEED_INDEX
}

/** The campaign's size for this tier: T1 runs about a fifth of T2's counts. */
export function sized(t1: number, t2: number): number {
  return TIER === 2 ? t2 : t1
}

/**
 * Shopify's 4 h of retries, compressed to about 4 minutes: still longer than all the downtime a
 * test's kills and crash points add up to, as the real schedule is in production.
 */
export const PATIENT_WEBHOOK_RETRIES = [
  1_000, 2_000, 5_000, 10_000, 20_000, 40_000, 60_000, 120_000,
]

/** Progress on stderr, so a long campaign test shows where it is while it runs. */
export function progress(test: string, message: string): void {
  process.stderr.write(`[campaign ${test}] ${new Date().toISOString().slice(11, 19)} ${message}\n`)
}

export interface CampaignEnv {
  sandbox: Sandbox
  hub: HubSupervisor
  /** The JSON log file of the hub at this URL. */
  hubLog(hubUrl: string): string
  /**
   * Starts one more hub process on the same database and config (a second worker), with extra
   * environment (e.g. crash points for this process only).
   */
  addHub(extra?: { env?: Record<string, string> }): Promise<HubSupervisor>
  databaseUrl: string
  dir: string
  dispose(): Promise<void>
}

export async function startCampaignEnv(options: {
  pgUrl: string
  sandbox?: SandboxOptions
  /** Hub config over the harness's; a function when it needs the simulators' addresses. */
  config?: Record<string, unknown> | ((sandbox: Sandbox) => Record<string, unknown>)
  env?: Record<string, string>
  /** Extra environment for the first hub only (the one webhooks go to), e.g. LD_PRELOAD. */
  mainHubEnv?: Record<string, string>
  /** Extra arguments for the first hub only, e.g. `--no-worker` for an API-only process. */
  mainHubArgs?: readonly string[]
  /** Topics the Shopify simulator sends to the hub; default orders/create; none when the test is the producer. */
  hubTopics?: readonly string[]
}): Promise<CampaignEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-campaign-'))
  const sandbox = await startSandbox({
    ...options.sandbox,
    shopify: { webhookRetryScheduleMs: PATIENT_WEBHOOK_RETRIES, ...options.sandbox?.shopify },
  })
  const database = `syncline_campaign_${randomBytes(4).toString('hex')}`
  await adminQuery(options.pgUrl, `create database ${database}`)
  const target = new URL(options.pgUrl)
  target.pathname = `/${database}`
  const databaseUrl = target.toString()
  const configPath = join(dir, 'hub.json')
  const extraConfig =
    typeof options.config === 'function' ? options.config(sandbox) : options.config
  await writeFile(configPath, JSON.stringify(harnessConfig(sandbox, extraConfig)))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const hubTopics = options.hubTopics ?? ['orders/create']
  if (hubTopics.length > 0) {
    sandbox.shopify.addWebhookSubscriber({
      address: `${url}/webhooks/shopify/demo`,
      topics: [...hubTopics],
    })
  }
  const hubArgs = (port: number): string[] => [
    'bin/syncline.js',
    'start',
    '--no-sandbox',
    '--no-demo',
    '--port',
    String(port),
    '--config',
    configPath,
    '--database-url',
    databaseUrl,
    '--log-level',
    'info',
    '--log-file',
    join(dir, `hub-${port}.log`),
  ]
  const hub = new HubSupervisor({
    url,
    env: { ...options.env, ...options.mainHubEnv },
    args: [...hubArgs(port), ...(options.mainHubArgs ?? [])],
  })
  await hub.start()
  const extra: HubSupervisor[] = []
  return {
    sandbox,
    hub,
    async addHub(more = {}) {
      const extraPort = await freePort()
      const another = new HubSupervisor({
        url: `http://127.0.0.1:${extraPort}`,
        env: { ...options.env, ...more.env },
        args: hubArgs(extraPort),
      })
      extra.push(another)
      await another.start()
      return another
    },
    hubLog: (hubUrl) => join(dir, `hub-${new URL(hubUrl).port}.log`),
    databaseUrl,
    dir,
    async dispose() {
      for (const another of extra) await another.stop()
      await hub.stop()
      await sandbox.stop()
      // SYNCLINE_CAMPAIGN_KEEP_LOGS=1 keeps the hubs' logs, config and database for a post-mortem.
      if (process.env.SYNCLINE_CAMPAIGN_KEEP_LOGS === '1') {
        process.stderr.write(
          `[campaign] kept the hub logs in ${dir} and the database ${database}\n`,
        )
      } else {
        await adminQuery(options.pgUrl, `drop database if exists ${database} with (force)`)
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}

export async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(text)
  } finally {
    await client.end()
  }
}

/**
 * The ledger rule at the NetSuite simulator for the orders Shopify got a 2xx for: every one has
 * exactly one sales order, written exactly once, and every record key was written once.
 */
export function netsuiteLedgerRule(sandbox: Sandbox): {
  acknowledged: number
  lost: string[]
  duplicated: string[]
} {
  const acknowledged = new Set(
    sandbox.shopify
      .deliveries()
      .filter((d) => d.topic === 'orders/create' && d.state === 'delivered')
      .map((d) => `SHOPIFY-O-${d.orderId ?? ''}`),
  )
  const effects = sandbox.netsuite.ledger().effects
  const salesOrders = new Map(
    effects.filter((e) => e.recordType === 'salesOrder').map((e) => [e.businessKey, e]),
  )
  const lost = [...acknowledged].filter((key) => salesOrders.get(key)?.creates !== 1)
  const duplicated = effects
    .filter((e) => e.creates > 1 || e.writes > 1)
    .map((e) => `${e.recordType}:${e.businessKey}`)
  return { acknowledged: acknowledged.size, lost, duplicated }
}

/**
 * The ledger rule's clock: polls `done` until it holds, or until 120 s have passed since
 * `lastFault()` (which moves while faults keep firing during the drain), or a 20-minute backstop
 * from the start of the wait so a hub that never finishes still ends the test.
 */
export async function waitTerminalAfterLastFault(
  done: () => boolean | Promise<boolean>,
  lastFault: () => number,
): Promise<{ settled: boolean; terminalMs: number }> {
  const since = Date.now()
  let settled = false
  while (!settled && Date.now() - lastFault() < 120_000 && Date.now() - since < 20 * 60_000) {
    settled = await done()
    if (!settled) await sleep(500)
  }
  return { settled, terminalMs: Date.now() - lastFault() }
}

/** Polls the runs per state until `done` holds of them or `timeoutMs` passes. */
export async function waitForRunStates(
  databaseUrl: string,
  done: (byState: Record<string, number>) => boolean,
  timeoutMs: number,
): Promise<{ settled: boolean; byState: Record<string, number> }> {
  let byState: Record<string, number> = {}
  const settled = await waitFor(
    async () => {
      const rows = await adminQuery(
        databaseUrl,
        'select state, count(*)::int as n from flow_runs group by state',
      )
      byState = Object.fromEntries(
        rows.rows.map((r: { state: string; n: number }) => [r.state, r.n]),
      )
      return done(byState)
    },
    timeoutMs,
    500,
  )
  return { settled, byState }
}

/** The code under test: HEAD, marked when the code differs from it (see ReliabilityResult.commit). */
function measuredCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], {
      encoding: 'utf8',
    }).trim()
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'test'], {
      encoding: 'utf8',
    }).trim()
    return changed === '' ? head : `${head}+changes`
  } catch {
    return 'unknown'
  }
}

export function recordResult(
  result: Omit<ReliabilityResult, 'tier' | 'finishedAt' | 'command' | 'commit'> & { file: string },
): void {
  const { file, ...rest } = result
  writeReliabilityResult(RESULTS, {
    ...rest,
    tier: TIER,
    finishedAt: new Date().toISOString(),
    commit: measuredCommit(),
    command: `SYNCLINE_RELIABILITY_TIER=${TIER}${SEED_INDEX === 0 ? '' : ` SYNCLINE_RELIABILITY_SEED_INDEX=${SEED_INDEX}`} npx vitest run --config vitest.reliability.config.ts test/reliability/campaign/${file}`,
  })
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** A small seeded PRNG for the test's own choices (kill times), so a seed reproduces a run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * Why Shopify's webhooks were not acknowledged: the undelivered ones counted by state and by what
 * each attempt got (status or error), plus the hub outages. A failing campaign run in CI leaves
 * no other trace, so this goes into the assertion message.
 */
export function undeliveredWebhooks(sandbox: Sandbox, hub: HubSupervisor): string {
  const undelivered = sandbox.shopify.deliveries().filter((d) => d.state !== 'delivered')
  if (undelivered.length === 0) return 'every webhook was acknowledged'
  const states = new Map<string, number>()
  for (const d of undelivered) states.set(d.state, (states.get(d.state) ?? 0) + 1)
  const outcomes = attemptOutcomes(undelivered)
  const first = undelivered[0]
  return [
    `${undelivered.length} webhooks not acknowledged (${countList(states)})`,
    `their attempts: ${countList(outcomes)}`,
    `first: ${JSON.stringify(first?.history.map((a) => [a.at.slice(11, 23), a.status ?? a.error, a.durationMs]))}`,
    `hub outages: ${hubOutages(hub)}`,
    `hub stderr tail: ${hub.stderrTail.slice(-1_500)}`,
  ].join('\n')
}

/** Every webhook attempt counted by what it got: `HTTP 200 ×950; UND_ERR_HEADERS_TIMEOUT… ×12`. */
export function webhookAttempts(sandbox: Sandbox): string {
  return countList(attemptOutcomes(sandbox.shopify.deliveries()))
}

function attemptOutcomes(
  deliveries: ReadonlyArray<{
    history: ReadonlyArray<{ status: number | null; error: string | null }>
  }>,
): Map<string, number> {
  const outcomes = new Map<string, number>()
  for (const d of deliveries) {
    for (const a of d.history) {
      const key = a.error === null ? `HTTP ${a.status ?? '?'}` : a.error.slice(0, 80)
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
    }
  }
  return outcomes
}

function countList(m: Map<string, number>): string {
  return [...m].map(([k, n]) => `${k} ×${n}`).join('; ')
}

/** Each time the hub went down (clock time) and how long until it answered again. */
export function hubOutages(hub: HubSupervisor): string {
  const outages = hub.outages.map(
    (o) =>
      `${new Date(o.at).toISOString().slice(11, 19)}+${o.readyAt === null ? '∞' : o.readyAt - o.at}ms`,
  )
  return `${outages.join(', ') || 'none'} (${hub.starts} starts)`
}
