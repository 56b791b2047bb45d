/** @module sandbox/netsuite/netsuite-credit-memo — an invoice transformed into a credit memo that is applied to it: how NetSuite takes back a bill. */

import { nsErrors } from './netsuite-errors.ts'
import { receivablesPeriodRefusal } from './netsuite-posting-period.ts'
import { cents, linesOf } from './netsuite-record-rules.ts'
import type { Line } from './netsuite-record-rules.ts'
import type { StoredRecord } from './netsuite-record-store.ts'
import {
  pick,
  transformBody,
  type TransformContext,
  type Transformed,
} from './netsuite-transform.ts'

/** Header fields a transform body may not set: the invoice and NetSuite decide them. */
const DERIVED = new Set([
  'id',
  'links',
  'tranId',
  'entity',
  'createdFrom',
  'item',
  'apply',
  'total',
  'status',
  'amountRemaining',
  'amountUnapplied',
  'dateCreated',
  'lastModifiedDate',
])

/**
 * `POST /invoice/{id}/!transform/creditMemo`. As in NetSuite the transform is not idempotent:
 * every call makes a new credit memo for the invoice's lines, applied to what is still open on
 * it (the rest stays unapplied credit for the customer). It posts to receivables, so its date
 * must fall in a period open for A/R. The invoice's remaining amount drops by what was applied,
 * and at zero it shows Paid In Full.
 */
export function creditInvoice(
  ctx: TransformContext,
  invoice: StoredRecord,
  body: unknown,
): Transformed {
  const parsed = transformBody(body)
  if (!parsed.ok) return parsed
  const given = parsed.fields
  const header = Object.fromEntries(Object.entries(given).filter(([k]) => !DERIVED.has(k)))
  const tranDate =
    typeof header.tranDate === 'string'
      ? header.tranDate
      : new Date(ctx.now()).toISOString().slice(0, 10)
  const closed = receivablesPeriodRefusal(ctx.store, tranDate)
  if (closed) return { ok: false, response: closed }
  const externalId = typeof header.externalId === 'string' ? header.externalId : null
  delete header.externalId
  if (externalId !== null && ctx.store.byExternalId('creditMemo', externalId)) {
    return { ok: false, response: nsErrors.duplicateRecord('externalId') }
  }
  const lines: Line[] = linesOf(invoice.fields).map((l, i) => ({ ...l, line: i + 1 }))
  const total = cents(lines.reduce((sum, l) => sum + Number(l.amount ?? 0), 0))
  const open = Number(invoice.fields.amountRemaining ?? invoice.fields.total ?? 0)
  const applied = cents(Math.min(open, total))
  const record = ctx.store.insert('creditMemo', externalId, {
    ...pick(invoice.fields, ['currency', 'otherRefNum', 'memo', 'subsidiary']),
    entity: invoice.fields.entity,
    createdFrom: { id: invoice.id },
    item: { items: lines },
    total,
    apply: {
      items: applied > 0 ? [{ doc: { id: invoice.id }, apply: true, amount: applied }] : [],
    },
    amountUnapplied: cents(total - applied),
    status: applied < total ? { id: 'A', refName: 'Open' } : { id: 'B', refName: 'Fully Applied' },
    ...header,
    tranDate,
  })
  const remaining = cents(open - applied)
  ctx.store.update(invoice, {
    ...invoice.fields,
    amountRemaining: remaining,
    status: remaining <= 0 ? { id: 'B', refName: 'Paid In Full' } : invoice.fields.status,
  })
  return { ok: true, record }
}
