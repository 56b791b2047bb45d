/** @module errors — the small taxonomy that drives the engine's behaviour.
 *
 * Retryability is data (the `type`), not a class hierarchy: the engine matches on `type`.
 * Every error raised at a boundary wraps the lower-level error as `cause`.
 */

export const ERROR_TYPES = [
  /** Transient: try again after backoff. 5xx, connection refused before the request was sent. */
  'retryable',
  /** The target asked us to slow down; retry no earlier than `retryAfterMs`. Does not burn an attempt. */
  'throttled',
  /** Credentials rejected even after one refresh. Retried with backoff: an operator may fix them. */
  'auth',
  /** The request can never succeed as it is (business validation, bad mapping): dead-letter at once. */
  'validation',
  /** The target reports a conflicting state (duplicate, version mismatch): read the target, then retry. */
  'conflict',
  /** The request may or may not have taken effect (timeout, dropped connection): read before retry. */
  'unknown_outcome',
] as const

export type ErrorType = (typeof ERROR_TYPES)[number]

export interface HubErrorOptions {
  cause?: unknown
  /** Machine-readable code from the target, e.g. NetSuite `INVALID_VALUE`. */
  code?: string
  /** HTTP status from the target, when there was one. */
  status?: number
  /** For `throttled`: the earliest moment to call again, in ms from now. */
  retryAfterMs?: number
  /** The field or path the target blamed, e.g. `item`. */
  path?: string
}

export class HubError extends Error {
  readonly type: ErrorType
  readonly code: string | undefined
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  readonly path: string | undefined

  constructor(type: ErrorType, message: string, options: HubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'HubError'
    this.type = type
    this.code = options.code
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
    this.path = options.path
  }

  static retryable(message: string, options?: HubErrorOptions): HubError {
    return new HubError('retryable', message, options)
  }
  static throttled(message: string, retryAfterMs: number, options?: HubErrorOptions): HubError {
    return new HubError('throttled', message, { ...options, retryAfterMs })
  }
  static auth(message: string, options?: HubErrorOptions): HubError {
    return new HubError('auth', message, options)
  }
  static validation(message: string, options?: HubErrorOptions): HubError {
    return new HubError('validation', message, options)
  }
  static conflict(message: string, options?: HubErrorOptions): HubError {
    return new HubError('conflict', message, options)
  }
  static unknownOutcome(message: string, options?: HubErrorOptions): HubError {
    return new HubError('unknown_outcome', message, options)
  }

  static is(value: unknown): value is HubError {
    return value instanceof HubError
  }
}

/** The serialisable form stored with runs, steps and dead letters. Never holds secrets. */
export interface ErrorRecord {
  type: ErrorType | 'internal'
  message: string
  code?: string
  status?: number
  retryAfterMs?: number
  path?: string
  /** Chain of `cause` messages, outermost first, for the operator. */
  causes?: string[]
}

/**
 * Longest message and cause message an ErrorRecord keeps. The record is stored with the run, the
 * step and the dead letter, and logged: a message built from the input (a ZodError lists every
 * issue) must not make it grow with the input.
 */
export const MAX_ERROR_MESSAGE_CHARS = 4_000
export const MAX_CAUSE_MESSAGE_CHARS = 500
const MAX_PATH_CHARS = 500

/** Cuts `text` to `max` characters plus a note of what was left out, never inside a surrogate pair. */
export function truncateMessage(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max
  const last = text.charCodeAt(end - 1)
  // A high surrogate whose pair was cut off would make the record unstorable as jsonb.
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}… (${text.length - end} more characters)`
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`
  try {
    return JSON.stringify(cause) ?? String(cause)
  } catch {
    // A BigInt or a cycle: the record must still be built.
    return String(cause)
  }
}

export function toErrorRecord(error: unknown): ErrorRecord {
  const causes: string[] = []
  let cause = error instanceof Error ? error.cause : undefined
  while (cause !== undefined && causes.length < 5) {
    causes.push(truncateMessage(describeCause(cause), MAX_CAUSE_MESSAGE_CHARS))
    cause = cause instanceof Error ? cause.cause : undefined
  }
  if (error instanceof HubError) {
    return {
      type: error.type,
      message: truncateMessage(error.message, MAX_ERROR_MESSAGE_CHARS),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(error.path === undefined ? {} : { path: truncateMessage(error.path, MAX_PATH_CHARS) }),
      ...(causes.length > 0 ? { causes } : {}),
    }
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return {
    type: 'internal',
    message: truncateMessage(message, MAX_ERROR_MESSAGE_CHARS),
    ...(causes.length > 0 ? { causes } : {}),
  }
}
