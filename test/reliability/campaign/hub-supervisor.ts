// A supervisor for a hub child process: restarts it within a second whenever it dies (as a
// process manager would), kills it on demand, counts crash-point hits, and samples its memory.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { waitFor } from '../../support/hub-harness.ts'

export interface SupervisorOptions {
  args: string[]
  env?: Record<string, string>
  url: string
  restartDelayMs?: number
}

export class HubSupervisor {
  readonly url: string
  readonly #options: SupervisorOptions
  #child: ChildProcess | undefined
  #stopping = false
  #sampler: NodeJS.Timeout | undefined
  starts = 0
  kills = 0
  /** Exits we did not cause: crash points firing. */
  unplannedExits = 0
  crashPointHits = new Map<string, number>()
  peakRssMb = 0
  stderrTail = ''
  /** Epoch ms of each kill (ours or a crash point), and when the hub answered again after it. */
  readonly outages: Array<{ at: number; readyAt: number | null }> = []

  constructor(options: SupervisorOptions) {
    this.#options = options
    this.url = options.url
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  async start(): Promise<void> {
    this.#sampler ??= setInterval(() => this.#sampleRss(), 250)
    await this.#spawn()
  }

  /** SIGKILL now; the supervisor restarts it. Resolves once the new process answers. */
  async kill9(): Promise<void> {
    // Between a crash (a crash point) and its restart there is nothing to kill: wait for the
    // successor. Returning at once instead let a caller's `while (kills < n) await kill9()` spin
    // on resolved promises and starve the timer that restarts the hub.
    await waitFor(
      () => this.#child !== undefined && !exited(this.#child) && this.#ready,
      90_000,
      50,
    )
    const child = this.#child
    if (!child || exited(child)) return
    this.kills += 1
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await gone
    await waitFor(() => this.#child !== child && this.#ready, 90_000, 50)
  }

  /** SIGSTOP for `ms`, then SIGCONT: a frozen worker that wakes up believing it still holds its leases. */
  async freeze(ms: number): Promise<void> {
    const pid = this.#child?.pid
    if (pid === undefined) return
    process.kill(pid, 'SIGSTOP')
    await new Promise((r) => setTimeout(r, ms))
    process.kill(pid, 'SIGCONT')
  }

  async stop(): Promise<void> {
    this.#stopping = true
    if (this.#sampler) clearInterval(this.#sampler)
    const child = this.#child
    if (child && !exited(child)) {
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await gone
      clearTimeout(timer)
    }
  }

  #ready = false

  async #spawn(): Promise<void> {
    this.#ready = false
    const child = spawn(process.execPath, this.#options.args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...this.#options.env },
    })
    this.#child = child
    this.starts += 1
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      this.stderrTail = (this.stderrTail + text).slice(-4_000)
      for (const match of text.matchAll(/crash point (\w+) hit/g)) {
        const name = match[1] ?? ''
        this.crashPointHits.set(name, (this.crashPointHits.get(name) ?? 0) + 1)
      }
    })
    child.once('exit', () => {
      if (this.#stopping) return
      const outage = { at: Date.now(), readyAt: null as number | null }
      this.outages.push(outage)
      if (this.kills + this.unplannedExits < this.outages.length) this.unplannedExits += 1
      setTimeout(() => {
        void this.#spawn().then(() => {
          outage.readyAt = Date.now()
        })
      }, this.#options.restartDelayMs ?? 200)
    })
    const ok = await waitFor(
      async () => {
        if (exited(child)) return true
        try {
          const health = (await (await fetch(`${this.url}/healthz`)).json()) as { pid?: number }
          return health.pid === child.pid && (await fetch(`${this.url}/readyz`)).status === 200
        } catch {
          return false
        }
      },
      90_000,
      50,
    )
    if (ok && !exited(child)) this.#ready = true
    else if (!exited(child)) {
      child.kill('SIGKILL')
      throw new Error(`hub did not become ready: ${this.stderrTail}`)
    }
  }

  #sampleRss(): void {
    const pid = this.#child?.pid
    if (pid === undefined) return
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      this.peakRssMb = Math.max(this.peakRssMb, Math.round(kb / 1024))
    } catch {
      // The process just exited; the next sample finds its successor.
    }
  }
}

/** A child killed by a signal has `exitCode` null and `signalCode` set: both mean it is gone. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}
