/** @module sandbox/netsuite/netsuite-record-rules — turns a request body into stored fields the way NetSuite would: references resolved, business rules enforced, errors shaped and pathed. */

import type { SimResponse } from '../kit/sim-response.ts'
import { creditHoldRefusal } from './netsuite-credit-hold.ts'
import { nsErrors } from './netsuite-errors.ts'
import {
  journalEntryRules,
  journalLinesOf,
  normaliseJournalLines,
  resolveJournalHeader,
} from './netsuite-journal-rules.ts'
import type { NetSuiteRecordStore, RecordType } from './netsuite-record-store.ts'

export type Prepared =
  | { readonly ok: true; readonly fields: Record<string, unknown> }
  | { readonly ok: false; readonly response: SimResponse }

export interface WriteMode {
  /** `replace` for PUT upsert and creates; `append` for PATCH, where NetSuite adds sublist lines. */
  readonly sublist: 'replace' | 'append'
  /** Business validation; off for /__sim seeding so a test can store data the API would refuse. */
  readonly validate: boolean
  /** Fields the record's form makes mandatory (`/__sim/form`); checked with the business rules. */
  readonly mandatory?: readonly string[]
}

/** Fields NetSuite computes or owns; a body that carries them does not change them. */
const SYSTEM_FIELDS = new Set([
  'id',
  'links',
  'externalId',
  'dateCreated',
  'lastModifiedDate',
  'tranId',
  'refName',
  'total',
])

/**
 * Per type, what only NetSuite changes: stock moves through transactions, not item writes, and an
 * invoice's or fulfillment's lines and source come from the transform that made it.
 */
const OWNED_FIELDS: Partial<Record<RecordType, ReadonlySet<string>>> = {
  invoice: new Set(['item', 'createdFrom', 'entity', 'status', 'amountPaid', 'amountRemaining']),
  itemFulfillment: new Set(['item', 'createdFrom', 'entity']),
}

/** An item's stock per location, shown on the item but never stored in it. */
const STOCK_FIELDS = new Set(['locations', 'totalQuantityOnHand'])

/** Made only by `POST /salesOrder/{id}/!transform/…` in this simulator. */
const TRANSFORM_ONLY: ReadonlySet<RecordType> = new Set(['invoice', 'itemFulfillment'])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const cents = (n: number): number => Math.round(n * 100) / 100

/** Prepares the fields to store for a write of `body` onto `base` (null for a new record). */
export function prepareWrite(
  store: NetSuiteRecordStore,
  type: RecordType,
  body: unknown,
  base: Readonly<Record<string, unknown>> | null,
  mode: WriteMode,
): Prepared {
  if (!isObject(body)) {
    return {
      ok: false,
      response: nsErrors.invalidContent('The request body must be a JSON object.'),
    }
  }
  if (mode.validate && base === null && TRANSFORM_ONLY.has(type)) {
    return {
      ok: false,
      response: nsErrors.userError(
        `The simulator creates ${type} records only by transforming a sales order (POST /salesOrder/{id}/!transform/${type}).`,
      ),
    }
  }
  // Seeding (no validation) may set them, e.g. an invoice someone made in the UI from an order;
  // stock never: it is kept per location beside the item (sim.inventory).
  const owned = mode.validate ? OWNED_FIELDS[type] : undefined
  const incoming = Object.fromEntries(
    Object.entries(body).filter(
      ([k]) => !SYSTEM_FIELDS.has(k) && !(owned?.has(k) ?? false) && !STOCK_FIELDS.has(k),
    ),
  )
  const merged: Record<string, unknown> = { ...base, ...incoming }

  if (type === 'salesOrder') {
    if ('entity' in incoming) {
      const customer = store.resolve('customer', incoming.entity)
      if (!customer) return { ok: false, response: nsErrors.invalidValue('entity', 'entity') }
      merged.entity = { id: customer.id }
    }
    if ('location' in incoming) {
      const location = store.resolve('location', incoming.location)
      if (!location) return { ok: false, response: nsErrors.invalidValue('location', 'location') }
      merged.location = { id: location.id }
    }
    if ('item' in incoming) {
      const lines = normaliseLines(store, incoming.item)
      if (!lines.ok) return lines
      const earlier = mode.sublist === 'append' && base ? linesOf(base) : []
      const all = [...earlier, ...lines.lines].map((line, i) => ({ ...line, line: i + 1 }))
      merged.item = { items: all }
    }
    merged.total = cents(linesOf(merged).reduce((sum, l) => sum + Number(l.amount ?? 0), 0))
  }
  if (type === 'journalEntry') {
    const refused = resolveJournalHeader(store, incoming, merged, mode.validate)
    if (refused) return { ok: false, response: refused }
    if ('line' in incoming) {
      const lines = normaliseJournalLines(store, incoming.line, mode.validate)
      if (!lines.ok) return lines
      const earlier = mode.sublist === 'append' && base ? journalLinesOf(base) : []
      merged.line = { items: [...earlier, ...lines.value].map((l, i) => ({ ...l, line: i + 1 })) }
    }
    if (mode.validate) {
      const broken = journalEntryRules(store, merged)
      if (broken) return { ok: false, response: broken }
    }
  }
  if (type === 'customer' && merged.entityId === undefined) {
    const name = companyOrPersonName(merged)
    if (name) merged.entityId = name
  }
  if (mode.validate) {
    const refused = businessRules(type, merged) ?? formRules(mode.mandatory ?? [], merged)
    if (refused) return { ok: false, response: refused }
    // A new order, or one whose customer or lines change, meets the customer's credit hold.
    const entity = isObject(merged.entity) ? merged.entity.id : undefined
    if (
      type === 'salesOrder' &&
      typeof entity === 'string' &&
      (base === null || 'item' in incoming || 'entity' in incoming)
    ) {
      const held = creditHoldRefusal(store, entity, Number(merged.total ?? 0), base === null)
      if (held) return { ok: false, response: held }
    }
  }
  return { ok: true, fields: merged }
}

export type Line = Record<string, unknown>

export function linesOf(fields: Readonly<Record<string, unknown>>): Line[] {
  const item = fields.item
  return isObject(item) && Array.isArray(item.items) ? (item.items as Line[]) : []
}

function normaliseLines(
  store: NetSuiteRecordStore,
  sublist: unknown,
): { ok: true; lines: Line[] } | { ok: false; response: SimResponse } {
  if (!isObject(sublist) || (sublist.items !== undefined && !Array.isArray(sublist.items))) {
    return { ok: false, response: nsErrors.invalidValue('item', 'item') }
  }
  const given = (sublist.items ?? []) as unknown[]
  const lines: Line[] = []
  for (const [i, raw] of given.entries()) {
    const path = `item.items[${i}]`
    if (!isObject(raw)) return { ok: false, response: nsErrors.invalidValue('item', path) }
    const item = store.resolve('inventoryItem', raw.item)
    if (!item) return { ok: false, response: nsErrors.invalidValue('item', `${path}.item`) }
    if (typeof raw.quantity !== 'number' || !Number.isFinite(raw.quantity)) {
      return { ok: false, response: nsErrors.invalidValue('quantity', `${path}.quantity`) }
    }
    const rate = raw.rate ?? item.fields.basePrice ?? 0
    if (typeof rate !== 'number' || !Number.isFinite(rate)) {
      return { ok: false, response: nsErrors.invalidValue('rate', `${path}.rate`) }
    }
    const location =
      raw.location === undefined ? undefined : store.resolve('location', raw.location)
    if (raw.location !== undefined && !location) {
      return { ok: false, response: nsErrors.invalidValue('location', `${path}.location`) }
    }
    lines.push({
      ...raw,
      item: { id: item.id },
      quantity: raw.quantity,
      rate,
      amount: cents(raw.quantity * rate),
      ...(location ? { location: { id: location.id } } : {}),
    })
  }
  return { ok: true, lines }
}

function companyOrPersonName(fields: Readonly<Record<string, unknown>>): string | null {
  const company = fields.companyName
  if (typeof company === 'string' && company.trim() !== '') return company
  const { firstName, lastName } = fields
  if (
    typeof firstName === 'string' &&
    firstName.trim() !== '' &&
    typeof lastName === 'string' &&
    lastName.trim() !== ''
  ) {
    return `${firstName} ${lastName}`
  }
  return null
}

/** A form's mandatory fields that are missing or empty, named as NetSuite names them. */
function formRules(
  mandatory: readonly string[],
  fields: Readonly<Record<string, unknown>>,
): SimResponse | null {
  const missing = mandatory.filter(
    (f) => fields[f] === undefined || fields[f] === null || fields[f] === '',
  )
  const [first] = missing
  if (first === undefined) return null
  return nsErrors.userError(`Please enter value(s) for: ${missing.join(', ')}.`, first)
}

/** The non-retryable business errors: USER_ERROR, as NetSuite shapes them. */
function businessRules(
  type: RecordType,
  fields: Readonly<Record<string, unknown>>,
): SimResponse | null {
  switch (type) {
    case 'customer':
      return companyOrPersonName(fields)
        ? null
        : nsErrors.userError('Please enter value(s) for: Company Name.')
    case 'inventoryItem':
      return typeof fields.itemId === 'string' && fields.itemId !== ''
        ? null
        : nsErrors.userError('Please enter value(s) for: Item Name/Number.', 'itemId')
    case 'location':
      return typeof fields.name === 'string' && fields.name !== ''
        ? null
        : nsErrors.userError('Please enter value(s) for: Name.', 'name')
    case 'invoice':
    case 'creditMemo':
    case 'itemFulfillment':
    case 'journalEntry':
      return null
    case 'account':
      return typeof fields.acctName === 'string' && fields.acctName !== ''
        ? null
        : nsErrors.userError('Please enter value(s) for: Name.', 'acctName')
    case 'accountingPeriod':
      return typeof fields.periodName === 'string' && fields.periodName !== ''
        ? null
        : nsErrors.userError('Please enter value(s) for: Period Name.', 'periodName')
    case 'currency':
      return typeof fields.symbol === 'string' && /^[A-Z]{3}$/.test(fields.symbol)
        ? null
        : nsErrors.userError('Please enter value(s) for: ISO Code.', 'symbol')
    case 'subsidiary':
    case 'department':
    case 'classification':
      return typeof fields.name === 'string' && fields.name !== ''
        ? null
        : nsErrors.userError('Please enter value(s) for: Name.', 'name')
    case 'salesOrder': {
      if (!isObject(fields.entity)) {
        return nsErrors.userError('Please enter value(s) for: Customer.', 'entity')
      }
      const lines = linesOf(fields)
      if (lines.length === 0) {
        return nsErrors.userError(
          'You must enter at least one line item for this transaction.',
          'item',
        )
      }
      const bad = lines.findIndex((l) => typeof l.quantity !== 'number' || l.quantity <= 0)
      if (bad >= 0) {
        return nsErrors.userError(
          `The quantity on line ${bad + 1} must be greater than zero.`,
          `item.items[${bad}].quantity`,
        )
      }
      return null
    }
  }
}
