/** @module sandbox/threepl/threepl-webhook-dispatcher — delivers events to endpoints as a Standard Webhooks sender: signed per attempt, retried on the spec's schedule in simulator time, with scripted duplicates, reordering and bad signatures. */

import { randomBytes } from 'node:crypto'
import { ConcurrencyLimiter } from '../kit/concurrency-limiter.ts'
import type { SeededRandom } from '../kit/seeded-random.ts'
import type { SimClock } from '../kit/sim-clock.ts'
import type { WarehouseEvent } from './threepl-events.ts'
import { deliveryView, WebhookSender } from './threepl-webhook-delivery.ts'
import type { AttemptKind, Delivery, DeliveryView } from './threepl-webhook-delivery.ts'
import type { WebhookEndpoint, WebhookEndpoints } from './threepl-webhook-endpoints.ts'
import type { WebhookFaultScript } from './threepl-webhook-faults.ts'
import { SECRET_PREFIX, signatureHeader } from './threepl-webhook-signer.ts'

export interface DispatcherOptions {
  readonly clock: SimClock
  readonly endpoints: WebhookEndpoints
  readonly faults: () => WebhookFaultScript
  /** Delay before retry n (simulator ms); the last value repeats if maxRetries is larger. */
  readonly retryScheduleMs: readonly number[]
  readonly maxRetries: number
  /** ± this fraction of each delay, drawn from the seed (the spec recommends jitter). */
  readonly jitter: number
  readonly random: SeededRandom
  readonly concurrency: number
  readonly connectTimeoutMs: number
  readonly totalTimeoutMs: number
  /** An endpoint failing this long when a delivery runs out of retries is disabled. */
  readonly disableAfterMs: number
}

export class WebhookDispatcher {
  readonly #o: DispatcherOptions
  readonly #sender: WebhookSender
  readonly #limiter: ConcurrencyLimiter
  readonly #stop = new AbortController()
  readonly #unsubscribe: () => void
  #deliveries = new Map<string, Delivery>()
  #next = 1
  #busy = 0
  #idleWaiters: (() => void)[] = []
  #closed: Promise<void> | undefined

  constructor(options: DispatcherOptions) {
    this.#o = options
    this.#sender = new WebhookSender(
      options.connectTimeoutMs,
      options.totalTimeoutMs,
      this.#stop.signal,
    )
    this.#limiter = new ConcurrencyLimiter(options.concurrency)
    // A skipped clock makes retries due at once instead of after the real-time wait.
    this.#unsubscribe = options.clock.onJump(() => {
      for (const d of this.#deliveries.values()) if (d.state === 'pending' && d.timer) this.#arm(d)
    })
  }

  /** One delivery per subscribed endpoint, all with the event's id and bytes. */
  fire(event: WarehouseEvent): void {
    for (const endpoint of this.#o.endpoints.subscribedTo(event.type)) {
      const script = this.#o.faults()
      const d: Delivery = {
        id: `dlv_${String(this.#next++).padStart(6, '0')}`,
        event,
        endpointId: endpoint.id,
        url: endpoint.url,
        fault: script.decide(),
        createdAt: this.#o.clock.now(),
        state: 'pending',
        history: [],
        retriesUsed: 0,
        nextAttemptAt: this.#o.clock.now(),
        deliveredAt: null,
        retryAfterMs: 0,
        duplicateDue: false,
        timer: null,
      }
      this.#deliveries.set(d.id, d)
      if (d.fault !== 'outOfOrder') {
        this.#launch(d, 'initial')
        continue
      }
      // Held until a newer event to this endpoint has been sent, or for holdMs at most.
      d.state = 'held'
      d.timer = setTimeout(() => this.#release(d), script.scenario.holdMs)
    }
  }

  /** Manual replay: the same id and body, a fresh timestamp and signature. */
  async redeliver(id: string): Promise<DeliveryView | undefined> {
    const d = this.#deliveries.get(id)
    if (!d) return undefined
    await this.#track(this.#attempt(d, 'redeliver'))
    return deliveryView(d)
  }

  list(): DeliveryView[] {
    return [...this.#deliveries.values()].map(deliveryView)
  }

  /** Resolves once nothing is held, pending, due for a duplicate or on the wire. */
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

  /** Stops the deliveries to one endpoint (disabled or deleted); nothing more is sent to it. */
  stopEndpoint(endpointId: string): void {
    for (const d of this.#deliveries.values()) {
      if (d.endpointId !== endpointId || (d.state !== 'pending' && d.state !== 'held')) continue
      if (d.timer) clearTimeout(d.timer)
      d.timer = null
      d.state = 'disabled'
      d.nextAttemptAt = null
    }
    this.#notifyIfIdle()
  }

  clear(): void {
    for (const d of this.#deliveries.values()) if (d.timer) clearTimeout(d.timer)
    this.#deliveries = new Map()
    this.#next = 1
    this.#notifyIfIdle()
  }

  /** Safe to repeat; stop() of the simulator may call it more than once. */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#stop.abort(new Error('dispatcher closing'))
      this.#unsubscribe()
      this.clear()
      this.#closed = this.#sender.close()
    }
    return this.#closed
  }

  #release(d: Delivery): void {
    if (d.state !== 'held') return
    if (d.timer) clearTimeout(d.timer)
    d.timer = null
    d.state = 'pending'
    this.#launch(d, 'initial')
  }

  #launch(d: Delivery, kind: 'initial' | 'retry'): void {
    void this.#track(this.#attempt(d, kind)).then(() => {
      for (const held of this.#deliveries.values()) {
        if (held.endpointId === d.endpointId && held.event.sequence < d.event.sequence) {
          this.#release(held)
        }
      }
      this.#afterScheduledAttempt(d)
    })
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

  #afterScheduledAttempt(d: Delivery): void {
    if (d.state !== 'pending' || this.#deliveries.get(d.id) !== d) return
    const now = this.#o.clock.now()
    if (d.retriesUsed >= this.#o.maxRetries) {
      d.state = 'failed'
      d.nextAttemptAt = null
      const endpoint = this.#o.endpoints.get(d.endpointId)
      const since = endpoint?.failingSince ?? null
      if (endpoint && since !== null && now - since >= this.#o.disableAfterMs) {
        this.#o.endpoints.disable(endpoint, `failing since ${new Date(since).toISOString()}`)
        this.stopEndpoint(endpoint.id)
      }
      this.#notifyIfIdle()
      return
    }
    const schedule = this.#o.retryScheduleMs
    const base = schedule[d.retriesUsed] ?? schedule[schedule.length - 1] ?? 1000
    const jittered = base * (1 + this.#o.jitter * (this.#o.random.next() * 2 - 1))
    d.retriesUsed += 1
    // A Retry-After from the receiver (429, 503) is honoured when it asks for longer.
    d.nextAttemptAt = now + Math.max(Math.round(jittered), d.retryAfterMs)
    this.#arm(d)
  }

  #arm(d: Delivery): void {
    if (d.timer) clearTimeout(d.timer)
    const wait = Math.max(0, (d.nextAttemptAt ?? 0) - this.#o.clock.now())
    d.timer = setTimeout(() => {
      d.timer = null
      if (d.state === 'pending') this.#launch(d, 'retry')
    }, wait)
  }

  async #attempt(d: Delivery, kind: AttemptKind): Promise<void> {
    const endpoint = this.#o.endpoints.get(d.endpointId)
    if (!endpoint || endpoint.disabled) {
      if (d.state === 'pending') d.state = 'disabled'
      d.duplicateDue = false
      return
    }
    const at = this.#o.clock.now()
    const timestamp = Math.floor(at / 1000)
    const forged = kind === 'initial' && d.fault === 'badSignature'
    const secrets = forged
      ? [`${SECRET_PREFIX}${randomBytes(32).toString('base64')}`]
      : this.#o.endpoints.secretsAt(endpoint, at)
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Syncline-Sandbox-WMS-Webhooks/1.0',
      'webhook-id': d.event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, d.event.id, timestamp, d.event.body),
    }
    const started = performance.now()
    const outcome = await this.#limiter.run(() =>
      this.#sender.send(d.url, headers, d.event.body, at),
    )
    if (this.#stop.signal.aborted || this.#deliveries.get(d.id) !== d) return
    const { status, error } = outcome
    d.history.push({
      kind,
      at: new Date(at).toISOString(),
      webhookTimestamp: timestamp,
      signatures: secrets.length,
      status,
      error,
      durationMs: Math.round(performance.now() - started),
    })
    if (kind === 'duplicate') d.duplicateDue = false
    if (error === null && status !== null && status >= 200 && status < 300) {
      this.#succeeded(d, endpoint, kind)
      return
    }
    this.#o.endpoints.noteFailure(endpoint, at)
    d.retryAfterMs = outcome.retryAfterMs
    // 410 Gone: the receiver wants nothing more from us; the spec says disable the endpoint.
    if (status === 410) {
      this.#o.endpoints.disable(endpoint, `410 Gone from ${d.url}`)
      this.stopEndpoint(endpoint.id)
    }
  }

  #succeeded(d: Delivery, endpoint: WebhookEndpoint, kind: AttemptKind): void {
    this.#o.endpoints.noteSuccess(endpoint)
    if (d.state !== 'delivered') {
      d.state = 'delivered'
      d.deliveredAt = this.#o.clock.now()
      d.nextAttemptAt = null
      if (d.timer) clearTimeout(d.timer)
      d.timer = null
    }
    if (d.fault !== 'duplicate' || kind === 'duplicate' || kind === 'redeliver') return
    if (d.duplicateDue || d.history.some((a) => a.kind === 'duplicate')) return
    // As if our acknowledgement record were lost: the same message goes out once more.
    d.duplicateDue = true
    d.timer = setTimeout(() => {
      d.timer = null
      void this.#track(this.#attempt(d, 'duplicate'))
    }, this.#o.faults().scenario.duplicateDelayMs)
  }

  #isIdle(): boolean {
    if (this.#busy > 0) return false
    for (const d of this.#deliveries.values()) {
      if (d.state === 'pending' || d.state === 'held' || d.duplicateDue) return false
    }
    return true
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle()) return
    for (const wake of this.#idleWaiters.splice(0)) wake()
  }
}
