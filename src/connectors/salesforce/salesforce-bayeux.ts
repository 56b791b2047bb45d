/** @module connectors/salesforce/salesforce-bayeux — Bayeux 1.0 as the Streaming API speaks it: the server's advice, and which recovery each refusal (`401::…`, `403::Unknown client`, an expired replay id) calls for. */
// A table as data, like the REST error table: the first matching row decides, and every row
// carries a real refusal as Salesforce words it, which the tests run through `bayeuxRefusal`.
import { HubError } from '../../errors/hub-error.ts'
import type { ErrorType, HubErrorOptions } from '../../errors/hub-error.ts'

export type BayeuxMessage = Record<string, unknown>

/**
 * `handshake`: the server forgot the client; handshake and resubscribe now. `reauthenticate`: the
 * session was refused; drop the token, fetch one (once), handshake. `replay_expired`: the replay id
 * is outside the retention window. `backoff`: transient; wait, then handshake. `none`: stop.
 */
export type CometdRecovery = 'handshake' | 'reauthenticate' | 'replay_expired' | 'backoff' | 'none'

/** A failure of the CometD conversation, with what the subscriber should do about it. */
export class SalesforceCometdError extends HubError {
  readonly recovery: CometdRecovery

  constructor(
    type: ErrorType,
    message: string,
    recovery: CometdRecovery,
    options: HubErrorOptions,
  ) {
    super(type, message, options)
    this.recovery = recovery
  }

  /** Keeps a classified HubError's type and facts, adding the recovery; the original is the cause. */
  static wrap(error: HubError, recovery: CometdRecovery): SalesforceCometdError {
    return new SalesforceCometdError(error.type, error.message, recovery, {
      cause: error,
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    })
  }
}

export interface BayeuxAdvice {
  reconnect: 'retry' | 'handshake' | 'none'
  /** Wait this long before the next /meta/connect. */
  interval: number
  /** How long the server holds a /meta/connect without events (Salesforce: 110 s). */
  timeout: number
}

export const DEFAULT_ADVICE: BayeuxAdvice = { reconnect: 'retry', interval: 0, timeout: 110_000 }

const isObject = (value: unknown): value is BayeuxMessage =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const ms = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback

/** The advice a reply carries, over the last one known: the server sends only what changed. */
export function adviceOf(message: BayeuxMessage, previous: BayeuxAdvice): BayeuxAdvice {
  const advice = message.advice
  if (!isObject(advice)) return previous
  const reconnect = ['retry', 'handshake', 'none'].find((r) => r === advice.reconnect) as
    BayeuxAdvice['reconnect'] | undefined
  return {
    reconnect: reconnect ?? previous.reconnect,
    interval: ms(advice.interval, previous.interval),
    timeout: ms(advice.timeout, previous.timeout),
  }
}

/** What the rules look at: `403::Unknown client` → status 403, text `Unknown client`. */
export interface BayeuxRefusalFacts {
  status: number | undefined
  text: string
  /** `ext.sfdc.failureReason`: a refused handshake names the real cause here (`401::Authentication invalid`). */
  failureReason: string
  reconnect: string | undefined
}

export function bayeuxRefusalFacts(reply: BayeuxMessage): BayeuxRefusalFacts {
  const error = text(reply.error)
  const match = /^(\d{3})::(.*)$/s.exec(error)
  const ext = isObject(reply.ext) ? reply.ext : {}
  const sfdc = isObject(ext.sfdc) ? ext.sfdc : {}
  const advice = isObject(reply.advice) ? reply.advice : {}
  return {
    status: match ? Number(match[1]) : undefined,
    text: match?.[2] ?? error,
    failureReason: text(sfdc.failureReason),
    reconnect: typeof advice.reconnect === 'string' ? advice.reconnect : undefined,
  }
}

export interface BayeuxRefusalRule {
  id: string
  when: string
  type: ErrorType
  recovery: CometdRecovery
  /** The code the HubError carries. */
  code: string
  retryAfterMs?: number
  /** A refusal as the Streaming API sends it; the tests check it lands on this row. */
  example: BayeuxMessage
  matches(facts: BayeuxRefusalFacts): boolean
}

/** Salesforce's words for a replay id outside the retention window (or never issued). */
const INVALID_REPLAY = /The replayId \{([^}]*)\} you provided was invalid/i

const refusal = (error: string, extra: BayeuxMessage = {}): BayeuxMessage => ({
  channel: '/meta/connect',
  successful: false,
  error,
  ...extra,
})

export const BAYEUX_REFUSAL_TABLE: readonly BayeuxRefusalRule[] = [
  {
    id: 'session-refused',
    when: '`401::Authentication invalid`, or a handshake denied with `ext.sfdc.failureReason` 401: the session timed out or was revoked',
    type: 'auth',
    recovery: 'reauthenticate',
    code: 'AUTHENTICATION_INVALID',
    example: refusal('403::Handshake denied', {
      channel: '/meta/handshake',
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      advice: { reconnect: 'none' },
    }),
    matches: (f) => f.status === 401 || f.failureReason.startsWith('401'),
  },
  {
    id: 'replay-id-invalid',
    when: '`400::The replayId {…} you provided was invalid`: the stored replay id is past the 72 h retention (or from another org)',
    type: 'validation',
    recovery: 'replay_expired',
    code: 'INVALID_REPLAY_ID',
    example: refusal(
      '400::The replayId {41} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.',
      { channel: '/meta/subscribe' },
    ),
    matches: (f) => INVALID_REPLAY.test(f.text),
  },
  {
    id: 'unknown-client',
    when: '`403::Unknown client` or advice `reconnect: handshake`: the server dropped the client (restart, idle 40 s)',
    type: 'retryable',
    recovery: 'handshake',
    code: 'UNKNOWN_CLIENT',
    example: refusal('403::Unknown client', { advice: { reconnect: 'handshake', interval: 0 } }),
    matches: (f) => /unknown client/i.test(f.text) || f.reconnect === 'handshake',
  },
  {
    id: 'daily-event-limit',
    when: '`403::Organization total events daily limit exceeded`: the org’s daily event delivery allocation is spent',
    type: 'throttled',
    recovery: 'backoff',
    code: 'EVENT_DELIVERY_LIMIT',
    retryAfterMs: 15 * 60_000,
    example: refusal('403::Organization total events daily limit exceeded'),
    matches: (f) => f.status === 403 && /daily limit/i.test(f.text),
  },
  {
    id: 'concurrent-clients',
    when: '`403::Organization concurrent user limit exceeded`: too many CometD clients on the org',
    type: 'throttled',
    recovery: 'backoff',
    code: 'CONCURRENT_CLIENT_LIMIT',
    retryAfterMs: 60_000,
    example: refusal('403::Organization concurrent user limit exceeded'),
    matches: (f) => f.status === 403 && /concurrent/i.test(f.text),
  },
  {
    id: 'server-busy',
    when: '5xx (`503::Server is too busy`): the streaming server is overloaded or restarting',
    type: 'retryable',
    recovery: 'backoff',
    code: 'STREAMING_UNAVAILABLE',
    example: refusal('503::Server is too busy. Please try again later.'),
    matches: (f) => f.status !== undefined && f.status >= 500,
  },
  {
    id: 'bad-subscription',
    when: '400 or 404 (`The channel you requested to subscribe to does not exist`): the channel is wrong or Change Data Capture is not enabled for the entity',
    type: 'validation',
    recovery: 'none',
    code: 'INVALID_CHANNEL',
    example: refusal(
      '400::The channel you requested to subscribe to does not exist {/data/LeadChangeEvent}',
      { channel: '/meta/subscribe' },
    ),
    matches: (f) => f.status === 400 || f.status === 404,
  },
  {
    id: 'denied',
    when: 'any other 403 (`Handshake denied`): the user lacks the Streaming API or View All Data permission',
    type: 'auth',
    recovery: 'none',
    code: 'STREAMING_DENIED',
    example: refusal('403::Handshake denied', {
      channel: '/meta/handshake',
      advice: { reconnect: 'none' },
    }),
    matches: (f) => f.status === 403,
  },
  {
    id: 'advised-retry',
    when: 'any other refusal with advice `reconnect: retry`',
    type: 'retryable',
    recovery: 'backoff',
    code: 'BAYEUX_RETRY',
    example: refusal('402::Too many connections', { advice: { reconnect: 'retry' } }),
    matches: (f) => f.reconnect === 'retry',
  },
  {
    id: 'other-refusal',
    when: 'any other unsuccessful reply: Bayeux says handshake again',
    type: 'retryable',
    recovery: 'handshake',
    code: 'BAYEUX_REFUSED',
    example: refusal('409::Something unexpected'),
    matches: () => true,
  },
]

export function matchBayeuxRefusal(reply: BayeuxMessage): BayeuxRefusalRule {
  const facts = bayeuxRefusalFacts(reply)
  const rule = BAYEUX_REFUSAL_TABLE.find((r) => r.matches(facts))
  if (rule === undefined) throw new Error('BAYEUX_REFUSAL_TABLE has no catch-all row')
  return rule
}

/** An unsuccessful reply (`successful: false`) as a classified error with its recovery. */
export function bayeuxRefusal(reply: BayeuxMessage): SalesforceCometdError {
  const rule = matchBayeuxRefusal(reply)
  const facts = bayeuxRefusalFacts(reply)
  const channel = text(reply.channel) || 'reply'
  const reason = facts.failureReason === '' ? '' : ` (${facts.failureReason})`
  const message = `Salesforce CometD ${channel} refused: ${text(reply.error) || 'no error given'}${reason}`
  return new SalesforceCometdError(rule.type, message, rule.recovery, {
    code: rule.code,
    cause: new Error(JSON.stringify(reply).slice(0, 2000)),
    ...(facts.status === undefined ? {} : { status: facts.status }),
    ...(rule.retryAfterMs === undefined ? {} : { retryAfterMs: rule.retryAfterMs }),
  })
}
