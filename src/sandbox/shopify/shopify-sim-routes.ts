/** @module sandbox/shopify/shopify-sim-routes — Shopify's own /__sim routes: storefront orders, merchant edits, deliveries, redelivery, secret rotation, subscribers. */

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { RouteDescription } from '../kit/scenario-router.ts'
import type { WebhookDeliveryView } from './shopify-webhook-dispatcher.ts'
import type { GenerateResult } from './shopify-order-generator.ts'
import { generateInput } from './shopify-order-generator.ts'
import type { ConfigSubscriber, RemovedSubscription } from './shopify-webhook-subscriptions.ts'

export const SHOPIFY_SIM_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: '/__sim/orders/generate',
    description:
      '{count, ratePerSecond?, customers?, skus?}: storefront orders (no rate limit); returns {orderIds} as strings',
  },
  {
    method: 'POST',
    path: '/__sim/orders/{id}/update',
    description:
      'a merchant edit ({tags?, note?, email?, ...}, may be empty for a no-op); fires orders/updated',
  },
  {
    method: 'GET',
    path: '/__sim/deliveries?state=&topic=',
    description: 'every webhook delivery with attempts, state and last status',
  },
  {
    method: 'POST',
    path: '/__sim/deliveries/{webhookId}/redeliver',
    description: 'send the same delivery again (same Webhook-Id, body and signature)',
  },
  {
    method: 'POST',
    path: '/__sim/secret/rotate',
    description: '{secret?}: later webhooks are signed with the new secret',
  },
  {
    method: 'POST',
    path: '/__sim/token/revoke',
    description:
      'the merchant uninstalls the app: the access token is refused with 401 from now on (until reset)',
  },
  {
    method: 'GET',
    path: '/__sim/fulfillments',
    description: 'every fulfillment, as the REST resource',
  },
  {
    method: 'GET',
    path: '/__sim/webhooks',
    description: 'all subscriptions (Admin API and configured) and the ones removed',
  },
  {
    method: 'POST',
    path: '/__sim/webhooks',
    description:
      '{address, topics?}: add a configured subscriber (default orders/create, orders/updated)',
  },
]

export interface SubscriptionView {
  readonly id: string
  readonly topic: string
  readonly address: string
  readonly apiVersion: string
  readonly source: 'admin' | 'config'
  /** Failed delivery attempts in a row; Admin API subscriptions are deleted at the threshold. */
  readonly consecutiveFailures: number
}

/** The simulator operations these routes expose; the same ones are typed accessors in-process. */
export interface ShopifySimOperations {
  generateOrders(input: z.output<typeof generateInput>): GenerateResult
  merchantUpdate(orderId: string, changes: Record<string, unknown>): boolean
  deliveries(): WebhookDeliveryView[]
  redeliver(webhookId: string): Promise<WebhookDeliveryView | undefined>
  rotateSecret(secret?: string): { secret: string; previousSecret: string; rotatedAt: string }
  revokeAccessToken(): void
  /** `{"fulfillments":[…]}` as Shopify would write it: int64 ids as exact digits. */
  fulfillmentsText(): string
  subscriptions(): SubscriptionView[]
  removedSubscriptions(): RemovedSubscription[]
  addWebhookSubscriber(subscriber: ConfigSubscriber): SubscriptionView[]
}

const subscriberInput = z.strictObject({
  address: z.url(),
  topics: z.array(z.string()).min(1).optional(),
})
const rotateInput = z.strictObject({ secret: z.string().min(1).optional() })

export function mountShopifySimRoutes(app: FastifyInstance, ops: ShopifySimOperations): void {
  const bad = (error: z.ZodError) => ({ error: z.prettifyError(error) })

  app.post('/__sim/orders/generate', (request, reply) => {
    const parsed = generateInput.safeParse(request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const result = ops.generateOrders(parsed.data)
    return reply
      .code(result.scheduled ? 202 : 201)
      .send({ orderIds: result.orderIds, scheduled: result.scheduled })
  })
  app.post('/__sim/orders/:id/update', (request, reply) => {
    const changes = (request.body ?? {}) as Record<string, unknown>
    const updated = ops.merchantUpdate((request.params as { id: string }).id, changes)
    return updated ? { updated: true } : reply.code(404).send({ error: 'no such order' })
  })
  app.get('/__sim/deliveries', (request) => {
    const { state, topic } = request.query as Record<string, string | undefined>
    const all = ops.deliveries()
    return {
      deliveries: all.filter(
        (d) =>
          (state === undefined || d.state === state) && (topic === undefined || d.topic === topic),
      ),
    }
  })
  app.post('/__sim/deliveries/:webhookId/redeliver', async (request, reply) => {
    const delivery = await ops.redeliver((request.params as { webhookId: string }).webhookId)
    return delivery ? { delivery } : reply.code(404).send({ error: 'no such delivery' })
  })
  app.post('/__sim/secret/rotate', (request, reply) => {
    const parsed = rotateInput.safeParse(request.body ?? {})
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return ops.rotateSecret(parsed.data.secret)
  })
  app.post('/__sim/token/revoke', () => {
    ops.revokeAccessToken()
    return { revoked: true }
  })
  app.get('/__sim/fulfillments', (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(ops.fulfillmentsText()),
  )
  app.get('/__sim/webhooks', () => ({
    subscriptions: ops.subscriptions(),
    removed: ops.removedSubscriptions(),
  }))
  app.post('/__sim/webhooks', (request, reply) => {
    const parsed = subscriberInput.safeParse(request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return reply.code(201).send({ subscriptions: ops.addWebhookSubscriber(parsed.data) })
  })
}
