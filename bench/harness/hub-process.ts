/** @module bench/harness/hub-process — the hub as a user runs it (`syncline start`, its own
 * process), with the sandbox's simulators as its connections, and the process's CPU time and
 * memory read from /proc so figures like "CPU-seconds per 1,000 orders" are the hub's alone.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { BENCH_NETSUITE_CONCURRENCY } from './bench-limits.ts'
import {
  netsuiteConnectionFields,
  shopifyConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'

export interface BenchHubOptions {
  readonly shopify: ShopifySimulator
  readonly netsuite: NetSuiteSimulator
  /** PostgreSQL URL, or `{ dataDir }` for the embedded store. */
  readonly store: { readonly databaseUrl: string } | { readonly dataDir: string }
  readonly scratchDir: string
  readonly label: string
  /** Extra `engine` settings (concurrency, claim batch). */
  readonly engine?: Record<string, unknown>
  /** `--no-worker`: webhooks and API only (W1 measures ingest alone). */
  readonly worker?: boolean
  /** Write a V8 CPU profile of the hub here when it stops. */
  readonly cpuProfileDir?: string
}

export interface BenchHub {
  readonly url: string
  readonly pid: number
  /** The hub's user + system CPU time so far, in seconds. */
  cpuSeconds(): number
  /** The highest resident memory sampled so far (every 200 ms), in MB. */
  peakRssMb(): number
  /** Resident memory now, in MB. */
  rssMb(): number
  /** The hub's log file (JSON lines). */
  readonly logFile: string
  stop(): Promise<void>
}

const CLOCK_TICKS_PER_SECOND = 100

export async function startBenchHub(options: BenchHubOptions): Promise<BenchHub> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const configPath = join(options.scratchDir, `${options.label}-hub.json`)
  const logFile = join(options.scratchDir, `${options.label}-hub.log`)
  await writeFile(configPath, JSON.stringify(benchHubConfig(options)))
  const storeArgs =
    'databaseUrl' in options.store
      ? ['--database-url', options.store.databaseUrl]
      : ['--data-dir', options.store.dataDir]
  const child = spawn(
    process.execPath,
    [
      ...(options.cpuProfileDir === undefined
        ? []
        : [
            '--cpu-prof',
            `--cpu-prof-dir=${options.cpuProfileDir}`,
            `--cpu-prof-name=${options.label}.cpuprofile`,
          ]),
      'bin/syncline.js',
      'start',
      '--no-sandbox',
      '--no-demo',
      '--port',
      String(port),
      '--config',
      configPath,
      ...storeArgs,
      '--log-level',
      'warn',
      '--log-file',
      logFile,
      ...(options.worker === false ? ['--no-worker'] : []),
    ],
    // DATABASE_URL from the caller's environment must not pick the store behind our back.
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '' } },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('the hub process did not start')
  let peak = 0
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss(pid))
  }, 200)
  try {
    await waitReady(url, child, () => stderr)
  } catch (error) {
    clearInterval(sampler)
    child.kill('SIGKILL')
    throw error
  }
  return {
    url,
    pid,
    logFile,
    cpuSeconds: () => cpuSeconds(pid),
    peakRssMb: () => Math.max(peak, rss(pid)),
    rssMb: () => rss(pid),
    async stop() {
      clearInterval(sampler)
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await gone
      clearTimeout(timer)
    },
  }
}

/** The hub's config for the sandbox's simulators, with the engine tuned as the workload asks. */
function benchHubConfig(options: BenchHubOptions): Record<string, unknown> {
  const { shopify, netsuite } = options
  return {
    connections: {
      shopify: { bench: shopifyConnectionFields(shopify) },
      netsuite: { bench: netsuiteConnectionFields(netsuite) },
    },
    flows: [
      {
        flow: 'shopify-order-to-netsuite',
        shopifyConnection: 'bench',
        netsuiteConnection: 'bench',
      },
    ],
    // The order domain's default ERP budget (8 calls in flight) is a share for a shared account;
    // here orders are the account's only traffic, so they get all of it, as the peers do.
    policies: {
      orderLifecycle: { budgets: { erp: { concurrency: BENCH_NETSUITE_CONCURRENCY } } },
    },
    engine: { ...options.engine },
    summaryIntervalMs: 0,
  }
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the hub exited before it was ready: ${stderr()}`)
    }
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the hub was not ready within 90 s: ${stderr()}`)
}

function rss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
  } catch {
    return 0
  }
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
  } catch {
    return 0
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
