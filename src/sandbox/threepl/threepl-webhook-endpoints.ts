/** @module sandbox/threepl/threepl-webhook-endpoints — where events go: endpoints with their event filter, their own signing secret (two during a rotation) and their health. */

import { EVENT_TYPES } from './threepl-events.ts'
import type { EventType } from './threepl-events.ts'
import { generateSecret } from './threepl-webhook-signer.ts'

/** `api`: created through POST /v1/webhooks, gone on reset. `config`: from options or /__sim, recreated on reset. */
export type EndpointSource = 'api' | 'config'

export interface WebhookEndpoint {
  readonly id: string
  readonly url: string
  readonly events: readonly EventType[]
  readonly description: string | null
  readonly source: EndpointSource
  readonly createdAt: number
  secret: string
  /** Secrets replaced by a rotation, each still signing until its `until`. */
  previous: { secret: string; until: number }[]
  disabled: { at: number; reason: string } | null
  /** The first failure since the last success: how long the endpoint has been failing. */
  failingSince: number | null
}

export interface EndpointSpec {
  readonly url: string
  /** Default: every event type. */
  readonly events?: readonly EventType[] | undefined
  readonly secret?: string | undefined
  readonly description?: string | undefined
}

export interface EndpointView {
  readonly id: string
  readonly url: string
  readonly events: readonly EventType[]
  readonly description: string | null
  readonly source: EndpointSource
  readonly disabled: boolean
  readonly disabled_reason: string | null
  readonly created_at: string
}

export class WebhookEndpoints {
  readonly #now: () => number
  readonly #rotationMs: number
  #endpoints = new Map<string, WebhookEndpoint>()
  #config: (EndpointSpec & { secret: string })[] = []
  #next = 1

  constructor(now: () => number, rotationMs: number) {
    this.#now = now
    this.#rotationMs = rotationMs
  }

  add(spec: EndpointSpec, source: EndpointSource): WebhookEndpoint {
    const endpoint: WebhookEndpoint = {
      id: `ep_${String(this.#next).padStart(6, '0')}`,
      url: spec.url,
      events: spec.events && spec.events.length > 0 ? [...spec.events] : [...EVENT_TYPES],
      description: spec.description ?? null,
      source,
      createdAt: this.#now(),
      secret: spec.secret ?? generateSecret(),
      previous: [],
      disabled: null,
      failingSince: null,
    }
    this.#next += 1
    this.#endpoints.set(endpoint.id, endpoint)
    return endpoint
  }

  /** A configured endpoint keeps its secret across resets, so a receiver set up once keeps verifying. */
  addConfig(spec: EndpointSpec): WebhookEndpoint {
    const endpoint = this.add(spec, 'config')
    this.#config.push({ ...spec, secret: endpoint.secret })
    return endpoint
  }

  get(id: string): WebhookEndpoint | undefined {
    return this.#endpoints.get(id)
  }

  list(): WebhookEndpoint[] {
    return [...this.#endpoints.values()]
  }

  remove(id: string): boolean {
    return this.#endpoints.delete(id)
  }

  /** Enabled endpoints that asked for this event type. */
  subscribedTo(type: EventType): WebhookEndpoint[] {
    return this.list().filter((e) => e.disabled === null && e.events.includes(type))
  }

  /** The secrets to sign with now: the current one first, then those still inside their window. */
  secretsAt(endpoint: WebhookEndpoint, at: number): string[] {
    endpoint.previous = endpoint.previous.filter((p) => p.until > at)
    return [endpoint.secret, ...endpoint.previous.map((p) => p.secret)]
  }

  /** Zero-downtime rotation: the old secret keeps signing beside the new one for the window. */
  rotate(endpoint: WebhookEndpoint, next?: string): { secret: string; previousValidUntil: number } {
    const until = this.#now() + this.#rotationMs
    endpoint.previous.unshift({ secret: endpoint.secret, until })
    endpoint.secret = next ?? generateSecret()
    return { secret: endpoint.secret, previousValidUntil: until }
  }

  disable(endpoint: WebhookEndpoint, reason: string): void {
    endpoint.disabled ??= { at: this.#now(), reason }
  }

  enable(endpoint: WebhookEndpoint): void {
    endpoint.disabled = null
    endpoint.failingSince = null
  }

  noteSuccess(endpoint: WebhookEndpoint): void {
    endpoint.failingSince = null
  }

  noteFailure(endpoint: WebhookEndpoint, at: number): void {
    endpoint.failingSince ??= at
  }

  /** API endpoints go; configured ones come back as first configured, with their secrets. */
  reset(): void {
    this.#endpoints = new Map()
    this.#next = 1
    for (const spec of this.#config.splice(0)) this.addConfig(spec)
  }
}

export function endpointView(e: WebhookEndpoint): EndpointView {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    source: e.source,
    disabled: e.disabled !== null,
    disabled_reason: e.disabled?.reason ?? null,
    created_at: new Date(e.createdAt).toISOString(),
  }
}
