/** @module test/canonical/product-schema.test — the canonical Product parses a real item and refuses a broken one saying what to fix. */
import { describe, expect, it } from 'vitest'
import { Product } from '../../src/canonical/index.ts'
import { refusal } from './canonical-issues.ts'

const widget = {
  kind: 'product',
  schemaVersion: 1,
  source: { system: 'netsuite', id: '1204', version: '2026-01-05T09:12:44Z' },
  sku: 'SKU-1',
  title: 'Espresso cup, stoneware, 90 ml',
  barcode: '00012345678905',
  unitOfMeasure: 'EA',
  price: { amount: '12.50', currency: 'EUR' },
  active: true,
}

describe('canonical Product', () => {
  it('parses a catalogue item, keeping the barcode and price as text', () => {
    const product = Product.parse(widget)
    expect(product.barcode).toBe('00012345678905')
    expect(product.price).toEqual({ amount: '12.50', currency: 'EUR' })
  })

  it('parses an item without the optional barcode and price', () => {
    const { barcode: _b, price: _p, ...bare } = widget
    expect(Product.parse({ ...bare, active: false })).toMatchObject({ active: false })
  })

  it('refuses a float price, a padded SKU, a missing unit and a non-boolean active, naming each', () => {
    const issues = refusal(Product, {
      ...widget,
      sku: ' SKU-1',
      price: { amount: 12.5, currency: 'EUR' },
      unitOfMeasure: undefined,
      active: 'yes',
    })
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sku: .*whitespace/),
        expect.stringMatching(/^price\.amount: /),
        expect.stringMatching(/^unitOfMeasure: expected the unit of measure, e\.g\. "EA"/),
        expect.stringMatching(/^active: expected `active` as true or false/),
      ]),
    )
  })
})
