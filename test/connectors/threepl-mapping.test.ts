/** @module test/connectors/threepl-mapping.test — canonical orders to fulfillment orders, and WMS payloads to canonical objects, including what each refuses and why. */
import { describe, expect, it } from 'vitest'
import { Order } from '../../src/canonical/index.ts'
import {
  threePlInventoryEventToCanonical,
  threePlOrderToShipment,
  threePlShipmentEventToCanonical,
} from '../../src/connectors/threepl/threepl-inbound-mapping.ts'
import {
  canonicalOrderToFulfillmentOrder,
  threePlExternalReference,
} from '../../src/connectors/threepl/threepl-outbound-mapping.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { sampleOrder } from './conformance/threepl-estate.ts'

function thrown(run: () => unknown): HubError {
  try {
    run()
  } catch (error) {
    if (HubError.is(error)) return error
    throw error
  }
  throw new Error('expected a HubError')
}

const shipmentEvent = {
  type: 'shipment.confirmed',
  timestamp: '2026-01-01T10:40:00.000Z',
  sequence: 17,
  data: {
    fulfillment_order_id: 'fo_000003',
    external_reference: 'SHOPIFY-O-1001',
    fulfillment_order_version: 5,
    warehouse: 'WH-EAST',
    carrier: 'UPS',
    tracking_number: '1Z999AA10123456784',
    shipped_at: '2026-01-01T10:40:00.000Z',
    lines: [{ line_number: 1, sku: 'SKU-1', quantity: 2 }],
    occurred_at: '2026-01-01T10:40:00.000Z',
  },
}

describe('canonical order → fulfillment order', () => {
  it('ships to the shipping address under SHOPIFY-O-<id>, one line per SKU with quantities summed', () => {
    const base = sampleOrder('820982911946154508')
    const order = Order.parse({
      ...base,
      customer: { ...base.customer, phone: '+45 12 34 56 78' },
      shippingAddress: {
        ...base.shippingAddress,
        countryCode: 'dk',
        company: 'Ærø Kaffe',
        line2: '',
      },
      lines: [
        { sourceLineId: '1', sku: 'SKU-1', title: 'Cup', quantity: 2, unitPrice: '12.50' },
        { sourceLineId: '2', sku: 'SKU-4', title: 'Saucer', quantity: 1, unitPrice: '4.00' },
        { sourceLineId: '3', sku: 'SKU-1', title: 'Cup (gift)', quantity: 1, unitPrice: '0.00' },
      ],
    })
    expect(threePlExternalReference(order)).toBe('SHOPIFY-O-820982911946154508')
    expect(canonicalOrderToFulfillmentOrder(order)).toEqual({
      external_reference: 'SHOPIFY-O-820982911946154508',
      ship_to: {
        name: 'Zoë Ærøskøbing',
        company: 'Ærø Kaffe',
        address1: 'Vestergade 1',
        city: 'Ærøskøbing',
        postal_code: '5970',
        country_code: 'DK',
        phone: '+45 12 34 56 78',
        email: 'zoe@example.dk',
      },
      lines: [
        { sku: 'SKU-1', quantity: 3 },
        { sku: 'SKU-4', quantity: 1 },
      ],
    })
  })

  it('names the customer when the address has no name, and lists every missing ship-to field', () => {
    const base = sampleOrder('2002')
    const unnamed = { ...base, shippingAddress: { ...base.shippingAddress, name: undefined } }
    expect(canonicalOrderToFulfillmentOrder(unnamed).ship_to.name).toBe('Zoë Ærøskøbing')
    const error = thrown(() =>
      canonicalOrderToFulfillmentOrder({ ...base, shippingAddress: { countryCode: 'DK' } }),
    )
    expect([error.type, error.code, error.path]).toEqual([
      'validation',
      'MISSING_SHIP_TO',
      'shippingAddress.line1',
    ])
    expect(error.message).toContain(
      'the warehouse needs shippingAddress.line1, shippingAddress.city, shippingAddress.postalCode',
    )
    const long = thrown(() =>
      canonicalOrderToFulfillmentOrder(base, { externalReference: 'x'.repeat(256) }),
    )
    expect(long.path).toBe('external_reference')
  })
})

describe('WMS payloads → canonical', () => {
  it('maps shipment.confirmed to a Shipment versioned by the order version', () => {
    expect(threePlShipmentEventToCanonical(shipmentEvent)).toEqual({
      kind: 'shipment',
      schemaVersion: 1,
      source: { system: 'threepl', id: 'fo_000003', version: '5' },
      orderKey: 'SHOPIFY-O-1001',
      fulfillmentOrderId: 'fo_000003',
      warehouseId: 'WH-EAST',
      carrier: 'UPS',
      trackingNumbers: ['1Z999AA10123456784'],
      shippedAt: '2026-01-01T10:40:00.000Z',
      lines: [{ sku: 'SKU-1', quantity: 2, lineNumber: 1 }],
    })
  })

  it('refuses an event of another type, or one missing what the hub relies on, saying where', () => {
    const wrongType = thrown(() => threePlInventoryEventToCanonical(shipmentEvent))
    expect([wrongType.code, wrongType.path]).toEqual(['UNEXPECTED_EVENT_TYPE', 'type'])
    const { carrier: _c, ...noCarrier } = shipmentEvent.data
    const missing = thrown(() =>
      threePlShipmentEventToCanonical({ ...shipmentEvent, data: noCarrier }),
    )
    expect([missing.type, missing.code, missing.path]).toEqual([
      'validation',
      'UNEXPECTED_SHAPE',
      'carrier',
    ])
    expect(missing.message).toContain(
      '3PL shipment.confirmed data does not have the expected shape',
    )
    const fractional = thrown(() =>
      threePlShipmentEventToCanonical({
        ...shipmentEvent,
        data: { ...shipmentEvent.data, lines: [{ line_number: 1, sku: 'SKU-1', quantity: 1.5 }] },
      }),
    )
    expect(fractional.path).toBe('lines[0].quantity')
  })

  it('maps an order that has not shipped to no Shipment', () => {
    const order = {
      id: 'fo_000001',
      external_reference: 'R-1',
      status: 'allocated',
      warehouse: 'WH-EAST',
      ship_to: { name: 'A', address1: 'B', city: 'C', postal_code: 'D', country_code: 'GB' },
      lines: [{ line_number: 1, sku: 'SKU-1', quantity: 1, quantity_shipped: 0 }],
      shipment: null,
      cancel_reason: null,
      status_history: [],
      version: 2,
      created_at: '2026-01-01T10:00:00.000Z',
      updated_at: '2026-01-01T10:00:00.000Z',
    }
    expect(threePlOrderToShipment(order)).toBeNull()
  })
})
