/** @module sandbox/threepl/threepl-webhook-delivery — one event on its way to one endpoint: its attempts as the log shows them, and the HTTP POST that makes an attempt. */

import { Agent, request } from 'undici'
import type { WarehouseEvent } from './threepl-events.ts'
import type { WebhookFaultKind } from './threepl-webhook-faults.ts'

const S = 1000
const H = 3600 * S
/** The spec's example schedule after the immediate attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
export const SPEC_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * S,
  300 * S,
  1800 * S,
  2 * H,
  5 * H,
  10 * H,
  14 * H,
  20 * H,
  24 * H,
]

/** `held`: an out-of-order fault keeps it back; `disabled`: its endpoint was disabled or deleted. */
export type DeliveryState = 'held' | 'pending' | 'delivered' | 'failed' | 'disabled'
export type AttemptKind = 'initial' | 'retry' | 'duplicate' | 'redeliver'

export interface DeliveryAttempt {
  readonly kind: AttemptKind
  readonly at: string
  /** The `webhook-timestamp` sent: the attempt's time, new on every attempt as the spec says. */
  readonly webhookTimestamp: number
  readonly signatures: number
  readonly status: number | null
  readonly error: string | null
  readonly durationMs: number
}

export interface DeliveryView {
  readonly deliveryId: string
  readonly webhookId: string
  readonly eventType: string
  readonly sequence: number
  readonly endpointId: string
  readonly url: string
  readonly fault: WebhookFaultKind | 'none'
  readonly state: DeliveryState
  readonly attempts: number
  readonly lastStatus: number | null
  readonly lastError: string | null
  readonly createdAt: string
  readonly nextAttemptAt: string | null
  readonly deliveredAt: string | null
  readonly history: readonly DeliveryAttempt[]
}

export interface Delivery {
  readonly id: string
  readonly event: WarehouseEvent
  readonly endpointId: string
  readonly url: string
  readonly fault: WebhookFaultKind | 'none'
  readonly createdAt: number
  state: DeliveryState
  history: DeliveryAttempt[]
  retriesUsed: number
  nextAttemptAt: number | null
  deliveredAt: number | null
  retryAfterMs: number
  duplicateDue: boolean
  timer: NodeJS.Timeout | null
}

export interface SendOutcome {
  readonly status: number | null
  readonly error: string | null
  /** What the receiver's Retry-After asked for (429, 503), 0 when nothing. */
  readonly retryAfterMs: number
}

/** POSTs the stored bytes; any non-answer (refused, reset, timed out) becomes `error`. */
export class WebhookSender {
  readonly #agent: Agent
  readonly #totalTimeoutMs: number
  readonly #stop: AbortSignal
  #closed: Promise<void> | undefined

  constructor(connectTimeoutMs: number, totalTimeoutMs: number, stop: AbortSignal) {
    this.#agent = new Agent({ connect: { timeout: connectTimeoutMs } })
    this.#totalTimeoutMs = totalTimeoutMs
    this.#stop = stop
  }

  async send(
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    now: number,
  ): Promise<SendOutcome> {
    try {
      const signal = AbortSignal.any([this.#stop, AbortSignal.timeout(this.#totalTimeoutMs)])
      // undici follows no redirect: a 3xx is a failure, as the spec wants.
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.#agent,
        signal,
      })
      await response.body.dump({ limit: 1024 * 1024, signal })
      const retryAfter = response.headers['retry-after']
      return {
        status: response.statusCode,
        error: null,
        retryAfterMs: retryAfterMs(typeof retryAfter === 'string' ? retryAfter : undefined, now),
      }
    } catch (cause) {
      return { status: null, error: describe(cause), retryAfterMs: 0 }
    }
  }

  /** Safe to repeat: undici refuses a second Agent.close(), so every call shares the first. */
  close(): Promise<void> {
    this.#closed ??= this.#agent.close().then(() => undefined)
    return this.#closed
  }
}

/** Seconds or an HTTP date; anything else means no wish expressed. */
function retryAfterMs(value: string | undefined, now: number): number {
  if (value === undefined) return 0
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? 0 : Math.max(0, at - now)
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause)
  const code = (cause as { code?: unknown }).code
  return typeof code === 'string' ? `${code}: ${cause.message}` : `${cause.name}: ${cause.message}`
}

export function deliveryView(d: Delivery): DeliveryView {
  const last = d.history[d.history.length - 1]
  const iso = (ms: number | null): string | null =>
    ms === null ? null : new Date(ms).toISOString()
  return {
    deliveryId: d.id,
    webhookId: d.event.id,
    eventType: d.event.type,
    sequence: d.event.sequence,
    endpointId: d.endpointId,
    url: d.url,
    fault: d.fault,
    state: d.state,
    attempts: d.history.length,
    lastStatus: last?.status ?? null,
    lastError: last?.error ?? null,
    createdAt: new Date(d.createdAt).toISOString(),
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    deliveredAt: iso(d.deliveredAt),
    history: [...d.history],
  }
}
