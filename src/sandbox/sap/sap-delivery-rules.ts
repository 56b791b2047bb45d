/** @module sandbox/sap/sap-delivery-rules — outbound deliveries as LE-SHP makes them: created with reference to sales order items (credit block, rejected items and open quantity checked), then goods issue posted once. */

import { SAP_DOCUMENT_EVENT_TYPES } from './sap-changes.ts'
import type { Change, RuleContext } from './sap-changes.ts'
import { OUTBOUND_DELIVERY_SERVICE } from './sap-document-model.ts'
import { completeRow, dayOf, isBlank, readEntityBody } from './sap-entity-input.ts'
import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import type { EntityTypeDef } from './sap-model.ts'
import type { DocumentRecord, SalesOrderRecord } from './sap-store.ts'
import { alphaOut } from './sap-wire.ts'
import type { Row } from './sap-wire.ts'

export interface DocumentWrite {
  readonly record: DocumentRecord
  readonly change: Change
}

export const deliveryTypes = (ctx: RuleContext): { header: EntityTypeDef; item: EntityTypeDef } => {
  const header = ctx.model.set(OUTBOUND_DELIVERY_SERVICE, 'A_OutbDeliveryHeader')
  const item = ctx.model.set(OUTBOUND_DELIVERY_SERVICE, 'A_OutbDeliveryItem')
  if (!header || !item) throw new Error('outbound delivery model missing')
  return { header, item }
}

const business = (code: string, message: string, target: string) =>
  fail(sapErrors.business(code, message, target))

/** The quantity of an order item already in deliveries. */
export function deliveredQuantity(ctx: RuleContext, salesOrder: string, item: string): number {
  return ctx.store
    .deliveries()
    .flatMap((d) => d.items)
    .filter((i) => i.ReferenceSDDocument === salesOrder && i.ReferenceSDDocumentItem === item)
    .reduce((sum, i) => sum + Number(i.ActualDeliveryQuantity ?? 0), 0)
}

function changeOf(header: Row, kind: 'create' | 'update', eventType: Change['eventType']): Change {
  const reference = header.DeliveryDocumentBySupplier
  const id = String(header.DeliveryDocument)
  return {
    kind,
    recordType: 'A_OutbDeliveryHeader',
    businessKey: typeof reference === 'string' && reference !== '' ? reference : `#${id}`,
    eventType,
    eventData: { DeliveryDocument: id },
  }
}

/** One delivery item from its reference to an order item; the order must be free for delivery. */
function referencedItem(
  ctx: RuleContext,
  raw: unknown,
  index: number,
): Outcome<{ order: SalesOrderRecord; item: Row; values: Row }> {
  const input = readEntityBody(deliveryTypes(ctx).item, raw, 'create')
  if (!input.ok) return input
  const values = input.value.values
  const target = (field: string): string => `to_DeliveryDocumentItem(${index})/${field}`
  if (isBlank(values.ReferenceSDDocument)) {
    return fail(
      sapErrors.business(
        '00/055',
        'Fill in all required entry fields',
        target('ReferenceSDDocument'),
      ),
    )
  }
  const salesOrder = alphaOut(String(values.ReferenceSDDocument))
  const order = ctx.store.salesOrder(salesOrder)
  if (!order) {
    return business(
      'VL/302',
      `Sales document ${salesOrder} does not exist`,
      target('ReferenceSDDocument'),
    )
  }
  if (order.header.TotalCreditCheckStatus === 'B') {
    return business(
      'VL/361',
      `Sales document ${salesOrder} is blocked for delivery by credit management`,
      target('ReferenceSDDocument'),
    )
  }
  const itemId = isBlank(values.ReferenceSDDocumentItem)
    ? String(order.items[0]?.SalesOrderItem ?? '')
    : alphaOut(String(values.ReferenceSDDocumentItem))
  const item = order.items.find((i) => i.SalesOrderItem === itemId)
  if (!item) {
    return business(
      'VL/303',
      `Item ${itemId} of sales document ${salesOrder} does not exist`,
      target('ReferenceSDDocumentItem'),
    )
  }
  if (!isBlank(item.SalesDocumentRjcnReason)) {
    return business(
      'VL/248',
      `Item ${itemId} of sales document ${salesOrder} is rejected`,
      target('ReferenceSDDocumentItem'),
    )
  }
  const open = Number(item.RequestedQuantity) - deliveredQuantity(ctx, salesOrder, itemId)
  const wanted = isBlank(values.ActualDeliveryQuantity)
    ? open
    : Number(values.ActualDeliveryQuantity)
  if (!(open > 0) || wanted > open || !(wanted > 0)) {
    return business(
      'VL/008',
      `Item ${itemId} of sales document ${salesOrder}: no open quantity for ${wanted}`,
      target('ActualDeliveryQuantity'),
    )
  }
  return ok({ order, item, values: { ...values, ActualDeliveryQuantity: String(wanted) } })
}

/** POST A_OutbDeliveryHeader with `to_DeliveryDocumentItem`: all items or no delivery. */
export function createDelivery(ctx: RuleContext, body: unknown): Outcome<DocumentWrite> {
  const { header: headerType, item: itemType } = deliveryTypes(ctx)
  const input = readEntityBody(headerType, body, 'create')
  if (!input.ok) return input
  const raws = input.value.children.to_DeliveryDocumentItem ?? []
  if (raws.length === 0) {
    return business(
      'VL/033',
      'No delivery-relevant items: reference sales order items in to_DeliveryDocumentItem',
      'to_DeliveryDocumentItem',
    )
  }
  const lines: { order: SalesOrderRecord; item: Row; values: Row }[] = []
  for (const [index, raw] of raws.entries()) {
    const line = referencedItem(ctx, raw, index)
    if (!line.ok) return line
    lines.push(line.value)
  }
  const [first] = lines
  if (!first || lines.some((l) => l.order.header.SoldToParty !== first.order.header.SoldToParty)) {
    return business(
      'VL/030',
      'The referenced orders have different sold-to parties',
      'to_DeliveryDocumentItem',
    )
  }
  const now = ctx.now()
  const id = ctx.store.nextDeliveryId()
  const stamp = ctx.store.stamp()
  const order = first.order.header
  const header = completeRow(headerType, {
    ...input.value.values,
    DeliveryDocument: id,
    DeliveryDocumentType: isBlank(input.value.values.DeliveryDocumentType)
      ? 'LF'
      : (input.value.values.DeliveryDocumentType ?? 'LF'),
    ShippingPoint: isBlank(input.value.values.ShippingPoint)
      ? '1710'
      : (input.value.values.ShippingPoint ?? '1710'),
    SoldToParty: order.SoldToParty ?? '',
    ShipToParty: order.SoldToParty ?? '',
    SalesOrganization: order.SalesOrganization ?? '',
    CreationDate: dayOf(now),
    CreatedByUser: ctx.user,
    DeliveryDate: input.value.values.DeliveryDate ?? dayOf(now),
    OverallGoodsMovementStatus: 'A',
    OverallSDProcessStatus: 'A',
    OverallDelivReltdBillgStatus: 'A',
    LastChangeDate: stamp.ms,
  })
  const items = lines.map((line, index) =>
    completeRow(itemType, {
      ...line.values,
      DeliveryDocument: id,
      DeliveryDocumentItem: String((index + 1) * 10),
      ReferenceSDDocument: String(line.order.header.SalesOrder),
      ReferenceSDDocumentItem: String(line.item.SalesOrderItem),
      Material: line.item.Material ?? '',
      DeliveryQuantityUnit: line.item.RequestedQuantityUnit ?? '',
      Plant: isBlank(line.values.Plant) ? '1710' : (line.values.Plant ?? '1710'),
      GoodsMovementStatus: 'A',
    }),
  )
  const record = { header, items, stamp }
  ctx.store.putDelivery(record)
  for (const o of new Set(lines.map((l) => l.order))) markDeliveryStatus(ctx, o)
  return ok({
    record,
    change: changeOf(header, 'create', SAP_DOCUMENT_EVENT_TYPES.outboundDeliveryCreated),
  })
}

/** The order's delivery status follows its deliveries (VBUK); the order document itself is not re-saved. */
function markDeliveryStatus(ctx: RuleContext, order: SalesOrderRecord): void {
  const id = String(order.header.SalesOrder)
  const live = order.items.filter((i) => isBlank(i.SalesDocumentRjcnReason))
  const full = live.every(
    (i) => deliveredQuantity(ctx, id, String(i.SalesOrderItem)) >= Number(i.RequestedQuantity),
  )
  const current = ctx.store.salesOrder(id) ?? order
  ctx.store.putSalesOrder({
    ...current,
    header: { ...current.header, OverallTotalDeliveryStatus: full ? 'C' : 'B' },
  })
}

/** PostGoodsIssue: the goods leave the plant; a second posting is refused, as SAP refuses it. */
export function postGoodsIssue(ctx: RuleContext, record: DocumentRecord): Outcome<DocumentWrite> {
  const id = String(record.header.DeliveryDocument)
  if (record.header.OverallGoodsMovementStatus === 'C') {
    return business(
      'VL/609',
      `Goods issue for delivery ${id} has already been posted`,
      'DeliveryDocument',
    )
  }
  const stamp = ctx.store.stamp()
  const header: Row = {
    ...record.header,
    OverallGoodsMovementStatus: 'C',
    OverallSDProcessStatus: 'B',
    ActualGoodsMovementDate: dayOf(stamp.ms),
    LastChangeDate: stamp.ms,
  }
  const next = {
    header,
    items: record.items.map((i) => ({ ...i, GoodsMovementStatus: 'C' })),
    stamp,
  }
  ctx.store.putDelivery(next)
  return ok({
    record: next,
    change: changeOf(header, 'update', SAP_DOCUMENT_EVENT_TYPES.outboundDeliveryGoodsIssued),
  })
}
