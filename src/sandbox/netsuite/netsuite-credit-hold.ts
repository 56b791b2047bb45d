/** @module sandbox/netsuite/netsuite-credit-hold — "Customer Credit Limit Handling: Enforce Holds": a sales order for a customer on credit hold is refused. */

import type { SimResponse } from '../kit/sim-response.ts'
import { nsErrors } from './netsuite-errors.ts'
import type { NetSuiteRecordStore } from './netsuite-record-store.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A select field as REST shows it (`{id: 'ON'}`) or as a plain string. */
function selectId(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  return isObject(value) && typeof value.id === 'string' ? value.id : undefined
}

/**
 * The customer's Hold field (`creditHoldOverride`): `ON` holds every new order; `AUTO` (the
 * default) holds one that would take the customer's open orders past `creditLimit`, counting
 * orders entered but not yet billed, as the accounting preference does; `OFF` never holds. With
 * "Enforce Holds" NetSuite then refuses to save the order (USER_ERROR), as here; a cancelled
 * order (status C) no longer counts.
 */
export function creditHoldRefusal(
  store: NetSuiteRecordStore,
  customerId: string,
  newTotal: number,
  isNew: boolean,
): SimResponse | null {
  const customer = store.find('customer', customerId)
  if (!customer) return null
  const hold = selectId(customer.fields.creditHoldOverride) ?? 'AUTO'
  const label = [customer.fields.entityId, customer.fields.companyName].find(
    (v): v is string => typeof v === 'string' && v !== '',
  )
  const name = label ?? customerId
  if (hold === 'OFF') return null
  if (hold === 'ON') return refusal(name, 'the customer is on credit hold')
  const limit = customer.fields.creditLimit
  // Only a new order is weighed against the limit: an edit's own old total is in the balance.
  if (!isNew || typeof limit !== 'number' || !Number.isFinite(limit)) return null
  const open = store
    .list('salesOrder')
    .filter(
      (so) => selectId(so.fields.entity) === customerId && selectId(so.fields.orderStatus) !== 'C',
    )
    .reduce((sum, so) => sum + Number(so.fields.total ?? 0), 0)
  if (open + newTotal <= limit) return null
  return refusal(
    name,
    `the order would take the customer's balance to ${(open + newTotal).toFixed(2)}, over the credit limit of ${limit.toFixed(2)}`,
  )
}

function refusal(customer: string, why: string): SimResponse {
  return nsErrors.userError(
    `Customer ${customer} is on credit hold: ${why}. The transaction cannot be saved while Customer Credit Limit Handling is set to Enforce Holds.`,
    'entity',
  )
}
