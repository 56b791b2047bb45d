/** @module sandbox/shopify/shopify-webhook-routes — webhooks.json: the Admin API subscriptions that the dispatcher delivers to and may auto-delete. */

import type { AdminRouter, ShopifyAdminDeps } from './shopify-admin-api.ts'
import { idKey, paramsOf, queryOf } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyJson } from './shopify-errors.ts'
import { WEBHOOK_TOPICS, webhookResource } from './shopify-webhook-subscriptions.ts'
import { toId } from './shopify-wire.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Shopify insists on HTTPS; the sandbox also takes http:// because everything runs on loopback. */
function validAddress(address: string): boolean {
  try {
    const url = new URL(address)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

export function mountWebhookRoutes(router: AdminRouter, deps: ShopifyAdminDeps): void {
  const { subscriptions, store, ledger } = deps
  const resource = (sub: Parameters<typeof webhookResource>[0]) =>
    webhookResource(sub, (ms) => store.time(ms))

  router.route('GET', 'webhooks.json', (request) => {
    const { topic, address } = queryOf(request)
    const subs = subscriptions
      .list('admin')
      .filter(
        (s) =>
          (topic === undefined || s.topic === topic) &&
          (address === undefined || s.address === address),
      )
    return shopifyJson(200, { webhooks: subs.map(resource) })
  })

  router.route('POST', 'webhooks.json', (request, version) => {
    const body = request.body
    if (!isObject(body) || !isObject(body.webhook)) {
      return shopifyErrors.invalid(400, { webhook: 'Required parameter missing or invalid' })
    }
    const { topic, address, format } = body.webhook
    if (typeof topic !== 'string' || !WEBHOOK_TOPICS.includes(topic)) {
      return shopifyErrors.invalid(422, {
        topic: [
          `Invalid topic specified: ${String(topic)}. Topics allowed: ${WEBHOOK_TOPICS.join(', ')}`,
        ],
      })
    }
    if (typeof address !== 'string' || !validAddress(address)) {
      return shopifyErrors.invalid(422, { address: ['is invalid'] })
    }
    if (format !== undefined && format !== 'json') {
      return shopifyErrors.invalid(422, { format: ['is not supported by this sandbox: only json'] })
    }
    if (subscriptions.find(topic, address, 'admin')) {
      return shopifyErrors.invalid(422, { address: ['for this topic has already been taken'] })
    }
    // Payloads are serialised with the version the subscription was created under.
    const sub = subscriptions.add(topic, address, version, 'admin')
    ledger.recordEffect({ recordType: 'webhook', key: String(sub.id) }, 'create')
    return shopifyJson(201, { webhook: resource(sub) })
  })

  router.route(
    'GET',
    'webhooks/:id.json',
    (request) => {
      const id = toId(paramsOf(request).id)
      const sub = id === null ? undefined : subscriptions.get(id)
      return sub && sub.source === 'admin'
        ? shopifyJson(200, { webhook: resource(sub) })
        : shopifyErrors.notFound()
    },
    idKey('webhook'),
  )

  router.route(
    'DELETE',
    'webhooks/:id.json',
    (request) => {
      const id = toId(paramsOf(request).id)
      const sub = id === null ? undefined : subscriptions.get(id)
      if (!sub || sub.source !== 'admin' || id === null) return shopifyErrors.notFound()
      subscriptions.remove(id, 'deleted through the Admin API')
      ledger.recordEffect({ recordType: 'webhook', key: String(id) }, 'delete')
      return shopifyJson(200, {})
    },
    idKey('webhook'),
  )
}
