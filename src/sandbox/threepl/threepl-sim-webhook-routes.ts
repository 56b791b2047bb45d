/** @module sandbox/threepl/threepl-sim-webhook-routes — the webhook side of /__sim: configured endpoints, secret rotation, the delivery log, manual redelivery and the webhook fault script. */

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { EVENT_TYPES } from './threepl-events.ts'
import type { DeliveryView } from './threepl-webhook-delivery.ts'
import type { EndpointSpec, EndpointView } from './threepl-webhook-endpoints.ts'
import type { WebhookFaultScenario } from './threepl-webhook-faults.ts'
import { secretKey } from './threepl-webhook-signer.ts'

export const THREEPL_SIM_WEBHOOK_ROUTES: readonly RouteDescription[] = [
  {
    method: 'GET',
    path: '/__sim/webhooks',
    description: 'every endpoint (API and configured) with its secrets and whether it is disabled',
  },
  {
    method: 'POST',
    path: '/__sim/webhooks',
    description:
      '{url, events?, secret?}: a configured endpoint (kept across resets); default every event',
  },
  {
    method: 'POST',
    path: '/__sim/webhooks/{id}/rotate',
    description: '{secret?}: rotate; both secrets sign until the rotation window ends',
  },
  {
    method: 'GET',
    path: '/__sim/webhooks/deliveries?state=&type=&endpoint=',
    description: 'the delivery log: every attempt with its timestamp, status or error',
  },
  {
    method: 'POST',
    path: '/__sim/webhooks/deliveries/{id}/redeliver',
    description: 'send it again now (same webhook-id and body, fresh timestamp and signature)',
  },
  { method: 'GET', path: '/__sim/webhooks/faults', description: 'the webhook fault script' },
  {
    method: 'POST',
    path: '/__sim/webhooks/faults',
    description:
      'replace it: {seed, faults:{duplicate, outOfOrder, badSignature}, sequence, duplicateDelayMs, holdMs}',
  },
]

export interface EndpointDetail extends EndpointView {
  readonly secret: string
  readonly previous_secrets: readonly { readonly secret: string; readonly valid_until: string }[]
}

export interface ThreePlWebhookOperations {
  webhookEndpoints(): EndpointDetail[]
  addWebhookSubscriber(spec: EndpointSpec): EndpointDetail
  /** Undefined when there is no such endpoint. */
  rotateWebhookSecret(
    endpointId: string,
    secret?: string,
  ): { secret: string; previousValidUntil: string } | undefined
  deliveries(): DeliveryView[]
  /** `disabled` when the endpoint is disabled or gone: nothing is sent. */
  redeliver(deliveryId: string): Promise<DeliveryView | 'disabled' | undefined>
  webhookFaults(): WebhookFaultScenario & { readonly decided: number }
  /** Parses like POST /__sim/webhooks/faults; throws on an invalid script. */
  setWebhookFaults(input: unknown): WebhookFaultScenario & { readonly decided: number }
}

const secret = z
  .string()
  .refine((s) => secretKey(s) !== null, 'must be whsec_ and 24 to 64 bytes in base64')
const subscriberInput = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(z.enum(EVENT_TYPES)).min(1).optional(),
  secret: secret.optional(),
  description: z.string().optional(),
})
const rotateInput = z.strictObject({ secret: secret.optional() })

export function mountThreePlSimWebhookRoutes(
  app: FastifyInstance,
  ops: ThreePlWebhookOperations,
): void {
  const bad = (error: z.ZodError) => ({ error: z.prettifyError(error) })
  const idOf = (params: unknown): string => (params as { id: string }).id

  app.get('/__sim/webhooks', () => ({ endpoints: ops.webhookEndpoints() }))
  app.post('/__sim/webhooks', (request, reply) => {
    const parsed = subscriberInput.safeParse(request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return reply.code(201).send(ops.addWebhookSubscriber(parsed.data))
  })
  app.post('/__sim/webhooks/:id/rotate', (request, reply) => {
    const parsed = rotateInput.safeParse(request.body ?? {})
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const rotated = ops.rotateWebhookSecret(idOf(request.params), parsed.data.secret)
    return rotated ?? reply.code(404).send({ error: 'no such endpoint' })
  })
  app.get('/__sim/webhooks/deliveries', (request) => {
    const { state, type, endpoint } = request.query as Record<string, string | undefined>
    return {
      deliveries: ops
        .deliveries()
        .filter(
          (d) =>
            (state === undefined || d.state === state) &&
            (type === undefined || d.eventType === type) &&
            (endpoint === undefined || d.endpointId === endpoint),
        ),
    }
  })
  app.post('/__sim/webhooks/deliveries/:id/redeliver', async (request, reply) => {
    const delivery = await ops.redeliver(idOf(request.params))
    if (delivery === undefined) return reply.code(404).send({ error: 'no such delivery' })
    if (delivery === 'disabled') {
      return reply.code(409).send({ error: 'the endpoint is disabled or deleted: nothing sent' })
    }
    return { delivery }
  })
  app.get('/__sim/webhooks/faults', () => ops.webhookFaults())
  app.post('/__sim/webhooks/faults', (request, reply) => {
    try {
      return ops.setWebhookFaults(request.body ?? {})
    } catch (error) {
      return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) })
    }
  })
}
