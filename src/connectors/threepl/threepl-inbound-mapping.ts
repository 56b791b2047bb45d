/** @module connectors/threepl/threepl-inbound-mapping — WMS payloads (webhook events, order reads, stock snapshots) as canonical Shipments and InventoryLevels. */
import type { z } from 'zod'
import { InventoryLevel, Shipment } from '../../canonical/index.ts'
import type { Address } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'
import { formatIssuePath } from '../config-spec.ts'
import {
  ThreePlFulfillmentOrder,
  ThreePlInventoryAdjusted,
  ThreePlInventoryPage,
  ThreePlShipmentConfirmed,
  ThreePlWebhookEnvelope,
} from './threepl-api-shapes.ts'
import type { ThreePlShipTo } from './threepl-api-shapes.ts'

export const THREEPL_SYSTEM = 'threepl'

/** Parses a vendor shape or throws HubError.validation naming the first field that is off. */
export function parseThreePlShape<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const first = result.error.issues[0]
  const path = first ? formatIssuePath(first.path) : ''
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${formatIssuePath(i.path) || '(root)'}: ${i.message}`)
  throw HubError.validation(`${what} does not have the expected shape: ${problems.join('; ')}`, {
    cause: result.error,
    code: 'UNEXPECTED_SHAPE',
    ...(path === '' ? {} : { path }),
  })
}

/** One stock level per SKU and warehouse: the id reconciliation pairs readings by. */
export function inventoryLevelId(sku: string, warehouse: string): string {
  return `${sku}@${warehouse}`
}

/** A `shipment.confirmed` event, whole (envelope and data) → canonical Shipment. */
export function threePlShipmentEventToCanonical(payload: unknown): Shipment {
  const envelope = parseThreePlShape(ThreePlWebhookEnvelope, payload, '3PL webhook payload')
  expectType(envelope.type, 'shipment.confirmed')
  const data = parseThreePlShape(
    ThreePlShipmentConfirmed,
    envelope.data,
    '3PL shipment.confirmed data',
  )
  return parseThreePlShape(
    Shipment,
    {
      kind: 'shipment',
      schemaVersion: 1,
      source: {
        system: THREEPL_SYSTEM,
        id: data.fulfillment_order_id,
        version: String(data.fulfillment_order_version),
      },
      orderKey: data.external_reference,
      fulfillmentOrderId: data.fulfillment_order_id,
      warehouseId: data.warehouse,
      carrier: data.carrier,
      ...(data.service === undefined ? {} : { service: data.service }),
      trackingNumbers: data.tracking_number == null ? [] : [data.tracking_number],
      shippedAt: data.shipped_at,
      lines: data.lines.map((l) => ({
        sku: l.sku,
        quantity: l.quantity,
        lineNumber: l.line_number,
      })),
    },
    'the Shipment mapped from the 3PL',
  )
}

/**
 * An `inventory.adjusted` event → canonical InventoryLevel. The event reports on hand only, so
 * `available` stays absent; its version is the event's `sequence`, the same scale as a snapshot's
 * `as_of_sequence`, so a reading from either can be told apart as older or newer.
 */
export function threePlInventoryEventToCanonical(payload: unknown): InventoryLevel {
  const envelope = parseThreePlShape(ThreePlWebhookEnvelope, payload, '3PL webhook payload')
  expectType(envelope.type, 'inventory.adjusted')
  const data = parseThreePlShape(
    ThreePlInventoryAdjusted,
    envelope.data,
    '3PL inventory.adjusted data',
  )
  return parseThreePlShape(
    InventoryLevel,
    {
      kind: 'inventory_level',
      schemaVersion: 1,
      source: {
        system: THREEPL_SYSTEM,
        id: inventoryLevelId(data.sku, data.warehouse),
        version: String(envelope.sequence),
      },
      sku: data.sku,
      locationId: data.warehouse,
      onHand: data.on_hand,
      asOf: data.occurred_at,
    },
    'the InventoryLevel mapped from the 3PL',
  )
}

/**
 * One page of `GET /v1/inventory` → one InventoryLevel per SKU and warehouse, as of the page's
 * `as_of`. Reserved is what the WMS has allocated to open orders.
 */
export function threePlInventoryPageToCanonical(payload: unknown): InventoryLevel[] {
  const page = parseThreePlShape(ThreePlInventoryPage, payload, '3PL inventory page')
  return page.data.flatMap((row) =>
    row.warehouses.map((w) =>
      parseThreePlShape(
        InventoryLevel,
        {
          kind: 'inventory_level',
          schemaVersion: 1,
          source: {
            system: THREEPL_SYSTEM,
            id: inventoryLevelId(row.sku, w.warehouse),
            version: String(page.as_of_sequence),
          },
          sku: row.sku,
          locationId: w.warehouse,
          onHand: w.on_hand,
          available: w.available,
          reserved: w.allocated,
          asOf: page.as_of,
        },
        'the InventoryLevel mapped from the 3PL',
      ),
    ),
  )
}

/**
 * A fulfillment order as `GET /v1/fulfillment_orders/{id}` returns it → its Shipment, or null
 * while it has not shipped. This is how a shipment whose webhook was missed is recovered.
 */
export function threePlOrderToShipment(payload: unknown): Shipment | null {
  const order = parseThreePlShape(ThreePlFulfillmentOrder, payload, '3PL fulfillment order')
  const { shipment, warehouse } = order
  if (order.status !== 'shipped' || shipment === null || warehouse === null) return null
  return parseThreePlShape(
    Shipment,
    {
      kind: 'shipment',
      schemaVersion: 1,
      source: { system: THREEPL_SYSTEM, id: order.id, version: String(order.version) },
      orderKey: order.external_reference,
      fulfillmentOrderId: order.id,
      warehouseId: warehouse,
      carrier: shipment.carrier,
      ...(shipment.service === undefined ? {} : { service: shipment.service }),
      trackingNumbers: shipment.tracking_number == null ? [] : [shipment.tracking_number],
      shippedAt: shipment.shipped_at,
      lines: order.lines
        .filter((l) => l.quantity_shipped > 0)
        .map((l) => ({ sku: l.sku, quantity: l.quantity_shipped, lineNumber: l.line_number })),
      shipTo: shipToAddress(order.ship_to),
    },
    'the Shipment mapped from the 3PL',
  )
}

function shipToAddress(shipTo: ThreePlShipTo): Address {
  const address: Address = {
    name: shipTo.name,
    company: shipTo.company,
    line1: shipTo.address1,
    line2: shipTo.address2,
    city: shipTo.city,
    region: shipTo.province_code,
    postalCode: shipTo.postal_code,
    countryCode: shipTo.country_code,
    phone: shipTo.phone,
  }
  // Absent, not undefined: canonical JSON carries no keys for fields the source did not send.
  return Object.fromEntries(Object.entries(address).filter(([, v]) => v !== undefined))
}

function expectType(actual: string, expected: string): void {
  if (actual === expected) return
  throw HubError.validation(
    `expected a ${expected} event, got ${JSON.stringify(actual.slice(0, 64))}`,
    {
      code: 'UNEXPECTED_EVENT_TYPE',
      path: 'type',
    },
  )
}
