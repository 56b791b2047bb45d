/** @module bench/peers/queue-drain-child — what every drain child shares: its config from the
 * parent, messages back over IPC, the wait for the database to hold no unfinished job, and the
 * CPU the PostgreSQL backends spent serving it (read from /proc, as `ps` would).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type pg from 'pg'
import { peerPackageDir } from './peer-install.ts'
import type { DrainConfig, DrainMessage, DrainResult } from './queue-drain-runner.ts'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every x86 kernel). */
const CLOCK_TICKS_PER_SECOND = 100

const send = (message: DrainMessage): void => {
  process.send?.(message)
}

export const progress = (message: string): void => {
  send({ type: 'progress', message })
}

/** Loads a CommonJS peer from bench/peers/node_modules, so the root project never resolves it. */
export function requirePeer(name: string, file: string): unknown {
  return createRequire(import.meta.url)(join(peerPackageDir(name), file))
}

/** Runs the drain and reports its result or failure to the parent, then exits. */
export function runChild(drain: (config: DrainConfig) => Promise<DrainResult>): void {
  // An orphaned child must not keep a worker pool running after the bench is gone.
  process.on('disconnect', () => process.exit(2))
  const config = JSON.parse(process.argv[2] ?? '{}') as DrainConfig
  drain(config).then(
    (result) => {
      send({ type: 'result', result })
      process.exit(0)
    },
    (error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) })
      process.exit(1)
    },
  )
}

/** Polls `count` (a query returning one row `{ n }`) until it is 0, at most `timeoutMs`. */
export async function waitForZero(
  client: pg.Client,
  sql: string,
  params: unknown[],
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const { rows } = await client.query<{ n: number }>(sql, params)
    if ((rows[0]?.n ?? 0) === 0) return
    if (performance.now() > deadline) {
      throw new Error(`${rows[0]?.n ?? '?'} jobs still unfinished after ${timeoutMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** CPU ms each other backend of this database has used so far; null without a readable /proc. */
export async function backendCpu(client: pg.Client): Promise<Map<number, number> | null> {
  const { rows } = await client.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()",
  )
  const cpu = new Map<number, number>()
  try {
    for (const { pid } of rows) {
      // Fields after the parenthesised command: state is [0], utime [11], stime [12].
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(fields[11]) + Number(fields[12])
      cpu.set(pid, (ticks * 1000) / CLOCK_TICKS_PER_SECOND)
    }
  } catch {
    return null
  }
  return cpu
}

/** CPU ms the backends used between two snapshots (a backend new since `before` counts whole). */
export function cpuBetween(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): number | null {
  if (before === null || after === null) return null
  let total = 0
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0)
  return total
}

/** User + system CPU ms of this process since `since` (a `process.cpuUsage()`). */
export function ownCpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}
