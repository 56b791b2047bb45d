/** @module connectors/salesforce/salesforce-cometd-client — a Bayeux long-polling client for the Streaming API over httpExchange: handshake, subscribe with the replay extension, connect, disconnect, with the org's bearer token and cookies. */
import { LosslessNumber, stringify } from 'lossless-json'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse, HttpHeaders } from '../wire/http-exchange.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import {
  DEFAULT_ADVICE,
  SalesforceCometdError,
  adviceOf,
  bayeuxRefusal,
} from './salesforce-bayeux.ts'
import type { BayeuxAdvice, BayeuxMessage } from './salesforce-bayeux.ts'
import { classifySalesforceFailure } from './salesforce-error-classifier.ts'
import type { SalesforceFailure } from './salesforce-error-classifier.ts'
import type { SalesforceConnectionConfig } from './salesforce-spec.ts'
import type { SalesforceAccessToken, SalesforceTokenProvider } from './salesforce-token-provider.ts'

/** -1 (new events only), -2 (every retained event) or a replay id, as decimal text: an int64 may pass 2^53. */
export const REPLAY_FROM = /^(?:-[12]|\d{1,19})$/

const isObject = (value: unknown): value is BayeuxMessage =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * One CometD client of one org. It holds the Bayeux `clientId`, the server's latest advice, the
 * cookies the streaming servers pin a client with (`BAYEUX_BROWSER`, the load balancer's
 * `sfdc-stream`: without them a real org answers `403::Unknown client`), and the token it sent last.
 * Every failure is a SalesforceCometdError saying how to recover; HTTP-level ones are classified by
 * the REST classifier first.
 */
export class SalesforceCometdClient {
  readonly #config: SalesforceConnectionConfig
  readonly #tokens: SalesforceTokenProvider
  readonly #cookies = new Map<string, string>()
  #clientId: string | undefined
  #advice: BayeuxAdvice = DEFAULT_ADVICE
  #token: SalesforceAccessToken | undefined
  #nextId = 1

  constructor(config: SalesforceConnectionConfig, tokens: SalesforceTokenProvider) {
    this.#config = config
    this.#tokens = tokens
  }

  get clientId(): string | undefined {
    return this.#clientId
  }

  get advice(): BayeuxAdvice {
    return this.#advice
  }

  /** Drops the token the org refused; the next handshake fetches one (single flight, shared). */
  invalidateToken(): void {
    if (this.#token !== undefined) this.#tokens.invalidate(this.#token)
    this.#token = undefined
  }

  /** A new client id; the server forgets subscriptions with the old one, so subscribe again after. */
  async handshake(signal: AbortSignal): Promise<void> {
    this.#clientId = undefined
    // A refusal's `reconnect: none` belonged to the old client; a reply without advice must not inherit it.
    this.#advice = { ...this.#advice, reconnect: 'retry' }
    const message = {
      channel: '/meta/handshake',
      version: '1.0',
      minimumVersion: '1.0',
      supportedConnectionTypes: ['long-polling'],
      // The replay extension announces itself in the handshake, as EMP-Connector's does.
      ext: { replay: true },
    }
    // A fresh client has no subscription, so nothing can arrive with this reply.
    const { reply } = await this.#send(message, signal, this.#config.requestTimeoutMs)
    const clientId = reply.clientId
    if (typeof clientId !== 'string' || clientId === '') {
      throw this.#malformed('/meta/handshake', 'the handshake reply has no clientId')
    }
    this.#clientId = clientId
  }

  /** Subscribes `channel` from `replayFrom` (REPLAY_FROM); events may arrive with the reply. */
  async subscribe(
    channel: string,
    replayFrom: string,
    signal: AbortSignal,
  ): Promise<BayeuxMessage[]> {
    if (!REPLAY_FROM.test(replayFrom)) {
      throw new SalesforceCometdError(
        'validation',
        `Salesforce replay id ${JSON.stringify(replayFrom)} is not -1, -2 or a replay id`,
        'none',
        { code: 'INVALID_REPLAY_ID' },
      )
    }
    const message = {
      channel: '/meta/subscribe',
      clientId: this.#requireClient('/meta/subscribe'),
      subscription: channel,
      // A JSON number, never a string: replay ids are int64 and the server compares them as numbers.
      ext: { replay: { [channel]: new LosslessNumber(replayFrom) } },
    }
    const { events } = await this.#send(message, signal, this.#config.requestTimeoutMs)
    return events
  }

  /** One long poll: held by the server up to `advice.timeout` until events arrive. */
  async connect(signal: AbortSignal): Promise<BayeuxMessage[]> {
    const message = {
      channel: '/meta/connect',
      clientId: this.#requireClient('/meta/connect'),
      connectionType: 'long-polling',
    }
    // The server holds the request for its advised timeout; our own deadline comes on top of it.
    const deadline = this.#advice.timeout + this.#config.requestTimeoutMs
    const { events } = await this.#send(message, signal, deadline)
    return events
  }

  /** Best effort, never throws: the server frees the client at once instead of after 40 s idle. */
  async disconnect(): Promise<void> {
    const clientId = this.#clientId
    const token = this.#token
    this.#clientId = undefined
    if (clientId === undefined || token === undefined) return
    try {
      await this.#exchange(token, [{ channel: '/meta/disconnect', clientId, id: this.#id() }], {
        timeoutMs: Math.min(this.#config.requestTimeoutMs, 5_000),
        signal: undefined,
      })
    } catch {
      // The subscription is ending either way; the server forgets an idle client by itself.
    }
  }

  async #send(
    message: BayeuxMessage,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<{ reply: BayeuxMessage; events: BayeuxMessage[] }> {
    const step = String(message.channel)
    const id = this.#id()
    const token = await this.#tokenFor(signal)
    let response: HttpExchangeResponse
    try {
      response = await this.#exchange(token, [{ ...message, id }], { timeoutMs, signal })
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error
      const classified = this.#classify({ kind: 'network', operation: 'read', error }, step)
      throw SalesforceCometdError.wrap(classified, 'backoff')
    }
    if (response.status !== 200) {
      const classified = this.#classify(
        {
          kind: 'response',
          operation: 'read',
          status: response.status,
          headers: response.headers,
          body: response.body,
        },
        step,
      )
      // A 401 is the session, not the client: refresh the token once and handshake again.
      const recovery =
        response.status === 401
          ? 'reauthenticate'
          : classified.type === 'retryable' || classified.type === 'throttled'
            ? 'backoff'
            : 'none'
      throw SalesforceCometdError.wrap(classified, recovery)
    }
    const messages = this.#messages(response, step)
    const reply =
      messages.find((m) => m.channel === step && m.id === id) ??
      messages.find((m) => m.channel === step)
    if (reply === undefined) throw this.#malformed(step, `no ${step} reply in the response`)
    this.#advice = adviceOf(reply, this.#advice)
    if (reply.successful !== true) throw bayeuxRefusal(reply)
    const events = messages.filter(
      (m) => typeof m.channel === 'string' && !m.channel.startsWith('/meta/'),
    )
    return { reply, events }
  }

  async #tokenFor(signal: AbortSignal): Promise<SalesforceAccessToken> {
    try {
      this.#token = await this.#tokens.getToken(signal)
      return this.#token
    } catch (error) {
      if (HubError.is(error)) {
        // A refused token request (wrong secret, locked user) will not heal by handshaking again.
        const transient = error.type === 'retryable' || error.type === 'throttled'
        throw SalesforceCometdError.wrap(error, transient ? 'backoff' : 'none')
      }
      throw new SalesforceCometdError(
        'retryable',
        'Salesforce CometD request not sent: aborted while waiting for a token',
        'backoff',
        { cause: error },
      )
    }
  }

  async #exchange(
    token: SalesforceAccessToken,
    messages: BayeuxMessage[],
    options: { timeoutMs: number; signal: AbortSignal | undefined },
  ): Promise<HttpExchangeResponse> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await httpExchange({
      method: 'POST',
      url: `${token.instanceUrl}/cometd/${this.#config.apiVersion}`,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${token.value.reveal()}`,
        ...(cookie === '' ? {} : { cookie }),
      },
      body: stringify(messages) ?? '[]',
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    })
    for (const [name, value] of setCookies(response.headers)) this.#cookies.set(name, value)
    return response
  }

  #messages(response: HttpExchangeResponse, step: string): BayeuxMessage[] {
    let parsed: unknown
    try {
      parsed = parseUntrustedJson(response.body, { source: `Salesforce CometD ${step} response` })
    } catch (cause) {
      throw this.#malformed(step, 'the body is not JSON', cause)
    }
    const list = Array.isArray(parsed) ? parsed : [parsed]
    if (!list.every(isObject)) throw this.#malformed(step, 'the body is not Bayeux messages')
    return list
  }

  #requireClient(step: string): string {
    if (this.#clientId !== undefined) return this.#clientId
    throw new SalesforceCometdError(
      'retryable',
      `Salesforce CometD ${step} needs a handshake first`,
      'handshake',
      { code: 'UNKNOWN_CLIENT' },
    )
  }

  #malformed(step: string, reason: string, cause?: unknown): SalesforceCometdError {
    const classified = this.#classify(
      { kind: 'malformed_success', operation: 'read', status: 200, reason, cause },
      step,
    )
    return SalesforceCometdError.wrap(classified, 'backoff')
  }

  #classify(failure: SalesforceFailure, step: string): HubError {
    return classifySalesforceFailure({
      ...failure,
      label: `POST /cometd/${this.#config.apiVersion} (${step})`,
    })
  }

  #id(): string {
    return String(this.#nextId++)
  }
}

/** `name=value` of each Set-Cookie header; attributes (Path, Expires…) do not matter to one client. */
export function setCookies(headers: HttpHeaders): [string, string][] {
  const raw = Object.entries(headers).find(([key]) => key.toLowerCase() === 'set-cookie')?.[1]
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  return lines.flatMap((line): [string, string][] => {
    const pair = line.split(';', 1)[0] ?? ''
    const at = pair.indexOf('=')
    if (at <= 0) return []
    return [[pair.slice(0, at).trim(), pair.slice(at + 1).trim()]]
  })
}
