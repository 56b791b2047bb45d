/** @module test/canonical/inventory-level-schema.test — the canonical InventoryLevel parses a warehouse reading and refuses fractional or negative counts and zone-less instants. */
import { describe, expect, it } from 'vitest'
import { InventoryLevel } from '../../src/canonical/index.ts'
import { refusal } from './canonical-issues.ts'

const reading = {
  kind: 'inventory_level',
  schemaVersion: 1,
  source: { system: 'threepl', id: 'SKU-7@WH-WEST', version: '42' },
  sku: 'SKU-7',
  locationId: 'WH-WEST',
  onHand: 25,
  available: 21,
  reserved: 4,
  asOf: '2026-01-01T10:40:00.000Z',
}

describe('canonical InventoryLevel', () => {
  it('parses a snapshot row with on hand, available and reserved', () => {
    expect(InventoryLevel.parse(reading)).toEqual(reading)
  })

  it('parses a movement that reports only on hand, and an oversold location', () => {
    const { available: _a, reserved: _r, ...onHandOnly } = reading
    expect(InventoryLevel.parse(onHandOnly).available).toBeUndefined()
    expect(InventoryLevel.parse({ ...reading, available: -3 }).available).toBe(-3)
  })

  it('refuses a fractional count, negative on hand, no location and a zone-less asOf, naming each', () => {
    const issues = refusal(InventoryLevel, {
      ...reading,
      onHand: -1,
      available: 2.5,
      locationId: '',
      asOf: '2026-01-01 10:40',
    })
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^onHand: onHand cannot be negative/),
        expect.stringMatching(/^available: expected a whole number of units/),
        expect.stringMatching(/^locationId: .*location \(warehouse\) id/),
        expect.stringMatching(/^asOf: expected asOf as an ISO-8601 instant with a zone/),
      ]),
    )
  })
})
