/** @module sandbox/sap/sap-sales-order-rules — creating and changing sales orders as SD does: sold-to in the sales area, the whole deep insert or nothing, a new change stamp on every save. */

import { businessKeyOf, SAP_EVENT_TYPES, versionOf } from './sap-changes.ts'
import type { Change, RuleContext } from './sap-changes.ts'
import {
  completeRow,
  dayOf,
  isBlank,
  missingMandatory,
  putValues,
  readEntityBody,
} from './sap-entity-input.ts'
import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import { areaOf, buildItem, changeItem, required, totalOf, types } from './sap-sales-order-items.ts'
import type { SalesOrderRecord } from './sap-store.ts'
import type { Row, Value } from './sap-wire.ts'

export interface SalesOrderWrite {
  readonly record: SalesOrderRecord
  readonly change: Change
}

/** Document types the demo company has configured. */
const ORDER_TYPES = new Set(['OR', 'CBFD', 'CR', 'DR'])
const MANDATORY = [
  'SalesOrderType',
  'SalesOrganization',
  'DistributionChannel',
  'OrganizationDivision',
  'SoldToParty',
]

/** Header checks that SD runs before it accepts a document: type, sales area, sold-to party. */
function checkHeader(ctx: RuleContext, header: Row): Outcome<Row> {
  for (const field of MANDATORY) if (isBlank(header[field])) return required(field)
  if (!ORDER_TYPES.has(String(header.SalesOrderType))) {
    return fail(
      sapErrors.business(
        'V1/001',
        `Sales document type ${String(header.SalesOrderType)} is not defined`,
        'SalesOrderType',
      ),
    )
  }
  const soldTo = ctx.store.partner(String(header.SoldToParty))
  if (!soldTo || !soldTo.salesAreas.includes(areaOf(header))) {
    return fail(
      sapErrors.business(
        'V1/320',
        `Sold-to party ${String(header.SoldToParty)} not maintained for sales area ${areaOf(header)}`,
        'SoldToParty',
      ),
    )
  }
  if (soldTo.row.BusinessPartnerIsBlocked === true) {
    return fail(
      sapErrors.business(
        'V1/462',
        `Sold-to party ${String(header.SoldToParty)} is blocked for sales`,
        'SoldToParty',
      ),
    )
  }
  const missing = missingMandatory(types(ctx).header, header)
  return missing ? required(missing.name) : ok(header)
}

function changeOf(ctx: RuleContext, header: Row, kind: Change['kind']): Change {
  const eventType =
    kind === 'create'
      ? SAP_EVENT_TYPES.salesOrderCreated
      : kind === 'update'
        ? SAP_EVENT_TYPES.salesOrderChanged
        : SAP_EVENT_TYPES.salesOrderDeleted
  return {
    kind,
    recordType: 'A_SalesOrder',
    businessKey: businessKeyOf(header.PurchaseOrderByCustomer, header.SalesOrder),
    ...versionOf(ctx, header),
    eventType,
    eventData: { SalesOrder: String(header.SalesOrder) },
  }
}

/** POST A_SalesOrder, with or without `to_Item`: atomic, so a bad item leaves no order behind. */
export function createSalesOrder(ctx: RuleContext, body: unknown): Outcome<SalesOrderWrite> {
  const { header: type } = types(ctx)
  const input = readEntityBody(type, body, 'create')
  if (!input.ok) return input
  const now = ctx.now()
  const draft = completeRow(type, {
    ...input.value.values,
    CreationDate: dayOf(now),
    CreatedByUser: ctx.user,
    SalesOrderDate: input.value.values.SalesOrderDate ?? dayOf(now),
    OverallSDProcessStatus: 'A',
    OverallTotalDeliveryStatus: 'A',
  })
  const checked = checkHeader(ctx, draft)
  if (!checked.ok) return checked
  // The customer master's currency; every seeded and API-created customer bills in USD.
  const currency: Value = isBlank(draft.TransactionCurrency)
    ? 'USD'
    : (draft.TransactionCurrency ?? '')
  const items: Row[] = []
  const withCurrency = { ...draft, TransactionCurrency: currency }
  for (const [index, raw] of (input.value.children.to_Item ?? []).entries()) {
    const item = buildItem(
      ctx,
      withCurrency,
      raw,
      items.map((i) => String(i.SalesOrderItem)),
      index,
    )
    if (!item.ok) return item
    items.push(item.value)
  }
  // The number is drawn only once everything passed: a refused order uses none.
  const id = ctx.store.nextSalesOrderId()
  const stamp = ctx.store.stamp()
  const total = totalOf(items, currency)
  const header: Row = {
    ...withCurrency,
    SalesOrder: id,
    LastChangeDateTime: stamp.ms,
    TotalNetAmount: total,
    TotalCreditCheckStatus: creditCheck(ctx, String(draft.SoldToParty), Number(total)),
    OverallSDDocumentRejectionSts: 'A',
  }
  const record = { header, items: items.map((i) => ({ ...i, SalesOrder: id })), stamp }
  ctx.store.putSalesOrder(record)
  return ok({ record, change: changeOf(ctx, header, 'create') })
}

/**
 * Credit management at save: the order is saved either way, and a failed check blocks it for
 * delivery (status B) until someone in credit management releases it. The exposure is the value
 * of the customer's orders still open (not wholly rejected), as the credit segment counts it.
 */
function creditCheck(ctx: RuleContext, soldTo: string, value: number): string {
  const account = ctx.store.credit(soldTo)
  if (account === undefined) return ''
  if (account.blocked) return 'B'
  if (account.limit === null) return 'A'
  const exposure = ctx.store
    .salesOrders()
    .filter(
      (o) =>
        o.header.SoldToParty === soldTo &&
        o.header.OverallSDDocumentRejectionSts !== 'C' &&
        o.header.TotalCreditCheckStatus !== 'B',
    )
    .reduce((sum, o) => sum + Number(o.header.TotalNetAmount ?? 0), 0)
  return exposure + value > account.limit ? 'B' : 'A'
}

/** A: nothing rejected, B: some items, C: every item (the order is out of the process). */
function rejectionStatus(items: readonly Row[]): string {
  const rejected = items.filter((i) => !isBlank(i.SalesDocumentRjcnReason)).length
  return rejected === 0 ? 'A' : rejected === items.length ? 'C' : 'B'
}

/** Stores a changed order under a new stamp (which is the new ETag) and reports the change. */
function commit(ctx: RuleContext, header: Row, items: readonly Row[]): SalesOrderWrite {
  const stamp = ctx.store.stamp()
  const next: Row = {
    ...header,
    OverallSDDocumentRejectionSts: rejectionStatus(items),
    LastChangeDate: dayOf(stamp.ms),
    LastChangeDateTime: stamp.ms,
    TotalNetAmount: totalOf(items, header.TransactionCurrency),
  }
  const record = { header: next, items, stamp }
  ctx.store.putSalesOrder(record)
  return { record, change: changeOf(ctx, next, 'update') }
}

/** PATCH/MERGE (merge) or PUT (replace) of a header; SAP saves and reports a change even when nothing differs. */
export function updateSalesOrder(
  ctx: RuleContext,
  record: SalesOrderRecord,
  body: unknown,
  replace: boolean,
): Outcome<SalesOrderWrite> {
  const { header: type } = types(ctx)
  const input = readEntityBody(type, body, 'update')
  if (!input.ok) return input
  const values = replace ? putValues(type, input.value.values) : input.value.values
  const header = { ...record.header, ...values }
  const missing = missingMandatory(type, header)
  if (missing) return required(missing.name)
  return ok(commit(ctx, header, record.items))
}

export function deleteSalesOrder(ctx: RuleContext, record: SalesOrderRecord): Change {
  ctx.store.deleteSalesOrder(String(record.header.SalesOrder))
  return changeOf(ctx, record.header, 'delete')
}

/** POST A_SalesOrder('1')/to_Item: one more item; the order's stamp (and ETag) moves. */
export function addItem(
  ctx: RuleContext,
  record: SalesOrderRecord,
  body: unknown,
): Outcome<SalesOrderWrite & { item: Row }> {
  const taken = record.items.map((i) => String(i.SalesOrderItem))
  const item = buildItem(ctx, record.header, body, taken, record.items.length)
  if (!item.ok) return item
  return ok({ ...commit(ctx, record.header, [...record.items, item.value]), item: item.value })
}

/** PATCH/MERGE/PUT of an item: text, reference, quantity and unit; the amount is re-priced. */
export function updateItem(
  ctx: RuleContext,
  record: SalesOrderRecord,
  itemId: string,
  body: unknown,
  replace: boolean,
): Outcome<SalesOrderWrite> {
  const current = record.items.find((i) => i.SalesOrderItem === itemId)
  if (!current) return fail(sapErrors.notFound('A_SalesOrderItem', `(${itemId})`))
  const changed = changeItem(ctx, current, body, replace)
  if (!changed.ok) return changed
  const rejecting =
    isBlank(current.SalesDocumentRjcnReason) && !isBlank(changed.value.SalesDocumentRjcnReason)
  if (rejecting && isDelivered(ctx, String(record.header.SalesOrder), itemId)) {
    return fail(
      sapErrors.business(
        'V1/068',
        `Item ${itemId} has follow-on documents and cannot be rejected`,
        'SalesDocumentRjcnReason',
      ),
    )
  }
  const items = record.items.map((i) => (i === current ? changed.value : i))
  return ok(commit(ctx, record.header, items))
}

/** Whether a delivery references the order item (SD refuses to reject what was delivered). */
function isDelivered(ctx: RuleContext, salesOrder: string, item: string): boolean {
  return ctx.store
    .deliveries()
    .some((d) =>
      d.items.some(
        (i) => i.ReferenceSDDocument === salesOrder && i.ReferenceSDDocumentItem === item,
      ),
    )
}

export function deleteItem(
  ctx: RuleContext,
  record: SalesOrderRecord,
  itemId: string,
): SalesOrderWrite {
  return commit(
    ctx,
    record.header,
    record.items.filter((i) => i.SalesOrderItem !== itemId),
  )
}
