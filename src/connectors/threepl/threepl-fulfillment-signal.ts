/** @module connectors/threepl/threepl-fulfillment-signal — what the warehouse says about one fulfillment order, as a signal for the run waiting on that order. */
import type { Shipment } from '../../canonical/index.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import { ThreePlFulfillmentOrderBackordered, ThreePlWebhookEnvelope } from './threepl-api-shapes.ts'
import { parseThreePlShape } from './threepl-inbound-mapping.ts'

/**
 * The correlation key a run waits on for the outcome of its fulfillment request: the order's
 * external reference at the warehouse (`SHOPIFY-O-<order id>`), the business key every system
 * holds the order by. Shipment and backorder both end the same wait; the event name tells which.
 */
export function fulfillmentCorrelationKey(externalReference: string): string {
  return `fulfillment:${externalReference}`
}

/** The signal's event names: the warehouse's own event types. */
export const FULFILLMENT_EVENTS = {
  shipped: 'shipment.confirmed',
  backordered: 'fulfillment_order.backordered',
} as const

/** A backorder as the waiting run reads it. */
export interface ThreePlBackorder {
  [key: string]: JsonValue
  fulfillmentOrderId: string
  externalReference: string
  reason: string
  occurredAt: string
}

/** A `fulfillment_order.backordered` event, whole (envelope and data) → the backorder. */
export function threePlBackorderEvent(payload: unknown): ThreePlBackorder {
  const envelope = parseThreePlShape(ThreePlWebhookEnvelope, payload, '3PL webhook payload')
  const data = parseThreePlShape(
    ThreePlFulfillmentOrderBackordered,
    envelope.data,
    '3PL fulfillment_order.backordered data',
  )
  return {
    fulfillmentOrderId: data.fulfillment_order_id,
    externalReference: data.external_reference,
    reason: data.reason,
    occurredAt: data.occurred_at,
  }
}

/** A signal for `HubEngine.signal`: deduplicated by the webhook id, the same on every retry. */
export interface ThreePlSignal {
  eventId: string
  correlationKey: string
  name: string
  payload: JsonValue
}

export function shipmentSignal(eventId: string, shipment: Shipment): ThreePlSignal {
  return {
    eventId,
    correlationKey: fulfillmentCorrelationKey(shipment.orderKey),
    name: FULFILLMENT_EVENTS.shipped,
    payload: JSON.parse(JSON.stringify(shipment)) as JsonValue,
  }
}

export function backorderSignal(eventId: string, backorder: ThreePlBackorder): ThreePlSignal {
  return {
    eventId,
    correlationKey: fulfillmentCorrelationKey(backorder.externalReference),
    name: FULFILLMENT_EVENTS.backordered,
    payload: backorder,
  }
}
