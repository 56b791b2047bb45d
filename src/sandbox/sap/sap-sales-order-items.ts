/** @module sandbox/sap/sap-sales-order-items — sales order items as SD prices them: material looked up, quantity and unit checked, numbered 10, 20…, net amount in the currency's decimals. */

import type { RuleContext } from './sap-changes.ts'
import {
  completeRow,
  isBlank,
  missingMandatory,
  putValues,
  readEntityBody,
} from './sap-entity-input.ts'
import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import type { EntityTypeDef } from './sap-model.ts'
import { SALES_ORDER_SERVICE } from './sap-model.ts'
import { currencyDecimals } from './sap-wire.ts'
import type { Row, Value } from './sap-wire.ts'

export const types = (ctx: RuleContext): { header: EntityTypeDef; item: EntityTypeDef } => {
  const header = ctx.model.set(SALES_ORDER_SERVICE, 'A_SalesOrder')
  const item = ctx.model.set(SALES_ORDER_SERVICE, 'A_SalesOrderItem')
  if (!header || !item) throw new Error('sales order model missing')
  return { header, item }
}

export const required = (field: string) =>
  fail(sapErrors.business('00/055', 'Fill in all required entry fields', field))

/** Net amount of a quantity at a price, rounded to the currency's decimals, as a string. */
export function netAmount(quantity: string, price: string, currency: Value | undefined): string {
  const decimals = currencyDecimals(currency)
  return (Math.round(Number(quantity) * Number(price) * 10 ** decimals) / 10 ** decimals).toFixed(
    decimals,
  )
}

export function totalOf(items: readonly Row[], currency: Value | undefined): string {
  const decimals = currencyDecimals(currency)
  const sum = items.reduce((total, item) => total + Number(item.NetAmount ?? 0), 0)
  return sum.toFixed(decimals)
}

/** Validates and prices one item; `taken` holds the item numbers already used in the order. */
export function buildItem(
  ctx: RuleContext,
  header: Row,
  body: unknown,
  taken: readonly string[],
  index: number,
): Outcome<Row> {
  const { item: type } = types(ctx)
  const input = readEntityBody(type, body, 'create')
  if (!input.ok) return input
  const values = { ...input.value.values }
  const target = (field: string): string => `to_Item(${index})/${field}`
  if (isBlank(values.Material)) return required(target('Material'))
  const material = ctx.store.material(String(values.Material))
  if (!material) {
    return fail(
      sapErrors.business(
        'V1/392',
        `Material ${String(values.Material)} does not exist in sales area ${areaOf(header)}`,
        target('Material'),
      ),
    )
  }
  const quantity = String(values.RequestedQuantity ?? '0')
  if (!(Number(quantity) > 0)) {
    return fail(
      sapErrors.business('V1/140', 'Enter an order quantity', target('RequestedQuantity')),
    )
  }
  const unit = isBlank(values.RequestedQuantityUnit) ? material.unit : values.RequestedQuantityUnit
  if (unit !== material.unit) {
    return fail(
      sapErrors.business(
        'M3/306',
        `Unit ${String(unit)} is not defined for material ${material.material}`,
        target('RequestedQuantityUnit'),
      ),
    )
  }
  let number = isBlank(values.SalesOrderItem) ? '' : String(values.SalesOrderItem)
  if (number === '') {
    const highest = Math.max(0, ...taken.map(Number).filter(Number.isFinite))
    number = String(Math.floor(highest / 10) * 10 + 10)
  } else if (!/^\d+$/.test(number) || taken.includes(number)) {
    return fail(
      sapErrors.business(
        'V1/008',
        `Item ${number} already exists or is not a number`,
        target('SalesOrderItem'),
      ),
    )
  }
  const currency = header.TransactionCurrency
  const row = completeRow(type, {
    ...values,
    SalesOrder: header.SalesOrder ?? '',
    SalesOrderItem: number,
    SalesOrderItemCategory: 'TAN',
    SalesOrderItemText: isBlank(values.SalesOrderItemText)
      ? material.description
      : (values.SalesOrderItemText ?? ''),
    Material: material.material,
    RequestedQuantity: quantity,
    RequestedQuantityUnit: unit ?? material.unit,
    TransactionCurrency: currency ?? '',
    NetPriceAmount: material.price,
    NetAmount: netAmount(quantity, material.price, currency),
    SDProcessStatus: 'A',
  })
  const missing = missingMandatory(type, row)
  return missing ? required(target(missing.name)) : ok(row)
}

export const areaOf = (row: Row): string =>
  `${String(row.SalesOrganization)}/${String(row.DistributionChannel)}/${String(row.OrganizationDivision)}`

/** An item after a PATCH/MERGE/PUT: only text, reference, quantity and unit change; re-priced. */
export function changeItem(
  ctx: RuleContext,
  current: Row,
  body: unknown,
  replace: boolean,
): Outcome<Row> {
  const { item: type } = types(ctx)
  const input = readEntityBody(type, body, 'update')
  if (!input.ok) return input
  const values = replace ? putValues(type, input.value.values) : input.value.values
  const next = { ...current, ...values }
  const quantity = String(next.RequestedQuantity)
  if (!(Number(quantity) > 0)) {
    return fail(sapErrors.business('V1/140', 'Enter an order quantity', 'RequestedQuantity'))
  }
  const material = ctx.store.material(String(next.Material))
  if (material && next.RequestedQuantityUnit !== material.unit) {
    return fail(
      sapErrors.business(
        'M3/306',
        `Unit ${String(next.RequestedQuantityUnit)} is not defined for material ${material.material}`,
        'RequestedQuantityUnit',
      ),
    )
  }
  return ok({
    ...next,
    NetAmount: netAmount(quantity, String(next.NetPriceAmount), next.TransactionCurrency),
  })
}
