/** @module cli/commands/start-command — `syncline start`: run the hub until SIGINT or SIGTERM. */
import { Command, Option } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { CliError, writeLine } from '../cli-io.ts'
import { LOG_LEVEL_NAMES, isLogLevelName, parsePort } from '../option-parsers.ts'
import type { LogLevelName } from '../option-parsers.ts'
import type { HubStartOptions, StartHub, StartedHub } from '../server-modules.ts'
import { loadStartHub } from '../server-modules.ts'

export const DEFAULT_DATA_DIR = './.syncline/data'

interface StartFlags {
  port: number
  host: string
  demo: boolean
  sandbox: boolean
  worker: boolean
  databaseUrl?: string
  dataDir: string
  config?: string
  logLevel?: LogLevelName
  logFile?: string
  allowUnsafeDurability: boolean
  preparedStatements: boolean
}

/** How long a graceful stop may take before a second signal, or this bound, forces the exit. */
const STOP_GRACE_MS = 30_000

export function resolveLogLevel(flag: LogLevelName | undefined, io: CliIo): LogLevelName {
  if (flag !== undefined) return flag
  const fromEnv = io.env.SYNCLINE_LOG_LEVEL
  if (fromEnv === undefined || fromEnv === '') return 'info'
  if (!isLogLevelName(fromEnv)) {
    throw new CliError(
      `SYNCLINE_LOG_LEVEL='${fromEnv}' must be one of ${LOG_LEVEL_NAMES.join(', ')}`,
    )
  }
  return fromEnv
}

export function toHubStartOptions(flags: StartFlags, io: CliIo): HubStartOptions {
  const databaseUrl = flags.databaseUrl ?? (io.env.DATABASE_URL || undefined)
  return {
    port: flags.port,
    host: flags.host,
    demo: flags.demo,
    sandbox: flags.sandbox,
    worker: flags.worker,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    dataDir: flags.dataDir,
    ...(flags.config === undefined ? {} : { configPath: flags.config }),
    logLevel: resolveLogLevel(flags.logLevel, io),
    ...(flags.logFile === undefined ? {} : { logFile: flags.logFile }),
    // The reliability campaign's test setting; never set in production.
    ...(io.env.HUB_CRASHPOINTS ? { crashPoints: io.env.HUB_CRASHPOINTS } : {}),
    allowUnsafeDurability: flags.allowUnsafeDurability,
    preparedStatements: flags.preparedStatements,
  }
}

/** Failures an operator fixes (port taken, store locked or down, bad config), not bugs. */
const OPERATIONAL_ERRORS = new Set([
  'HubError',
  'StoreLockedError',
  'StoreUnavailableError',
  'CliError',
  'ConfigError',
])

/** One line for an operational failure; anything else keeps its stack for the bug report. */
export function operationalFailure(error: unknown, failed: string): unknown {
  if (!(error instanceof Error)) return error
  const code = (error as { code?: unknown }).code
  if (OPERATIONAL_ERRORS.has(error.name) || typeof code === 'string') {
    return new CliError(`${failed}: ${error.message}`)
  }
  return error
}

/** The process-level effects of `start`, replaceable so tests can run it in-process. */
export interface StartRuntime {
  loadStartHub: () => Promise<StartHub>
  onSignal: (signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void) => void
  /** Exit now (a second signal, or a stop that hangs). */
  exit: (code: number) => void
  /** The exit code once the event loop drains after a graceful stop. */
  setExitCode: (code: number) => void
}

export const processRuntime: StartRuntime = {
  loadStartHub,
  onSignal: (signal, handler) => void process.on(signal, handler),
  exit: (code) => process.exit(code),
  setExitCode: (code) => {
    process.exitCode = code
  },
}

/** Stops the hub once on the first signal; a second signal means "now" and exits at once. */
function stopOnSignals(hub: StartedHub, io: CliIo, runtime: StartRuntime): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      writeLine(io.stderr, `syncline: ${signal} again, exiting without waiting`)
      runtime.exit(1)
      return
    }
    stopping = true
    writeLine(io.stderr, `syncline: ${signal} received, stopping (finishing in-flight work)...`)
    // Unref'd: it never keeps a cleanly stopped process alive, only ends one that hangs.
    const force = setTimeout(() => {
      writeLine(io.stderr, `syncline: stop took longer than ${STOP_GRACE_MS / 1000} s, exiting`)
      runtime.exit(1)
    }, STOP_GRACE_MS)
    force.unref()
    hub.stop().then(
      () => {
        clearTimeout(force)
        writeLine(io.stderr, 'syncline: stopped')
        runtime.setExitCode(0)
      },
      (error: unknown) => {
        clearTimeout(force)
        writeLine(
          io.stderr,
          `syncline: stop failed: ${error instanceof Error ? error.message : String(error)}`,
        )
        runtime.setExitCode(1)
      },
    )
  }
  runtime.onSignal('SIGINT', onSignal)
  runtime.onSignal('SIGTERM', onSignal)
}

export function startCommand(io: CliIo, runtime: StartRuntime = processRuntime): Command {
  return new Command('start')
    .description(
      'Run the hub: webhooks, workers, the operator API and (by default) the demo sandbox.',
    )
    .addOption(
      new Option('--port <n>', 'port for webhooks and the API').argParser(parsePort).default(8080),
    )
    .option('--host <h>', 'interface to listen on', '127.0.0.1')
    .option('--no-demo', 'run the hub and the sandbox without demo traffic')
    .option('--no-sandbox', 'do not start the vendor simulators')
    .option(
      '--no-worker',
      'serve webhooks and the API but run no flows (workers run in other processes on the same database)',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL connection string (or env DATABASE_URL); omit for the embedded store',
    )
    .option('--data-dir <dir>', 'folder of the embedded store', DEFAULT_DATA_DIR)
    .option('--config <file>', 'JSON file with the connections to run')
    .option(
      '--log-file <file>',
      'where JSON logs go; "-" for stdout (default: hub.log beside the data folder)',
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'log level (or env SYNCLINE_LOG_LEVEL; default info)',
      ).choices(LOG_LEVEL_NAMES),
    )
    .option(
      '--allow-unsafe-durability',
      'start even when the database does not fsync commits (data may be lost on a crash)',
      false,
    )
    .option(
      '--no-prepared-statements',
      'send every PostgreSQL statement unnamed (for poolers that cannot keep prepared statements, such as PgBouncer before 1.21 in transaction mode)',
    )
    .action(async (flags: StartFlags) => {
      const options = toHubStartOptions(flags, io)
      let hub: StartedHub
      try {
        const startHub = await runtime.loadStartHub()
        // The hub prints its addresses and periodic summaries; they go where the CLI writes.
        hub = await startHub({ ...options, print: (line) => writeLine(io.stdout, line) })
      } catch (error) {
        throw operationalFailure(error, 'could not start the hub')
      }
      stopOnSignals(hub, io, runtime)
      writeLine(io.stdout, `hub running at ${hub.url}; Ctrl+C to stop`)
    })
}
