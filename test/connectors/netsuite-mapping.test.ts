/** @module test/connectors/netsuite-mapping — canonical Customer/Order → NetSuite request bodies. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Customer } from '../../src/canonical/index.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
  decimalForJson,
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
} from '../../src/connectors/netsuite/netsuite-mapping.ts'
import { parseShopifyJson } from '../../src/connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../src/connectors/shopify/shopify-mapping.ts'

const order = shopifyOrderToCanonical(
  parseShopifyJson(
    readFileSync(new URL('./fixtures/shopify-order-create.payload.json', import.meta.url)),
  ),
)
const customer = (overrides: Partial<Customer>): Customer => ({
  kind: 'customer',
  schemaVersion: 1,
  source: { system: 'shopify', id: '9115310627314723954' },
  ...overrides,
})

describe('external ids', () => {
  it('namespace ids by source system and kind', () => {
    expect(netsuiteCustomerExternalId(order.customer)).toBe('SHOPIFY-C-9115310627314723954')
    expect(netsuiteSalesOrderExternalId(order)).toBe('SHOPIFY-O-9820982911946154508')
  })
})

describe('canonicalCustomerToNetSuite', () => {
  it('maps a person', () => {
    expect(canonicalCustomerToNetSuite(order.customer, { subsidiaryId: '1' })).toEqual({
      externalId: 'SHOPIFY-C-9115310627314723954',
      isPerson: true,
      firstName: 'Zoë',
      lastName: 'Müller-Łukasiewicz',
      email: 'zoe.muller@example.com',
      phone: '+4930123456',
      subsidiary: { id: '1' },
    })
  })

  it('maps a company, even when person names are present', () => {
    const body = canonicalCustomerToNetSuite(
      customer({ companyName: 'Café Zoë GmbH', firstName: 'Zoë' }),
    )
    expect(body).toEqual({
      externalId: 'SHOPIFY-C-9115310627314723954',
      isPerson: false,
      companyName: 'Café Zoë GmbH',
    })
  })

  it('names a nameless customer after its email, since NetSuite requires a name', () => {
    const body = canonicalCustomerToNetSuite(customer({ email: 'anon@example.com' }))
    expect(body).toMatchObject({
      isPerson: false,
      companyName: 'anon@example.com',
      email: 'anon@example.com',
    })
    expect(body).not.toHaveProperty('subsidiary')
  })
})

describe('canonicalOrderToNetSuiteSalesOrder', () => {
  it('maps the order, keeping the merchant-local date, exact rates and the source version', () => {
    expect(canonicalOrderToNetSuiteSalesOrder(order, '647')).toEqual({
      externalId: 'SHOPIFY-O-9820982911946154508',
      entity: { id: '647' },
      tranDate: '2026-01-10',
      otherRefNum: '#1042',
      memo: 'Shopify order #1042',
      currency: { refName: 'EUR' },
      item: {
        items: [
          {
            item: { externalId: 'COFFEE-ETH-250' },
            quantity: 2,
            rate: 24.995,
            description: 'Kaffeebohnen – Äthiopien 250 g',
          },
          {
            item: { externalId: 'MUG-NANDU' },
            quantity: 1,
            rate: 59.96,
            description: 'Tasse "Ñandú" 🦤',
          },
        ],
      },
      // The order's updated_at, as Shopify wrote it: read-before-retry compares it.
      custbody_syncline_source_version: '2026-01-10T23:30:05-05:00',
    })
  })

  it('rejects a non-numeric customer internal id', () => {
    expect(() => canonicalOrderToNetSuiteSalesOrder(order, 'eid:X')).toThrow(HubError)
  })

  it('is pure: the canonical order is not modified', () => {
    const before = JSON.stringify(order)
    canonicalOrderToNetSuiteSalesOrder(order, '1')
    expect(JSON.stringify(order)).toBe(before)
  })
})

describe('decimalForJson', () => {
  it.each([
    ['49.99', 49.99],
    ['49.90', 49.9],
    ['10.00', 10],
    ['0.000001', 0.000001],
    ['-5', -5],
    ['-0.00', 0],
    ['007.50', 7.5],
    ['123456789012345.678901', '123456789012345.678901'],
    ['999999999999999.99', '999999999999999.99'],
  ])('%s → %j', (amount, expected) => {
    expect(decimalForJson(amount)).toBe(expected)
  })
})
