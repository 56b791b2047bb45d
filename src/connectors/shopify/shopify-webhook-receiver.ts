/** @module connectors/shopify/shopify-webhook-receiver — the inbound side of a Shopify connection.
 *
 * Order matters: the signature is checked over the raw bytes before anything is parsed, so a
 * forged body never reaches the parser, and nothing is stored for it.
 */
import { HubError } from '../../errors/hub-error.ts'
import { parseShopifyJson } from './shopify-json.ts'
import { shopifyOrderBusinessKey, SHOPIFY_SYSTEM } from './shopify-mapping.ts'
import type { ShopifyConnectionConfig } from './shopify-spec.ts'
import { parseShopifyWebhookHeaders } from './shopify-webhook-headers.ts'
import { verifyShopifyHmac } from './shopify-webhook-verifier.ts'

export interface ShopifyWebhookAcceptance {
  sourceMessageId: string
  topic: string
  triggeredAt: number | null
  businessKey: string
  stale: boolean
}

export interface ShopifyWebhookReceiver {
  readonly sourceSystem: string
  readonly tenantId: string
  accept(input: {
    rawBody: Buffer
    headers: Record<string, string>
    now: number
  }): ShopifyWebhookAcceptance
}

export function createShopifyWebhookReceiver(options: {
  tenantId: string
  connection: ShopifyConnectionConfig
}): ShopifyWebhookReceiver {
  const { connection } = options
  return {
    sourceSystem: SHOPIFY_SYSTEM,
    tenantId: options.tenantId,
    accept({ rawBody, headers, now }) {
      const verdict = verifyShopifyHmac({
        rawBody,
        hmacHeader: headers['x-shopify-hmac-sha256'],
        secrets: connection.webhookSecrets,
        now,
        rotationWindowMs: connection.rotationWindowMs,
      })
      if (!verdict.ok) {
        throw HubError.auth(`X-Shopify-Hmac-Sha256 is ${verdict.reason.replaceAll('_', ' ')}`, {
          code: 'INVALID_SIGNATURE',
          status: 401,
        })
      }
      const parsed = parseShopifyWebhookHeaders(headers, {
        now,
        staleAfterMs: connection.staleAfterMs,
        expectedShopDomain: connection.shopDomain,
      })
      const payload = parseShopifyJson(rawBody, `Shopify ${parsed.topic} webhook body`)
      return {
        sourceMessageId: inboxMessageId(parsed.topic, parsed.eventId, parsed.webhookId),
        topic: parsed.topic,
        triggeredAt: parsed.triggeredAt,
        businessKey: businessKeyOf(parsed.topic, payload),
        stale: parsed.stale,
      }
    },
  }
}

/**
 * The inbox's dedupe key. `X-Shopify-Event-Id` is shared by every delivery one merchant action
 * caused (retries, and several subscriptions to the topic), so keying on it collapses all of
 * them; one action can fire several topics, hence the topic in the key. Older API versions send
 * no Event-Id: then the delivery's `X-Shopify-Webhook-Id`, stable across its retries.
 */
function inboxMessageId(topic: string, eventId: string | undefined, webhookId: string): string {
  return eventId === undefined ? `webhook:${webhookId}` : `event:${topic}:${eventId}`
}

/** One run history per Shopify object: `shopify:order:<id>`, `shopify:customer:<id>`, … */
function businessKeyOf(topic: string, payload: unknown): string {
  const id =
    typeof payload === 'object' && payload !== null && 'id' in payload ? payload.id : undefined
  if (typeof id !== 'string') {
    throw HubError.validation(`the ${topic} webhook body has no "id"`, {
      code: 'MISSING_ID',
      path: 'id',
    })
  }
  const resource = topic.split('/')[0] ?? 'object'
  if (resource === 'orders') return shopifyOrderBusinessKey(id)
  return `shopify:${resource.replace(/s$/, '')}:${id}`
}
