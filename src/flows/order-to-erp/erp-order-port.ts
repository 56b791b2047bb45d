/** @module flows/order-to-erp/erp-order-port — what an order flow needs from an ERP, in canonical terms.
 *
 * The order flow is written against this port only, so the ERP is chosen by configuration: the
 * composition root binds a NetSuite or an SAP adapter, and the flow's code does not change. Each
 * adapter uses its ERP's native way to make a write safe to repeat (NetSuite: upsert by external
 * id; SAP, which has none: a query by the business key before every create).
 */
import type { Customer, Order } from '../../canonical/index.ts'

/** A record in the ERP, by the ERP's own id. */
export interface ErpRecordRef {
  [key: string]: string
  id: string
}

export interface ErpWriteCall {
  /** Stable for the delivery: sent as the ERP's idempotency key where it has one. */
  idempotencyKey: string
  signal: AbortSignal
}

export interface ErpOrderPort {
  /** The system name written into cross-references, e.g. `netsuite` or `sap`. */
  readonly system: string
  /** The governed target, e.g. `netsuite:1234567` or `sap:https://my-s4.example.com`: every flow calling it shares its limits. */
  readonly target: string
  /** The operation names the engine records and derives idempotency keys from. */
  readonly operations: { readonly ensureCustomer: string; readonly upsertSalesOrder: string }

  /** The business key the ERP can find this customer by (its external id or search key). */
  customerKey(customer: Customer): string
  /** The customer with `customerKey`, or null; the in-doubt read of `ensureCustomer`. */
  findCustomer(key: string, signal: AbortSignal): Promise<ErpRecordRef | null>
  /** Creates the customer if the ERP has none with this key; leaves an existing one alone. */
  ensureCustomer(customer: Customer, call: ErpWriteCall): Promise<ErpRecordRef>

  /** The business key the ERP can find this order by. */
  salesOrderKey(order: Order): string
  /**
   * The sales order with `salesOrderKey`, or null. With `minimumVersion` (the source's version as
   * epoch ms), an order the ERP holds at an older version counts as not there yet, so an update's
   * in-doubt read does not mistake the previous version for it.
   */
  findSalesOrder(
    order: Order,
    minimumVersion: number | undefined,
    signal: AbortSignal,
  ): Promise<ErpRecordRef | null>
  /** Creates the sales order for `customerId`, or brings an existing one up to this version. */
  upsertSalesOrder(order: Order, customerId: string, call: ErpWriteCall): Promise<ErpRecordRef>
}
