/** @module sandbox/shopify/shopify-webhook-subscriptions — who gets which topic: Admin API subscriptions (deletable, auto-removed) and app-config ones (fixed). */

import type { Resource } from './shopify-store.ts'

/** Topics the Admin API accepts; the simulator fires orders/* and customers/* create and update. */
export const WEBHOOK_TOPICS: readonly string[] = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/edited',
  'orders/delete',
  'customers/create',
  'customers/update',
  'customers/delete',
  'refunds/create',
  'fulfillments/create',
  'fulfillments/update',
  'products/create',
  'products/update',
  'products/delete',
  'inventory_levels/update',
  'app/uninstalled',
]

export const DEFAULT_CONFIG_TOPICS: readonly string[] = ['orders/create', 'orders/updated']

/**
 * `admin`: created through POST webhooks.json, and deleted by Shopify after consecutive failed
 * deliveries (8 by default). `config`: declared in the app's configuration (here: simulator options),
 * not visible in webhooks.json and never auto-deleted.
 */
export type SubscriptionSource = 'admin' | 'config'

export interface WebhookSubscription {
  readonly id: bigint
  readonly topic: string
  readonly address: string
  readonly apiVersion: string
  readonly source: SubscriptionSource
  readonly createdAt: number
}

export interface RemovedSubscription {
  readonly id: string
  readonly topic: string
  readonly address: string
  readonly source: SubscriptionSource
  readonly removedAt: string
  readonly reason: string
}

export interface ConfigSubscriber {
  readonly address: string
  /** Default: orders/create and orders/updated. */
  readonly topics?: readonly string[]
}

export class WebhookSubscriptions {
  readonly #nextId: () => bigint
  readonly #now: () => number
  readonly #apiVersion: string
  #subs = new Map<bigint, WebhookSubscription>()
  #removed: RemovedSubscription[] = []
  #config: ConfigSubscriber[] = []
  /** Failed attempts in a row per subscription, across all its deliveries; a success resets it. */
  #failures = new Map<bigint, number>()

  constructor(nextId: () => bigint, now: () => number, apiVersion: string) {
    this.#nextId = nextId
    this.#now = now
    this.#apiVersion = apiVersion
  }

  add(
    topic: string,
    address: string,
    apiVersion: string,
    source: SubscriptionSource,
  ): WebhookSubscription {
    const sub: WebhookSubscription = {
      id: this.#nextId(),
      topic,
      address,
      apiVersion,
      source,
      createdAt: this.#now(),
    }
    this.#subs.set(sub.id, sub)
    return sub
  }

  /** Adds app-config subscribers; they survive a reset, like configuration does. */
  addConfig(subscriber: ConfigSubscriber): WebhookSubscription[] {
    this.#config.push(subscriber)
    return (subscriber.topics ?? DEFAULT_CONFIG_TOPICS).map((t) =>
      this.add(t, subscriber.address, this.#apiVersion, 'config'),
    )
  }

  get(id: bigint): WebhookSubscription | undefined {
    return this.#subs.get(id)
  }

  find(
    topic: string,
    address: string,
    source: SubscriptionSource,
  ): WebhookSubscription | undefined {
    return [...this.#subs.values()].find(
      (s) => s.topic === topic && s.address === address && s.source === source,
    )
  }

  /** Counts one delivery attempt to the subscription; returns its consecutive failures so far. */
  recordAttempt(id: bigint, ok: boolean): number {
    const failures = ok ? 0 : (this.#failures.get(id) ?? 0) + 1
    this.#failures.set(id, failures)
    return failures
  }

  consecutiveFailures(id: bigint): number {
    return this.#failures.get(id) ?? 0
  }

  remove(id: bigint, reason: string): boolean {
    const sub = this.#subs.get(id)
    if (!sub) return false
    this.#subs.delete(id)
    this.#failures.delete(id)
    this.#removed.push({
      id: String(id),
      topic: sub.topic,
      address: sub.address,
      source: sub.source,
      removedAt: new Date(this.#now()).toISOString(),
      reason,
    })
    return true
  }

  forTopic(topic: string): WebhookSubscription[] {
    return [...this.#subs.values()].filter((s) => s.topic === topic)
  }

  list(source?: SubscriptionSource): WebhookSubscription[] {
    return [...this.#subs.values()].filter((s) => source === undefined || s.source === source)
  }

  removed(): RemovedSubscription[] {
    return [...this.#removed]
  }

  /** Drops Admin API subscriptions and the removal record; re-creates the configured ones. */
  reset(): void {
    this.#subs = new Map()
    this.#removed = []
    this.#failures = new Map()
    for (const subscriber of this.#config.splice(0)) this.addConfig(subscriber)
  }
}

/** The REST webhook resource. */
export function webhookResource(sub: WebhookSubscription, time: (ms: number) => string): Resource {
  return {
    id: sub.id,
    address: sub.address,
    topic: sub.topic,
    created_at: time(sub.createdAt),
    updated_at: time(sub.createdAt),
    format: 'json',
    fields: [],
    metafield_namespaces: [],
    api_version: sub.apiVersion,
    private_metafield_namespaces: [],
  }
}
