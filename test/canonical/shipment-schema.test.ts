/** @module test/canonical/shipment-schema.test — the canonical Shipment parses a confirmed parcel shipment and refuses one without lines or with a zero quantity. */
import { describe, expect, it } from 'vitest'
import { Shipment } from '../../src/canonical/index.ts'
import { refusal } from './canonical-issues.ts'

const shipment = {
  kind: 'shipment',
  schemaVersion: 1,
  source: { system: 'threepl', id: 'fo_000003', version: '5' },
  orderKey: 'SHOPIFY-O-820982911946154508',
  fulfillmentOrderId: 'fo_000003',
  warehouseId: 'WH-EAST',
  carrier: 'UPS',
  service: 'Ground',
  trackingNumbers: ['1Z999AA10123456784'],
  shippedAt: '2026-01-01T10:40:00.000Z',
  lines: [
    { sku: 'SKU-1', quantity: 2, lineNumber: 1 },
    { sku: 'SKU-4', quantity: 1, lineNumber: 2 },
  ],
  shipTo: { name: 'Zoë Ærøskøbing', line1: 'Vestergade 1', city: 'Ærøskøbing', countryCode: 'DK' },
}

describe('canonical Shipment', () => {
  it('parses a shipped order with tracking, lines and a non-ASCII ship-to', () => {
    expect(Shipment.parse(shipment)).toEqual(shipment)
  })

  it('parses an untracked shipment without service or ship-to', () => {
    const { service: _s, shipTo: _t, ...bare } = shipment
    expect(Shipment.parse({ ...bare, trackingNumbers: [] }).trackingNumbers).toEqual([])
  })

  it('refuses no lines, a zero quantity, no carrier and a date-only shippedAt, naming each', () => {
    expect(refusal(Shipment, { ...shipment, lines: [] })).toEqual([
      'lines: a shipment needs at least one line (sku and quantity)',
    ])
    const issues = refusal(Shipment, {
      ...shipment,
      carrier: '',
      shippedAt: '2026-01-01',
      lines: [{ sku: 'SKU-1', quantity: 0 }],
    })
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^carrier: a shipment needs its carrier/),
        expect.stringMatching(/^shippedAt: expected shippedAt as an ISO-8601 instant/),
        expect.stringMatching(/^lines\.0\.quantity: a shipment line ships at least 1 unit/),
      ]),
    )
  })
})
