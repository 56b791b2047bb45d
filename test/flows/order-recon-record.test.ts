// The comparison form both order reconciliation sides produce: the same order read from Shopify
// (decimal strings) and from NetSuite (numbers, lines in another order) hashes the same; any change
// to a compared field does not.
import { describe, expect, it } from 'vitest'
import {
  orderComparisonRecord,
  shopifyOrderIdOfKey,
} from '../../src/flows/order-to-erp/order-recon-record.ts'
import { fieldHash } from '../../src/reconciliation/field-hash.ts'

const shopify = orderComparisonRecord({
  key: 'SHOPIFY-O-1001',
  customer: 'SHOPIFY-C-7',
  orderName: '#1001',
  lines: [
    { sku: 'SKU-1', quantity: 2, rate: '49.90' },
    { sku: 'SKU-2', quantity: 1, rate: '0.10' },
  ],
})

describe('order comparison record', () => {
  it('is the same for both spellings of the same order', () => {
    const netsuite = orderComparisonRecord({
      key: 'SHOPIFY-O-1001',
      customer: 'SHOPIFY-C-7',
      orderName: '#1001',
      lines: [
        { sku: 'SKU-2', quantity: 1, rate: 0.1 },
        { sku: 'SKU-1', quantity: 2, rate: 49.9 },
      ],
      totalCents: 9990,
    })
    expect(shopify.fields).toEqual({
      customer: 'SHOPIFY-C-7',
      orderName: '#1001',
      lines: 'SKU-1x2@49.9;SKU-2x1@0.1',
      totalCents: 9990,
    })
    expect(fieldHash(netsuite.fields)).toBe(fieldHash(shopify.fields))
  })

  it.each([
    [
      'a quantity',
      {
        lines: [
          { sku: 'SKU-1', quantity: 3, rate: 49.9 },
          { sku: 'SKU-2', quantity: 1, rate: 0.1 },
        ],
      },
    ],
    [
      'a rate',
      {
        lines: [
          { sku: 'SKU-1', quantity: 2, rate: 49.99 },
          { sku: 'SKU-2', quantity: 1, rate: 0.1 },
        ],
      },
    ],
    [
      'a line more',
      {
        lines: [
          { sku: 'SKU-1', quantity: 2, rate: 49.9 },
          { sku: 'SKU-2', quantity: 1, rate: 0.1 },
          { sku: 'SKU-3', quantity: 1, rate: 1 },
        ],
      },
    ],
    ['the customer', { customer: 'SHOPIFY-C-8' }],
    ['the order name', { orderName: '#1001-EDITED' }],
    ['the total alone', { totalCents: 9991 }],
  ])('differs when %s differs', (_what, change) => {
    const changed = orderComparisonRecord({
      key: 'SHOPIFY-O-1001',
      customer: 'SHOPIFY-C-7',
      orderName: '#1001',
      lines: [
        { sku: 'SKU-1', quantity: 2, rate: 49.9 },
        { sku: 'SKU-2', quantity: 1, rate: 0.1 },
      ],
      totalCents: 9990,
      ...change,
    })
    expect(fieldHash(changed.fields)).not.toBe(fieldHash(shopify.fields))
  })

  it('reads the Shopify order id out of a sales order key, and nothing else', () => {
    expect(shopifyOrderIdOfKey('SHOPIFY-O-5550001')).toBe('5550001')
    expect(shopifyOrderIdOfKey("SHOPIFY-O-1' OR '1'='1")).toBeUndefined()
    expect(shopifyOrderIdOfKey('SAP-O-1')).toBeUndefined()
  })
})
