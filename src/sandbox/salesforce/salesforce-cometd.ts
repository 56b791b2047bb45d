/** @module sandbox/salesforce/salesforce-cometd — the Streaming API's Bayeux long-polling endpoint (/cometd/XX.X): handshake, subscribe with the `replay` extension, connect held until events arrive, as jsforce/faye and EMP-Connector speak it. */

import { randomBytes } from 'node:crypto'
import type { CdcEvent, CdcLog } from './salesforce-cdc-log.ts'
import { channelEntities } from './salesforce-cdc-log.ts'
import type { SessionStore } from './salesforce-sessions.ts'

export interface CometdDeps {
  readonly sessions: SessionStore
  readonly log: CdcLog
  readonly now: () => number
  readonly closing: AbortSignal
  /** How long a /meta/connect is held without events (Salesforce: 110 s). */
  readonly connectTimeoutMs: number
  /** A client that sends no /meta/connect for this long (org clock) is forgotten. */
  readonly clientIdleMs: number
}

type Message = Record<string, unknown>

interface Client {
  readonly id: string
  readonly subscriptions: Set<string>
  queue: Message[]
  wake: (() => void) | null
  lastSeenAt: number
}

export interface CometdClientView {
  readonly clientId: string
  readonly subscriptions: readonly string[]
  readonly queued: number
  readonly connected: boolean
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const isObject = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** An event as the channel delivers it: schema id, payload, and the replay id with the event's uuid. */
export function eventMessage(channel: string, event: CdcEvent): Message {
  return {
    channel,
    data: {
      schema: event.schema,
      payload: event.payload,
      event: { EventUuid: event.eventUuid, replayId: event.replayId },
    },
  }
}

export class CometdServer {
  readonly #deps: CometdDeps
  #clients = new Map<string, Client>()

  constructor(deps: CometdDeps) {
    this.#deps = deps
    deps.log.onPublish((events) => this.#deliver(events))
    deps.closing.addEventListener('abort', () => this.dropAll(), { once: true })
  }

  get #advice(): Message {
    return { interval: 0, timeout: this.#deps.connectTimeoutMs, reconnect: 'retry' }
  }

  /** One HTTP POST of Bayeux messages; resolves with the reply array (a connect may wait). */
  async handle(body: unknown, authorization: string | undefined): Promise<Message[]> {
    const messages = (Array.isArray(body) ? body : [body]).filter(isObject)
    const replies: Message[] = []
    for (const message of messages) replies.push(...(await this.#one(message, authorization)))
    return replies
  }

  /** Forgets every client: their next connect is told to handshake again (and resubscribe). */
  dropAll(): number {
    const count = this.#clients.size
    for (const client of this.#clients.values()) client.wake?.()
    this.#clients = new Map()
    return count
  }

  /** Sends retained events after `replayId` again to current subscribers, same uuids and replay ids. */
  redeliver(replayId: number): number {
    const events = this.#deps.log.after(replayId)
    return this.#deliver(events)
  }

  clients(): CometdClientView[] {
    return [...this.#clients.values()].map((c) => ({
      clientId: c.id,
      subscriptions: [...c.subscriptions],
      queued: c.queue.length,
      connected: c.wake !== null,
    }))
  }

  async #one(message: Message, authorization: string | undefined): Promise<Message[]> {
    const channel = text(message.channel)
    const base: Message = { channel, ...(message.id === undefined ? {} : { id: message.id }) }
    const authorised = this.#deps.sessions.fromAuthorization(authorization) !== undefined
    if (channel === '/meta/handshake') {
      if (!authorised) {
        return [
          {
            ...base,
            successful: false,
            error: '403::Handshake denied',
            ext: { sfdc: { failureReason: '401::Authentication invalid' }, replay: true },
            advice: { reconnect: 'none' },
          },
        ]
      }
      const client: Client = {
        id: randomBytes(12).toString('base64url'),
        subscriptions: new Set(),
        queue: [],
        wake: null,
        lastSeenAt: this.#deps.now(),
      }
      this.#clients.set(client.id, client)
      return [
        {
          ...base,
          version: '1.0',
          minimumVersion: '1.0',
          supportedConnectionTypes: ['long-polling'],
          clientId: client.id,
          successful: true,
          advice: this.#advice,
          ext: { replay: true, 'payload.format': true },
        },
      ]
    }
    const client = this.#live(text(message.clientId))
    if (!client) {
      return [
        {
          ...base,
          successful: false,
          error: '403::Unknown client',
          advice: { reconnect: 'handshake', interval: 0 },
        },
      ]
    }
    const withClient: Message = { ...base, clientId: client.id }
    if (!authorised) {
      return [
        {
          ...withClient,
          successful: false,
          error: '401::Authentication invalid',
          ext: { sfdc: { failureReason: '401::Authentication invalid' } },
          advice: { reconnect: 'none' },
        },
      ]
    }
    switch (channel) {
      case '/meta/connect':
        return this.#connect(client, withClient, message)
      case '/meta/subscribe':
        return [this.#subscribe(client, withClient, message)]
      case '/meta/unsubscribe':
        client.subscriptions.delete(text(message.subscription))
        return [{ ...withClient, subscription: message.subscription, successful: true }]
      case '/meta/disconnect':
        this.#clients.delete(client.id)
        client.wake?.()
        return [{ ...withClient, successful: true }]
      default:
        return [{ ...withClient, successful: false, error: '403::Publish denied' }]
    }
  }

  /** A client that went quiet for longer than the idle limit is gone, as on the real server. */
  #live(clientId: string): Client | undefined {
    const client = this.#clients.get(clientId)
    if (!client) return undefined
    if (client.wake === null && this.#deps.now() - client.lastSeenAt > this.#deps.clientIdleMs) {
      this.#clients.delete(clientId)
      return undefined
    }
    return client
  }

  async #connect(client: Client, reply: Message, message: Message): Promise<Message[]> {
    client.lastSeenAt = this.#deps.now()
    // A second connect replaces a held one, which returns at once with what it has.
    client.wake?.()
    const asked = isObject(message.advice) ? Number(message.advice.timeout) : NaN
    const holdMs =
      Number.isFinite(asked) && asked >= 0
        ? Math.min(asked, this.#deps.connectTimeoutMs)
        : this.#deps.connectTimeoutMs
    if (client.queue.length === 0 && holdMs > 0 && !this.#deps.closing.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, holdMs)
        function done(): void {
          clearTimeout(timer)
          if (client.wake === done) client.wake = null
          resolve()
        }
        client.wake = done
      })
    }
    client.lastSeenAt = this.#deps.now()
    if (!this.#clients.has(client.id)) {
      return [
        {
          ...reply,
          successful: false,
          error: '403::Unknown client',
          advice: { reconnect: 'handshake', interval: 0 },
        },
      ]
    }
    const events = client.queue
    client.queue = []
    return [...events, { ...reply, successful: true, advice: this.#advice }]
  }

  #subscribe(client: Client, reply: Message, message: Message): Message {
    const subscription = text(message.subscription)
    const withSub = { ...reply, subscription }
    if (!channelEntities(subscription)) {
      return {
        ...withSub,
        successful: false,
        error: `400::The channel you requested to subscribe to does not exist {${subscription}}`,
      }
    }
    const ext = isObject(message.ext) ? message.ext : {}
    const replay = isObject(ext.replay) ? ext.replay[subscription] : undefined
    const from = replay === undefined || replay === null ? -1 : Number(replay)
    const read = this.#deps.log.read(subscription, Number.isFinite(from) ? from : Number.NaN)
    if (!read.ok) return { ...withSub, successful: false, error: `400::${read.message}` }
    client.subscriptions.add(subscription)
    if (read.events.length > 0) {
      client.queue.push(...read.events.map((e) => eventMessage(subscription, e)))
      client.wake?.()
    }
    return { ...withSub, successful: true }
  }

  #deliver(events: readonly CdcEvent[]): number {
    let queued = 0
    const now = this.#deps.now()
    for (const client of this.#clients.values()) {
      // A client that went away without disconnecting must not hoard events forever.
      if (client.wake === null && now - client.lastSeenAt > this.#deps.clientIdleMs) {
        this.#clients.delete(client.id)
        continue
      }
      for (const channel of client.subscriptions) {
        const entities = channelEntities(channel) ?? []
        const matching = events.filter((e) => entities.includes(e.entity))
        client.queue.push(...matching.map((e) => eventMessage(channel, e)))
        queued += matching.length
      }
      if (client.queue.length > 0) client.wake?.()
    }
    return queued
  }
}
