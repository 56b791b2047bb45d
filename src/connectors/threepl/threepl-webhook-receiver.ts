/** @module connectors/threepl/threepl-webhook-receiver — the inbound side of a 3PL connection: verify, then parse, then map.
 *
 * Order matters: the signature is checked over the raw bytes before anything is parsed, so a
 * forged body never reaches the parser, and nothing is stored for it.
 */
import type { InventoryLevel, Shipment } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { ThreePlWebhookEnvelope } from './threepl-api-shapes.ts'
import {
  THREEPL_SYSTEM,
  parseThreePlShape,
  threePlInventoryEventToCanonical,
  threePlShipmentEventToCanonical,
} from './threepl-inbound-mapping.ts'
import {
  backorderSignal,
  shipmentSignal,
  threePlBackorderEvent,
  type ThreePlBackorder,
  type ThreePlSignal,
} from './threepl-fulfillment-signal.ts'
import type { ThreePlConnectionConfig } from './threepl-spec.ts'
import { verifyStandardWebhook } from './threepl-webhook-verifier.ts'

export type ThreePlInboundEvent =
  | { kind: 'shipment'; shipment: Shipment }
  | { kind: 'inventory_level'; level: InventoryLevel }
  /** The warehouse cannot fill the order now: the run waiting on it must decide. */
  | { kind: 'backorder'; backorder: ThreePlBackorder }
  /** An event type this connector does not map: acknowledged, so the WMS stops resending it. */
  | { kind: 'unsupported'; eventType: string }

export interface ThreePlWebhookAcceptance {
  /**
   * `webhook-id`: the same on every retry and for every endpoint of the event, so it is the
   * inbox's dedupe key. Standard Webhooks has no separate event id.
   */
  sourceMessageId: string
  /** The event type, e.g. `shipment.confirmed`. */
  topic: string
  /** When the event happened at the warehouse (`timestamp`), epoch ms. */
  triggeredAt: number
  /** The account-wide event sequence: deliveries arrive in any order, this puts them back. */
  sequence: number
  /** Ordering key of the entity: `threepl:shipment:<fulfillment order id>`, `threepl:inventory:<sku>@<warehouse>`. */
  businessKey: string
  /** Older than `staleAfterMs`: processed, but it must not overwrite newer state. */
  stale: boolean
  event: ThreePlInboundEvent
  /**
   * For the run waiting on this fulfillment order (shipment or backorder): delivered with
   * `HubEngine.signal` once the message is stored, deduplicated by the webhook id.
   */
  signals: ThreePlSignal[]
}

export interface ThreePlWebhookReceiver {
  readonly sourceSystem: string
  readonly tenantId: string
  accept(input: {
    rawBody: Buffer
    headers: Record<string, string | string[] | undefined>
    now: number
  }): ThreePlWebhookAcceptance
}

export function createThreePlWebhookReceiver(options: {
  tenantId: string
  connection: Pick<ThreePlConnectionConfig, 'webhookSecrets' | 'staleAfterMs'>
}): ThreePlWebhookReceiver {
  const { connection } = options
  return {
    sourceSystem: THREEPL_SYSTEM,
    tenantId: options.tenantId,
    accept({ rawBody, headers, now }) {
      const read = headerReader(headers)
      const verdict = verifyStandardWebhook({
        rawBody,
        webhookId: read('webhook-id'),
        webhookTimestamp: read('webhook-timestamp'),
        webhookSignature: read('webhook-signature'),
        secrets: connection.webhookSecrets,
        now,
      })
      if (!verdict.ok) {
        // 401 tells the sender to retry; its retry carries a fresh timestamp and signature.
        throw HubError.auth(
          `3PL webhook signature refused: ${verdict.reason.replaceAll('_', ' ')}`,
          {
            code:
              verdict.reason === 'too_old' || verdict.reason === 'too_new'
                ? 'STALE_TIMESTAMP'
                : 'INVALID_SIGNATURE',
            status: 401,
          },
        )
      }
      const payload = parseUntrustedJson(rawBody, { source: '3PL webhook body' })
      const envelope = parseThreePlShape(ThreePlWebhookEnvelope, payload, '3PL webhook payload')
      const triggeredAt = Date.parse(envelope.timestamp)
      const event = mapEvent(envelope.type, payload)
      return {
        sourceMessageId: verdict.webhookId,
        topic: envelope.type,
        triggeredAt,
        sequence: envelope.sequence,
        businessKey: businessKeyOf(event),
        stale: now - triggeredAt > connection.staleAfterMs,
        event,
        signals: signalsOf(verdict.webhookId, event),
      }
    },
  }
}

function mapEvent(type: string, payload: unknown): ThreePlInboundEvent {
  switch (type) {
    case 'shipment.confirmed':
      return { kind: 'shipment', shipment: threePlShipmentEventToCanonical(payload) }
    case 'inventory.adjusted':
      return { kind: 'inventory_level', level: threePlInventoryEventToCanonical(payload) }
    case 'fulfillment_order.backordered':
      return { kind: 'backorder', backorder: threePlBackorderEvent(payload) }
    default:
      return { kind: 'unsupported', eventType: type }
  }
}

function businessKeyOf(event: ThreePlInboundEvent): string {
  switch (event.kind) {
    case 'shipment':
      return `${THREEPL_SYSTEM}:shipment:${event.shipment.source.id}`
    case 'inventory_level':
      return `${THREEPL_SYSTEM}:inventory:${event.level.source.id}`
    case 'backorder':
      return `${THREEPL_SYSTEM}:shipment:${event.backorder.fulfillmentOrderId}`
    case 'unsupported':
      return `${THREEPL_SYSTEM}:event:${event.eventType}`
  }
}

function signalsOf(webhookId: string, event: ThreePlInboundEvent): ThreePlSignal[] {
  switch (event.kind) {
    case 'shipment':
      return [shipmentSignal(webhookId, event.shipment)]
    case 'backorder':
      return [backorderSignal(webhookId, event.backorder)]
    default:
      return []
  }
}

/** Case-insensitive; a header sent twice is ambiguous (which signature, which id?) and refused. */
function headerReader(
  headers: Record<string, string | string[] | undefined>,
): (name: string) => string | undefined {
  const lowered = new Map<string, string | string[] | undefined>()
  for (const [key, value] of Object.entries(headers)) lowered.set(key.toLowerCase(), value)
  return (name) => {
    const value = lowered.get(name)
    if (!Array.isArray(value)) return value
    if (value.length > 1) {
      throw HubError.validation(
        `header ${name} appears ${value.length} times; expected exactly once`,
        {
          code: 'INVALID_HEADER',
          path: name,
        },
      )
    }
    return value[0]
  }
}
