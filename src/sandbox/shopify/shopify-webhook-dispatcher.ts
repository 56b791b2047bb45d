/** @module sandbox/shopify/shopify-webhook-dispatcher — signs and delivers webhooks like Shopify: original payload and headers on every retry, backoff, bounded sockets, every attempt reported for auto-removal. */

import { createHmac, randomUUID } from 'node:crypto'
import { Agent, request } from 'undici'
import { ConcurrencyLimiter } from '../kit/concurrency-limiter.ts'
import type { WebhookSubscription } from './shopify-webhook-subscriptions.ts'

export type DeliveryState = 'pending' | 'delivered' | 'abandoned'

export interface DeliveryAttempt {
  readonly kind: 'initial' | 'retry' | 'redeliver'
  readonly at: string
  readonly status: number | null
  readonly error: string | null
  readonly durationMs: number
}

export interface WebhookDeliveryView {
  readonly webhookId: string
  readonly eventId: string
  readonly topic: string
  readonly subscriptionId: string
  readonly address: string
  /** The resource the event is about: the order id for orders/* topics, as a string. */
  readonly resourceId: string | null
  readonly orderId: string | null
  readonly attempts: number
  readonly state: DeliveryState
  readonly lastStatus: number | null
  readonly lastError: string | null
  readonly triggeredAt: string
  readonly lastAttemptAt: string | null
  readonly nextAttemptAt: string | null
  readonly deliveredAt: string | null
  readonly history: readonly DeliveryAttempt[]
}

export interface DispatcherOptions {
  readonly now: () => number
  readonly shopDomain: string
  /** The app secret at trigger time; deliveries keep the signature they were created with. */
  readonly secret: () => string
  /** Delay before retry n (ms); the last value repeats if there are more retries than entries. */
  readonly retryScheduleMs: readonly number[]
  readonly maxRetries: number
  /** At most this many deliveries on the wire at once. */
  readonly concurrency: number
  readonly connectTimeoutMs: number
  readonly totalTimeoutMs: number
  /**
   * Called after every attempt (initial, retry, redelivery) with whether it succeeded, so that
   * failures can be counted per subscription across its deliveries.
   */
  readonly onAttempt?: (delivery: WebhookDeliveryView, subscriptionId: bigint, ok: boolean) => void
  /** Called when a delivery has failed its initial attempt and every retry. */
  readonly onAbandoned?: (delivery: WebhookDeliveryView, subscriptionId: bigint) => void
}

interface Delivery {
  readonly webhookId: string
  readonly eventId: string
  readonly topic: string
  readonly subscriptionId: bigint
  readonly address: string
  readonly resourceId: string | null
  readonly body: Buffer
  readonly headers: Readonly<Record<string, string>>
  readonly triggeredAt: number
  state: DeliveryState
  history: DeliveryAttempt[]
  retriesUsed: number
  nextAttemptAt: number | null
  deliveredAt: number | null
  timer: NodeJS.Timeout | null
}

export class WebhookDispatcher {
  readonly #o: DispatcherOptions
  readonly #agent: Agent
  readonly #limiter: ConcurrencyLimiter
  readonly #stop = new AbortController()
  #deliveries = new Map<string, Delivery>()
  #busy = 0
  #idleWaiters: (() => void)[] = []
  #closed: Promise<void> | undefined

  constructor(options: DispatcherOptions) {
    this.#o = options
    this.#agent = new Agent({ connect: { timeout: options.connectTimeoutMs } })
    // A burst of thousands of orders must not open thousands of sockets.
    this.#limiter = new ConcurrencyLimiter(options.concurrency)
  }

  /**
   * One merchant action: a delivery per subscription, all sharing the Event-Id and the body bytes,
   * each with its own Webhook-Id. Returns the Event-Id.
   */
  fire(
    topic: string,
    body: string,
    subscriptions: readonly WebhookSubscription[],
    resourceId: string | null,
  ): string {
    const eventId = randomUUID()
    const triggeredAt = this.#o.now()
    const bytes = Buffer.from(body, 'utf8')
    const hmac = createHmac('sha256', this.#o.secret()).update(bytes).digest('base64')
    for (const sub of subscriptions) {
      const webhookId = randomUUID()
      const delivery: Delivery = {
        webhookId,
        eventId,
        topic,
        subscriptionId: sub.id,
        address: sub.address,
        resourceId,
        body: bytes,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Shopify-Captain-Hook',
          'x-shopify-topic': topic,
          'x-shopify-hmac-sha256': hmac,
          'x-shopify-shop-domain': this.#o.shopDomain,
          'x-shopify-api-version': sub.apiVersion,
          'x-shopify-webhook-id': webhookId,
          'x-shopify-event-id': eventId,
          'x-shopify-triggered-at': new Date(triggeredAt).toISOString(),
        },
        triggeredAt,
        state: 'pending',
        history: [],
        retriesUsed: 0,
        nextAttemptAt: triggeredAt,
        deliveredAt: null,
        timer: null,
      }
      this.#deliveries.set(webhookId, delivery)
      this.#launch(delivery, 'initial')
    }
    return eventId
  }

  /** Sends a delivery again, byte for byte and with the same Webhook-Id; resolves after the attempt. */
  async redeliver(webhookId: string): Promise<WebhookDeliveryView | undefined> {
    const delivery = this.#deliveries.get(webhookId)
    if (!delivery) return undefined
    await this.#track(this.#attempt(delivery, 'redeliver'))
    return view(delivery)
  }

  list(): WebhookDeliveryView[] {
    return [...this.#deliveries.values()].map(view)
  }

  get(webhookId: string): WebhookDeliveryView | undefined {
    const delivery = this.#deliveries.get(webhookId)
    return delivery && view(delivery)
  }

  /** Resolves once no delivery is pending or on the wire (retries included); rejects after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`webhook deliveries still pending after ${timeoutMs} ms`)),
        timeoutMs,
      )
      this.#idleWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** Forgets every delivery and cancels pending retries (attempts on the wire finish unrecorded). */
  clear(): void {
    for (const d of this.#deliveries.values()) if (d.timer) clearTimeout(d.timer)
    this.#deliveries = new Map()
    this.#notifyIfIdle()
  }

  /**
   * Cancels everything and closes the sockets; safe to call more than once (the sandbox's stop()
   * promises that). undici rejects a second `Agent.close()` with ClientDestroyedError, so every
   * call shares the first one's promise.
   */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#stop.abort(new Error('dispatcher closing'))
      this.clear()
      this.#closed = this.#agent.close().then(() => undefined)
    }
    return this.#closed
  }

  #launch(delivery: Delivery, kind: 'initial' | 'retry'): void {
    void this.#track(this.#attempt(delivery, kind)).then(() =>
      this.#afterScheduledAttempt(delivery),
    )
  }

  async #track(work: Promise<void>): Promise<void> {
    this.#busy += 1
    try {
      await work
    } finally {
      this.#busy -= 1
      this.#notifyIfIdle()
    }
  }

  #afterScheduledAttempt(delivery: Delivery): void {
    if (delivery.state !== 'pending' || this.#deliveries.get(delivery.webhookId) !== delivery) {
      return
    }
    if (delivery.retriesUsed >= this.#o.maxRetries) {
      delivery.state = 'abandoned'
      delivery.nextAttemptAt = null
      this.#o.onAbandoned?.(view(delivery), delivery.subscriptionId)
      this.#notifyIfIdle()
      return
    }
    const schedule = this.#o.retryScheduleMs
    const delay = schedule[delivery.retriesUsed] ?? schedule[schedule.length - 1] ?? 1000
    delivery.retriesUsed += 1
    delivery.nextAttemptAt = this.#o.now() + delay
    delivery.timer = setTimeout(() => {
      delivery.timer = null
      if (delivery.state === 'pending') this.#launch(delivery, 'retry')
    }, delay)
  }

  async #attempt(delivery: Delivery, kind: DeliveryAttempt['kind']): Promise<void> {
    const { started, status, error } = await this.#limiter.run(() => this.#send(delivery))
    if (this.#stop.signal.aborted) return
    const at = new Date(started).toISOString()
    delivery.history.push({ kind, at, status, error, durationMs: this.#o.now() - started })
    const ok = error === null && status !== null && status >= 200 && status < 300
    if (ok && delivery.state !== 'delivered') {
      delivery.state = 'delivered'
      delivery.deliveredAt = this.#o.now()
      delivery.nextAttemptAt = null
      if (delivery.timer) clearTimeout(delivery.timer)
      delivery.timer = null
    }
    this.#o.onAttempt?.(view(delivery), delivery.subscriptionId, ok)
  }

  /** One POST of the stored bytes; any non-answer (refused, reset, timed out) becomes `error`. */
  async #send(
    delivery: Delivery,
  ): Promise<{ started: number; status: number | null; error: string | null }> {
    const started = this.#o.now()
    try {
      const signal = AbortSignal.any([
        this.#stop.signal,
        AbortSignal.timeout(this.#o.totalTimeoutMs),
      ])
      const response = await request(delivery.address, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        dispatcher: this.#agent,
        signal,
      })
      await response.body.dump({ limit: 1024 * 1024, signal })
      return { started, status: response.statusCode, error: null }
    } catch (cause) {
      return { started, status: null, error: describe(cause) }
    }
  }

  #isIdle(): boolean {
    if (this.#busy > 0) return false
    for (const d of this.#deliveries.values()) if (d.state === 'pending') return false
    return true
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle()) return
    for (const wake of this.#idleWaiters.splice(0)) wake()
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause)
  const code = (cause as { code?: unknown }).code
  return typeof code === 'string' ? `${code}: ${cause.message}` : `${cause.name}: ${cause.message}`
}

function view(d: Delivery): WebhookDeliveryView {
  const last = d.history[d.history.length - 1]
  const iso = (ms: number | null): string | null =>
    ms === null ? null : new Date(ms).toISOString()
  return {
    webhookId: d.webhookId,
    eventId: d.eventId,
    topic: d.topic,
    subscriptionId: String(d.subscriptionId),
    address: d.address,
    resourceId: d.resourceId,
    orderId: d.topic.startsWith('orders/') ? d.resourceId : null,
    attempts: d.history.length,
    state: d.state,
    lastStatus: last?.status ?? null,
    lastError: last?.error ?? null,
    triggeredAt: new Date(d.triggeredAt).toISOString(),
    lastAttemptAt: last?.at ?? null,
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    deliveredAt: iso(d.deliveredAt),
    history: [...d.history],
  }
}
