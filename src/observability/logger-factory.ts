/** @module observability/logger-factory — the one way the hub builds its pino logger. */
import { pino } from 'pino'
import type { DestinationStream, Logger, LevelWithSilent } from 'pino'
import { REDACTED, REDACT_PATHS } from './log-redaction.ts'

export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]

export interface LoggerOptions {
  level: LevelWithSilent
  /** Where JSON lines go; stdout when omitted (tests pass a stream to read them back). */
  destination?: DestinationStream
  /** Fields on every line, e.g. `{ service: 'syncline', tenantId }`. */
  base?: Record<string, unknown>
}

export function isLogLevel(value: string): value is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(value)
}

/**
 * JSON logs with credentials censored by path. `Secret` values need no rule here: they serialise as
 * `[REDACTED]` through their own `toJSON`, `toString` and `inspect`, whichever pino happens to use.
 */
export function createLogger(options: LoggerOptions): Logger {
  const config = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    // A label instead of pino's number so a human reading `docker logs` sees `"level":"warn"`.
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  return options.destination === undefined ? pino(config) : pino(config, options.destination)
}
