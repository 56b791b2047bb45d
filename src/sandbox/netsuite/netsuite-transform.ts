/** @module sandbox/netsuite/netsuite-transform — a sales order transformed into an invoice or an item fulfillment, line quantities checked against what is left. */

import type { SimResponse } from '../kit/sim-response.ts'
import { nsError, nsErrors } from './netsuite-errors.ts'
import { receivablesPeriodRefusal } from './netsuite-posting-period.ts'
import { cents, linesOf } from './netsuite-record-rules.ts'
import type { Line } from './netsuite-record-rules.ts'
import type { NetSuiteRecordStore, StoredRecord } from './netsuite-record-store.ts'
import type { NetSuiteStock } from './netsuite-stock.ts'

export const TRANSFORM_TARGETS = ['invoice', 'itemFulfillment'] as const
export type TransformTarget = (typeof TRANSFORM_TARGETS)[number]

export const isTransformTarget = (value: string): value is TransformTarget =>
  (TRANSFORM_TARGETS as readonly string[]).includes(value)

export type Transformed =
  | { readonly ok: true; readonly record: StoredRecord }
  | { readonly ok: false; readonly response: SimResponse }

export interface TransformContext {
  readonly store: NetSuiteRecordStore
  readonly stock: NetSuiteStock
  readonly now: () => number
}

/** Header fields a transform body may not set: the source order and NetSuite decide them. */
const DERIVED = new Set([
  'id',
  'links',
  'tranId',
  'entity',
  'createdFrom',
  'item',
  'total',
  'status',
  'amountPaid',
  'amountRemaining',
  'dateCreated',
  'lastModifiedDate',
])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const lineNumber = (line: Line): number => (typeof line.line === 'number' ? line.line : 0)
const idOf = (ref: unknown): string | undefined =>
  isObject(ref) && typeof ref.id === 'string' ? ref.id : undefined

/** Per sales-order line, the quantity already carried into `target` records (billed or shipped). */
export function quantitiesDone(
  store: NetSuiteRecordStore,
  orderId: string,
  target: TransformTarget,
): Map<number, number> {
  const done = new Map<number, number>()
  for (const record of store.createdFrom(orderId, target)) {
    for (const line of linesOf(record.fields)) {
      const orderLine = typeof line.orderLine === 'number' ? line.orderLine : 0
      const quantity = typeof line.quantity === 'number' ? line.quantity : 0
      done.set(orderLine, (done.get(orderLine) ?? 0) + quantity)
    }
  }
  return done
}

/** A transform's body: none means `{}`; anything but an object is refused as NetSuite does. */
export function transformBody(
  body: unknown,
): { ok: true; fields: Record<string, unknown> } | { ok: false; response: SimResponse } {
  const given = body ?? {}
  if (isObject(given)) return { ok: true, fields: given }
  return {
    ok: false,
    response: nsErrors.invalidContent('The request body must be a JSON object.'),
  }
}

const initializeError = (target: TransformTarget, orderId: string): SimResponse =>
  nsError(400, {
    detail: `Error while accessing a resource. You can not initialize ${target.toLowerCase()}: invalid reference ${orderId}.`,
    'o:errorCode': 'INVALID_INITIALIZE_REF',
  })

/**
 * `POST /salesOrder/{id}/!transform/{target}`. Like NetSuite, every call that finds something
 * left to bill (or ship) makes a NEW record: the transform is not idempotent. A body's
 * `item.items[{orderLine, quantity}]` changes those lines; `replace=item` keeps only them.
 */
export function transformSalesOrder(
  ctx: TransformContext,
  order: StoredRecord,
  target: TransformTarget,
  body: unknown,
  replaceLines: boolean,
): Transformed {
  const parsed = transformBody(body)
  if (!parsed.ok) return parsed
  const given = parsed.fields
  const done = quantitiesDone(ctx.store, order.id, target)
  const orderLines = linesOf(order.fields)
  const remaining = new Map(
    orderLines.map((l) => [
      lineNumber(l),
      Math.max(0, Number(l.quantity ?? 0) - (done.get(lineNumber(l)) ?? 0)),
    ]),
  )
  if ([...remaining.values()].every((q) => q <= 0)) {
    return { ok: false, response: initializeError(target, order.id) }
  }
  const chosen = chooseQuantities(ctx.store, given.item, remaining, replaceLines, target)
  if (!chosen.ok) return chosen
  const lines: Line[] = []
  for (const orderLine of orderLines) {
    const n = lineNumber(orderLine)
    const pick = chosen.picks.get(n)
    if (pick === undefined || pick.quantity <= 0) continue
    const base = {
      line: lines.length + 1,
      orderLine: n,
      item: orderLine.item,
      quantity: pick.quantity,
    }
    if (target === 'invoice') {
      const rate = Number(orderLine.rate ?? 0)
      const description = orderLine.description
      lines.push({
        ...base,
        rate,
        amount: cents(pick.quantity * rate),
        ...(typeof description === 'string' ? { description } : {}),
      })
    } else {
      const location = pick.location ?? idOf(orderLine.location) ?? idOf(order.fields.location)
      lines.push({
        ...base,
        location: { id: location ?? firstLocation(ctx.store) },
        itemReceive: true,
      })
    }
  }
  if (lines.length === 0) {
    return {
      ok: false,
      response: nsError(400, {
        detail:
          'Error while accessing a resource. You must have at least one valid line item for this transaction.',
        'o:errorCode': 'VALID_LINE_ITEM_REQD',
      }),
    }
  }
  const header = Object.fromEntries(Object.entries(given).filter(([k]) => !DERIVED.has(k)))
  const externalId = typeof header.externalId === 'string' ? header.externalId : null
  delete header.externalId
  if (externalId !== null && ctx.store.byExternalId(target, externalId)) {
    return { ok: false, response: nsErrors.duplicateRecord('externalId') }
  }
  const fields =
    target === 'invoice' ? invoiceFields(order, lines) : fulfillmentFields(order, lines)
  const today = new Date(ctx.now()).toISOString().slice(0, 10)
  // An invoice posts to receivables (a sales order does not): its date must be in an open period.
  if (target === 'invoice') {
    const day = typeof header.tranDate === 'string' ? header.tranDate : today
    const closed = receivablesPeriodRefusal(ctx.store, day)
    if (closed) return { ok: false, response: closed }
  }
  const record = ctx.store.insert(target, externalId, { tranDate: today, ...fields, ...header })
  if (target === 'itemFulfillment') {
    for (const line of lines) {
      const item = idOf(line.item)
      const location = idOf(line.location)
      if (item && location) ctx.stock.ship(item, location, Number(line.quantity))
    }
  }
  return { ok: true, record }
}

interface Pick {
  readonly quantity: number
  readonly location?: string
}

function chooseQuantities(
  store: NetSuiteRecordStore,
  sublist: unknown,
  remaining: ReadonlyMap<number, number>,
  replaceLines: boolean,
  target: TransformTarget,
): { ok: true; picks: Map<number, Pick> } | { ok: false; response: SimResponse } {
  // Unless replaced, every line starts at what is left on it, as NetSuite initialises the record.
  const picks = new Map<number, Pick>(
    replaceLines ? [] : [...remaining].map(([n, quantity]) => [n, { quantity }]),
  )
  if (sublist === undefined) return { ok: true, picks }
  if (!isObject(sublist) || !Array.isArray(sublist.items)) {
    return { ok: false, response: nsErrors.invalidValue('item', 'item') }
  }
  for (const [i, raw] of (sublist.items as unknown[]).entries()) {
    const path = `item.items[${i}]`
    if (!isObject(raw) || typeof raw.orderLine !== 'number' || !remaining.has(raw.orderLine)) {
      return { ok: false, response: nsErrors.invalidValue('orderLine', `${path}.orderLine`) }
    }
    const left = remaining.get(raw.orderLine) ?? 0
    const quantity = raw.quantity ?? left
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) {
      return { ok: false, response: nsErrors.invalidValue('quantity', `${path}.quantity`) }
    }
    if (quantity > left) {
      const verb = target === 'invoice' ? 'bill' : 'fulfill'
      return {
        ok: false,
        response: nsErrors.userError(
          `You cannot ${verb} more than the remaining quantity (${left}) of order line ${raw.orderLine}.`,
          `${path}.quantity`,
        ),
      }
    }
    let location: string | undefined
    if (target === 'itemFulfillment' && raw.location !== undefined) {
      location = store.resolve('location', raw.location)?.id
      if (location === undefined) {
        return { ok: false, response: nsErrors.invalidValue('location', `${path}.location`) }
      }
    }
    picks.set(raw.orderLine, location === undefined ? { quantity } : { quantity, location })
  }
  return { ok: true, picks }
}

function invoiceFields(order: StoredRecord, lines: Line[]): Record<string, unknown> {
  const total = cents(lines.reduce((sum, l) => sum + Number(l.amount ?? 0), 0))
  const copied = pick(order.fields, ['currency', 'otherRefNum', 'memo', 'subsidiary'])
  return {
    ...copied,
    entity: order.fields.entity,
    createdFrom: { id: order.id },
    item: { items: lines },
    total,
    amountPaid: 0,
    amountRemaining: total,
    status: { id: 'A', refName: 'Open' },
  }
}

function fulfillmentFields(order: StoredRecord, lines: Line[]): Record<string, unknown> {
  return {
    ...pick(order.fields, ['memo', 'subsidiary']),
    entity: order.fields.entity,
    createdFrom: { id: order.id },
    shipStatus: { id: 'C', refName: 'Shipped' },
    item: { items: lines },
  }
}

export function pick(fields: Readonly<Record<string, unknown>>, names: readonly string[]) {
  return Object.fromEntries(names.flatMap((n) => (fields[n] === undefined ? [] : [[n, fields[n]]])))
}

function firstLocation(store: NetSuiteRecordStore): string {
  return store.list('location')[0]?.id ?? '1'
}
