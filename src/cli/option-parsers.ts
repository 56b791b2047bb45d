/** @module cli/option-parsers — option values checked at parse time, with messages that say why. */
import { InvalidArgumentError } from 'commander'
import { APPROVAL_STATES, BREAK_STATES, RUN_STATES } from '../store/store-contract.ts'
import type { ApprovalState, BreakState, RunState } from '../store/store-contract.ts'

export const LOG_LEVEL_NAMES = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number]

export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^[0-9]+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port).')
  }
  return port
}

export function parseLimit(value: string): number {
  const limit = Number(value)
  if (!/^[0-9]+$/.test(value) || limit < 1 || limit > 500) {
    throw new InvalidArgumentError('must be an integer from 1 to 500.')
  }
  return limit
}

export function parseRunId(value: string): string {
  if (!/^[0-9]{1,19}$/.test(value)) {
    throw new InvalidArgumentError(`'${value}' is not a run id (run ids are digits only).`)
  }
  return value
}

export function parseRunState(value: string): RunState {
  const state = RUN_STATES.find((s) => s === value)
  if (state === undefined) {
    throw new InvalidArgumentError(`must be one of ${RUN_STATES.join(', ')}.`)
  }
  return state
}

export function parseApprovalState(value: string): ApprovalState {
  const state = APPROVAL_STATES.find((s) => s === value)
  if (state === undefined) {
    throw new InvalidArgumentError(`must be one of ${APPROVAL_STATES.join(', ')}.`)
  }
  return state
}

export function parseBreakState(value: string): BreakState {
  const state = BREAK_STATES.find((s) => s === value)
  if (state === undefined) {
    throw new InvalidArgumentError(`must be one of ${BREAK_STATES.join(', ')}.`)
  }
  return state
}

export function isLogLevelName(value: string): value is LogLevelName {
  return (LOG_LEVEL_NAMES as readonly string[]).includes(value)
}

/** The hub's base URL without a trailing slash, so paths can be appended. */
export function parseHubUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError(`'${value}' is not a URL; expected e.g. http://127.0.0.1:8080.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`'${value}' must be an http:// or https:// URL.`)
  }
  return url.href.replace(/\/+$/, '')
}
