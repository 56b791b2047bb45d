/** @module test/sandbox/netsuite-credit-memo.test — invoices taken back by credit memos (not idempotent), and receivables refused in a closed or A/R-locked period, over real HTTP. */

import { describe, expect, it } from 'vitest'
import { nsErrorCode } from './sandbox-test-kit.ts'
import { useNetSuiteTestEstate } from './netsuite-test-estate.ts'
import type { NetSuiteErrorBody } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
const estate = useNetSuiteTestEstate(23)
const { sim, json, idFrom } = estate

/** A sales order for 2 × SKU-1 at 10; returns its id. */
async function salesOrder(): Promise<string> {
  await estate.ns().call('PUT', `${R}/customer/eid:C-1`, { companyName: 'Acme' })
  const order = await estate.ns().call('POST', `${R}/salesOrder`, {
    externalId: 'SO-CM-1',
    entity: { externalId: 'C-1' },
    item: { items: [{ item: { externalId: 'SKU-1' }, quantity: 2, rate: 10 }] },
  })
  return idFrom(order)
}

const bill = (orderId: string, tranDate?: string) =>
  estate
    .ns()
    .call(
      'POST',
      `${R}/salesOrder/${orderId}/!transform/invoice`,
      tranDate === undefined ? {} : { tranDate },
    )

/** The order billed; returns the invoice's id. */
async function invoice(tranDate?: string): Promise<string> {
  const billed = await bill(await salesOrder(), tranDate)
  expect(billed.status).toBe(204)
  return idFrom(billed)
}

const credit = (invoiceId: string, body: unknown = {}) =>
  estate.ns().call('POST', `${R}/invoice/${invoiceId}/!transform/creditMemo`, body)

function period(name: string, startDate: string, endDate: string, lock: Record<string, boolean>) {
  sim.records.put('accountingPeriod', {
    externalId: name,
    periodName: name,
    startDate,
    endDate,
    isQuarter: false,
    isYear: false,
    ...lock,
  })
}

describe('invoice → creditMemo', () => {
  it('credits the invoice in full, applied to it, and counts the create in the ledger', async () => {
    const invoiceId = await invoice()
    const made = await credit(invoiceId)
    expect(made.status).toBe(204)
    expect(made.headers.get('location')).toMatch(new RegExp(`${R}/creditMemo/\\d+$`))
    const memo = await json(`${R}/creditMemo/${idFrom(made)}`)
    expect(memo).toMatchObject({
      tranId: 'CM1',
      createdFrom: { id: invoiceId },
      total: 20,
      amountUnapplied: 0,
      status: { id: 'B', refName: 'Fully Applied' },
    })
    expect(await json(`${R}/invoice/${invoiceId}`)).toMatchObject({
      amountRemaining: 0,
      status: { id: 'B', refName: 'Paid In Full' },
    })
    const effect = sim.ledger().effects.find((e) => e.recordType === 'creditMemo')
    expect(effect).toMatchObject({ businessKey: `#${invoiceId}`, creates: 1 })
  })

  it('is NOT idempotent: a second transform makes a second memo, left unapplied', async () => {
    const invoiceId = await invoice()
    const first = await credit(invoiceId)
    const second = await credit(invoiceId)
    expect(idFrom(second)).not.toBe(idFrom(first))
    expect(await json(`${R}/creditMemo/${idFrom(second)}`)).toMatchObject({
      amountUnapplied: 20,
      status: { id: 'A', refName: 'Open' },
    })
    const effect = sim.ledger().effects.find((e) => e.recordType === 'creditMemo')
    expect(effect?.creates).toBe(2)
  })
})

describe('receivables in a closed period', () => {
  it('refuses an invoice dated into a closed period, and one with no period set up', async () => {
    period('Jan 2026', '2026-01-01', '2026-01-31', { closed: true })
    period('Feb 2026', '2026-02-01', '2026-02-28', {})
    const orderId = await salesOrder()
    const refused = await bill(orderId, '2026-01-15')
    expect(refused.status).toBe(400)
    const body = (await refused.clone().json()) as NetSuiteErrorBody
    expect(await nsErrorCode(refused)).toBe('USER_ERROR')
    expect(JSON.stringify(body)).toMatch(/accounting period Jan 2026 is closed or locked/)
    const unset = await bill(orderId, '2026-05-01')
    expect(JSON.stringify(await unset.json())).toMatch(/No accounting period is set up/)
    expect(sim.records.list('invoice')).toEqual([])
  })

  it('refuses a credit memo dated into a period with A/R locked, and takes one in an open period', async () => {
    period('Feb 2026', '2026-02-01', '2026-02-28', {})
    period('Mar 2026', '2026-03-01', '2026-03-31', { arLocked: true })
    const invoiceId = await invoice('2026-02-10')
    const refused = await credit(invoiceId, { tranDate: '2026-03-02' })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(await refused.json())).toMatch(/Mar 2026 is closed or locked/)
    expect((await credit(invoiceId, { tranDate: '2026-02-11' })).status).toBe(204)
  })
})
