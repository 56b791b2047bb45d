/** @module test/canonical/invoice-schema.test — the canonical Invoice parses a billed order whose totals add up, and refuses totals that do not, saying by how much. */
import { describe, expect, it } from 'vitest'
import { Invoice } from '../../src/canonical/index.ts'
import { refusal } from './canonical-issues.ts'

const invoice = {
  kind: 'invoice',
  schemaVersion: 1,
  source: { system: 'netsuite', id: '9001', version: '2026-01-31T08:00:00Z' },
  invoiceNumber: 'INV-2026-00042',
  orderKey: 'SHOPIFY-O-820982911946154508',
  customerRef: '647',
  currency: 'EUR',
  lines: [
    { sku: 'SKU-1', description: 'Espresso cup', quantity: 3, unitPrice: '12.50', amount: '37.50' },
    { description: 'Shipping', quantity: 1, unitPrice: '4.90', amount: '4.90' },
    { description: 'Loyalty discount', quantity: 1, unitPrice: '-2.40', amount: '-2.40' },
  ],
  subtotal: '40.0',
  tax: '7.60',
  total: '47.60',
  issuedAt: '2026-01-31T08:00:00Z',
  dueAt: '2026-03-02T00:00:00+01:00',
  status: 'open',
}

describe('canonical Invoice', () => {
  it('parses an invoice whose lines add up to the subtotal (freight and discount as lines)', () => {
    expect(Invoice.parse(invoice)).toEqual(invoice)
  })

  it('parses a paid invoice without order, due date or line SKUs', () => {
    const { orderKey: _o, dueAt: _d, ...bare } = invoice
    const parsed = Invoice.parse({
      ...bare,
      status: 'paid',
      lines: [{ description: 'Consulting', quantity: 1, unitPrice: '40.00', amount: '40.00' }],
    })
    expect(parsed.status).toBe('paid')
  })

  it('refuses a subtotal and total that do not add up, saying what they should be', () => {
    const issues = refusal(Invoice, { ...invoice, subtotal: '42.40' })
    expect(issues).toEqual([
      'subtotal: subtotal 42.40 is not the sum of the line amounts (40.00); map freight, fees and discounts as lines',
      'total: total 47.60 is not subtotal + tax (50.00)',
    ])
  })

  it('refuses a comma decimal, an unknown status and a due date before the issue date', () => {
    expect(refusal(Invoice, { ...invoice, dueAt: '2026-01-01T00:00:00Z' })).toEqual([
      'dueAt: dueAt is before issuedAt: an invoice cannot fall due before it is issued',
    ])
    const issues = refusal(Invoice, { ...invoice, tax: '7,60', status: 'settled' })
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tax: expected a decimal amount as a string, e\.g\. "59\.99"/),
        'status: expected status to be one of draft, open, partially_paid, paid, void',
      ]),
    )
  })
})
