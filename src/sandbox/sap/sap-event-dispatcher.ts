/** @module sandbox/sap/sap-event-dispatcher — pushes business events to webhook subscribers like an event broker: same event id on every retry, holds and out-of-order release, redelivery. */

import { randomUUID } from 'node:crypto'
import { Agent, request } from 'undici'
import { ConcurrencyLimiter } from '../kit/concurrency-limiter.ts'
import type { FeedEntry } from './sap-event-feed.ts'

export interface EventSubscription {
  readonly id: string
  readonly url: string
  /** Event types delivered; null for all. */
  readonly types: readonly string[] | null
}

export type DeliveryState = 'held' | 'pending' | 'delivered' | 'abandoned'

export interface DeliveryView {
  readonly deliveryId: string
  readonly eventId: string
  readonly type: string
  readonly subscriptionId: string
  readonly url: string
  readonly state: DeliveryState
  readonly attempts: number
  readonly lastStatus: number | null
  readonly lastError: string | null
}

export interface DispatcherOptions {
  /** Delay before retry n; the last value repeats. */
  readonly retryScheduleMs: readonly number[]
  readonly maxRetries: number
  /** A subscriber that answers later than this is retried, even if it processed the event. */
  readonly timeoutMs: number
  readonly concurrency: number
}

interface Delivery {
  readonly id: string
  readonly entry: FeedEntry
  readonly sub: EventSubscription
  readonly body: string
  state: DeliveryState
  attempts: number
  retries: number
  lastStatus: number | null
  lastError: string | null
  timer: NodeJS.Timeout | null
}

export class EventDispatcher {
  readonly #o: DispatcherOptions
  readonly #agent = new Agent({ connect: { timeout: 1000 } })
  readonly #limiter: ConcurrencyLimiter
  readonly #stop = new AbortController()
  #subs: EventSubscription[] = []
  #deliveries: Delivery[] = []
  #holding = false
  #busy = 0
  #idle: (() => void)[] = []
  #closed: Promise<void> | undefined

  constructor(options: DispatcherOptions) {
    this.#o = options
    this.#limiter = new ConcurrencyLimiter(options.concurrency)
  }

  subscribe(url: string, types: readonly string[] | null): EventSubscription {
    const sub = { id: randomUUID(), url, types }
    this.#subs.push(sub)
    return sub
  }

  unsubscribe(id: string): boolean {
    const before = this.#subs.length
    this.#subs = this.#subs.filter((s) => s.id !== id)
    return this.#subs.length < before
  }

  subscriptions(): EventSubscription[] {
    return [...this.#subs]
  }

  /** One delivery per matching subscription; held back while the dispatcher is holding. */
  publish(entry: FeedEntry): void {
    for (const sub of this.#subs) {
      if (sub.types !== null && !sub.types.includes(entry.event.type)) continue
      const delivery: Delivery = {
        id: randomUUID(),
        entry,
        sub,
        body: JSON.stringify(entry.event),
        state: this.#holding ? 'held' : 'pending',
        attempts: 0,
        retries: 0,
        lastStatus: null,
        lastError: null,
        timer: null,
      }
      this.#deliveries.push(delivery)
      if (!this.#holding) this.#launch(delivery)
    }
  }

  hold(): void {
    this.#holding = true
  }

  /** Sends what was held, oldest first or newest first (to reorder events on purpose). */
  release(order: 'fifo' | 'reverse'): number {
    this.#holding = false
    const held = this.#deliveries.filter((d) => d.state === 'held')
    if (order === 'reverse') held.reverse()
    for (const d of held) {
      d.state = 'pending'
      this.#launch(d)
    }
    return held.length
  }

  /** Sends a delivery once more, same event id and bytes; resolves after the attempt. */
  async redeliver(deliveryId: string): Promise<DeliveryView | undefined> {
    const d = this.#deliveries.find((x) => x.id === deliveryId)
    if (!d) return undefined
    await this.#track(this.#attempt(d))
    return view(d)
  }

  list(): DeliveryView[] {
    return this.#deliveries.map(view)
  }

  /** Resolves once nothing is pending or on the wire; held deliveries do not count. */
  settled(timeoutMs: number): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('event deliveries still pending')), timeoutMs)
      this.#idle.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  clear(): void {
    for (const d of this.#deliveries) if (d.timer) clearTimeout(d.timer)
    this.#deliveries = []
    this.#subs = []
    this.#holding = false
    this.#notify()
  }

  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#stop.abort(new Error('dispatcher closing'))
      this.clear()
      this.#closed = this.#agent.close().then(() => undefined)
    }
    return this.#closed
  }

  #launch(d: Delivery): void {
    void this.#track(this.#attempt(d)).then(() => this.#schedule(d))
  }

  #schedule(d: Delivery): void {
    if (d.state !== 'pending' || !this.#deliveries.includes(d)) return
    if (d.retries >= this.#o.maxRetries) {
      d.state = 'abandoned'
      this.#notify()
      return
    }
    const s = this.#o.retryScheduleMs
    const delay = s[d.retries] ?? s[s.length - 1] ?? 1000
    d.retries += 1
    d.timer = setTimeout(() => {
      d.timer = null
      if (d.state === 'pending') this.#launch(d)
    }, delay)
  }

  async #track(work: Promise<void>): Promise<void> {
    this.#busy += 1
    try {
      await work
    } finally {
      this.#busy -= 1
      this.#notify()
    }
  }

  async #attempt(d: Delivery): Promise<void> {
    const outcome = await this.#limiter.run(() => this.#send(d))
    if (this.#stop.signal.aborted) return
    d.attempts += 1
    d.lastStatus = outcome.status
    d.lastError = outcome.error
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      d.state = 'delivered'
      if (d.timer) clearTimeout(d.timer)
      d.timer = null
    }
  }

  async #send(d: Delivery): Promise<{ status: number | null; error: string | null }> {
    try {
      const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#o.timeoutMs)])
      const response = await request(d.sub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
        body: d.body,
        dispatcher: this.#agent,
        signal,
      })
      await response.body.dump({ limit: 1024 * 1024, signal })
      return { status: response.statusCode, error: null }
    } catch (cause) {
      return { status: null, error: cause instanceof Error ? cause.message : String(cause) }
    }
  }

  #isIdle(): boolean {
    return this.#busy === 0 && !this.#deliveries.some((d) => d.state === 'pending')
  }

  #notify(): void {
    if (!this.#isIdle()) return
    for (const wake of this.#idle.splice(0)) wake()
  }
}

function view(d: Delivery): DeliveryView {
  return {
    deliveryId: d.id,
    eventId: d.entry.event.id,
    type: d.entry.event.type,
    subscriptionId: d.sub.id,
    url: d.sub.url,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
  }
}
