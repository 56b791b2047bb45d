/** @module bench/peers/queue-drain-runner — runs one job queue's burn-down in a child process
 * and reads its result: N no-op jobs inserted in batches, then drained by the queue's own worker
 * at a documented tuning. A child process keeps the peer's CPU apart from the bench's (and its
 * signal handlers and pools out of the bench process), so its CPU-seconds can be reported.
 */
import { fork } from 'node:child_process'
import { join } from 'node:path'
import pg from 'pg'
import type {
  BenchContext,
  BenchFigure,
  Workload,
  WorkloadResult,
} from '../harness/bench-contract.ts'
import { ensurePeers, PEERS_DIR, peerVersions } from './peer-install.ts'

/** What the parent tells the child (as JSON in argv[2]). */
export interface DrainConfig {
  readonly url: string
  readonly jobs: number
  /** Jobs per insert call (one transaction each). */
  readonly insertBatch: number
  /** The queue's knobs, as the child applies them; echoed into the notes. */
  readonly tuning: Readonly<Record<string, number>>
}

export interface DrainResult {
  readonly jobs: number
  readonly insertMs: number
  /** From starting the worker to the database holding no unfinished job. */
  readonly drainMs: number
  /** The child's user + system CPU during the drain. */
  readonly workerCpuMs: number
  /** CPU of the PostgreSQL backends serving the worker during the drain; null where /proc is not readable. */
  readonly backendCpuMs: number | null
  readonly notes: readonly string[]
}

export type DrainMessage =
  | { readonly type: 'progress'; readonly message: string }
  | { readonly type: 'result'; readonly result: DrainResult }
  | { readonly type: 'error'; readonly message: string }

/** Runs `bench/peers/<entry>` (a drain child) and resolves to its result; throws on failure. */
export function runDrainChild(
  entry: string,
  config: DrainConfig,
  ctx: Pick<BenchContext, 'progress'>,
  timeoutMs: number,
): Promise<DrainResult> {
  // The child is TypeScript too: load it through the same tsx the bench runs under.
  const child = fork(join(PEERS_DIR, entry), [JSON.stringify(config)], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let stderr = ''
  const keep = (chunk: Buffer): void => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return new Promise<DrainResult>((resolve, reject) => {
    let result: DrainResult | undefined
    let failure: string | undefined
    const timer = setTimeout(() => {
      failure = `no result after ${Math.round(timeoutMs / 1000)} s`
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('message', (raw) => {
      const message = raw as DrainMessage
      if (message.type === 'progress') ctx.progress(message.message)
      else if (message.type === 'result') result = message.result
      else failure = message.message
    })
    child.on('error', (error) => {
      failure ??= error.message
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (result !== undefined) resolve(result)
      else {
        const how = signal === null ? `exited ${code}` : `was killed (${signal})`
        const detail = failure ?? (stderr.trim().split('\n').at(-1) || 'no output')
        reject(new Error(`${entry} ${how}: ${detail}`))
      }
    })
  })
}

/** `show synchronous_commit` on the workload's database: the durability every job commit had. */
export async function synchronousCommit(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ synchronous_commit: string }>('show synchronous_commit')
    return rows[0]?.synchronous_commit ?? 'unknown'
  } finally {
    await client.end()
  }
}

/** `12,345` */
export const grouped = (n: number): string => Math.round(n).toLocaleString('en-US')

/** What distinguishes one queue peer's workload from another's. */
export interface DrainPeerSpec {
  /** `graphile-worker`: the figure is `peer.<name>.drain`. */
  readonly name: string
  readonly title: string
  /** The child entry in bench/peers. */
  readonly entry: string
  /** Its knobs, and one line saying where they come from. */
  readonly tuning: Readonly<Record<string, number>>
  readonly tuningNote: string
  /** How jobs are inserted, for the notes: "addJobs". */
  readonly insertCall: string
}

/** Jobs drained: as many as W3 in a full run, a few seconds' worth with --quick. */
const JOBS = { full: 100_000, quick: 5_000 } as const
const INSERT_BATCH = 1_000
/** The 8-connection insert-commit ceiling W0 measures in the same run. */
export const INSERT_CEILING = 'w0.pg.insert-8'

/** A workload that installs the queue peers if needed and times one burn-down. */
export function drainWorkload(spec: DrainPeerSpec): Workload {
  const id = `peer:${spec.name}`
  return {
    id,
    title: spec.title,
    async run(ctx) {
      const started = performance.now()
      const done = (rest: Omit<WorkloadResult, 'id' | 'title' | 'durationMs'>): WorkloadResult => ({
        id,
        title: spec.title,
        durationMs: performance.now() - started,
        ...rest,
      })
      const reason = await ensurePeers('queues', {
        progress: (m) => ctx.progress(`${spec.name}: ${m}`),
        logFile: join(ctx.scratchDir, 'peers-npm-install.log'),
      })
      if (reason !== null) return done({ figures: [], notes: [reason], skipped: reason })

      const jobs = ctx.quick ? JOBS.quick : JOBS.full
      const url = await ctx.freshDatabase(`peer_${spec.name.replace(/\W/g, '_')}`)
      const durability = await synchronousCommit(url)
      let result: DrainResult
      try {
        result = await runDrainChild(
          spec.entry,
          { url, jobs, insertBatch: INSERT_BATCH, tuning: spec.tuning },
          { progress: (m) => ctx.progress(`${spec.name}: ${m}`) },
          (ctx.quick ? 2 : 10) * 60_000,
        )
      } catch (error) {
        const message = `the drain failed: ${error instanceof Error ? error.message : String(error)}`
        return done({ figures: [], notes: [message], skipped: message })
      }
      const rate = (result.jobs * 1000) / result.drainMs
      ctx.progress(`${spec.name}: ${grouped(rate)} jobs/s`)
      const perThousand = (ms: number): string =>
        `${(ms / 1000).toFixed(2)} CPU-s (${(ms / result.jobs).toFixed(3)} CPU-s per 1,000 jobs)`
      const tuning = Object.entries(spec.tuning)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
      const figure: BenchFigure = {
        key: `peer.${spec.name}.drain`,
        label: `no-op jobs drained (${grouped(jobs)} pre-inserted)`,
        value: Math.round(rate),
        unit: 'jobs/s',
        baseline: INSERT_CEILING,
      }
      return done({
        figures: [figure],
        notes: [
          `${spec.name} ${peerVersions()[spec.name] ?? '?'} in its own process on a fresh database; synchronous_commit=${durability}`,
          `tuning: ${tuning} (${spec.tuningNote})`,
          `${grouped(jobs)} jobs inserted by ${spec.insertCall} in batches of ${grouped(INSERT_BATCH)} in ${(result.insertMs / 1000).toFixed(1)} s (${grouped((jobs * 1000) / result.insertMs)} jobs/s), then drained in ${(result.drainMs / 1000).toFixed(2)} s`,
          `worker process CPU during the drain: ${perThousand(result.workerCpuMs)}` +
            (result.backendCpuMs === null
              ? ''
              : `; its PostgreSQL backends: ${perThousand(result.backendCpuMs)}`),
          ...(ctx.figure(INSERT_CEILING) === undefined
            ? [`baseline ${INSERT_CEILING} was not measured in this run`]
            : []),
          ...result.notes,
        ],
      })
    },
  }
}
