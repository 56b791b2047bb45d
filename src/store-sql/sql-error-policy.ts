/** @module store-sql/sql-error-policy — which database errors are retried, and which mean "unavailable". */
import { setTimeout as delay } from 'node:timers/promises'
import { StoreUnavailableError } from '../store/store-contract.ts'

/** serialization_failure, deadlock_detected: the transaction did nothing and may simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01'])

/**
 * admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, query_canceled.
 * query_canceled is here because the store only cancels through statement_timeout, which fires
 * when the database is overloaded or blocked: an infrastructure condition to back off from.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014'])

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

/** `pg` reports pool timeouts and dropped sockets as plain Errors without a code. */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /connection error and is not queryable/i,
  /client was closed and is not queryable/i,
]

const MAX_ATTEMPTS = 5

/** Every `code` in the error, its causes and (for Node's happy-eyeballs AggregateError) its parts. */
function codesOf(error: unknown, depth = 0): string[] {
  if (depth > 5 || typeof error !== 'object' || error === null) return []
  const codes: string[] = []
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') codes.push(code)
  if (error instanceof AggregateError) {
    for (const inner of error.errors) codes.push(...codesOf(inner, depth + 1))
  }
  if (error instanceof Error && error.cause !== undefined) {
    codes.push(...codesOf(error.cause, depth + 1))
  }
  return codes
}

export function isRetryableConflict(error: unknown): boolean {
  return codesOf(error).some((code) => RETRYABLE_SQLSTATES.has(code))
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true
  const codes = codesOf(error)
  if (
    codes.some(
      (code) =>
        UNAVAILABLE_NODE_CODES.has(code) ||
        UNAVAILABLE_SQLSTATES.has(code) ||
        code.startsWith('08'),
    )
  ) {
    return true
  }
  const message = error instanceof Error ? error.message : ''
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))
}

/** Wraps infrastructure failures in `StoreUnavailableError`; anything else (a bug) passes through. */
export function toStoreError(operation: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new StoreUnavailableError(`store unavailable during ${operation}: ${detail}`, {
    cause: error,
  })
}

/**
 * Runs one store operation (a statement or a whole transaction) and runs it again on a
 * serialization failure or deadlock, which leave nothing behind. Connection failures are not
 * retried here: the engine owns that backoff, and it needs to see them quickly.
 */
export async function withStoreRetry<T>(operation: string, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isRetryableConflict(error)) {
        // Jitter keeps two colliding transactions from colliding again in lock step.
        await delay(Math.floor(Math.random() * 10 * attempt) + attempt * 5)
        continue
      }
      throw toStoreError(operation, error)
    }
  }
}
