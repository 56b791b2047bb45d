/** @module flows/order-to-cash/erp-order-to-cash-port — what the order-to-cash saga needs from an ERP beyond placing the order: the ERP's answer to it, shipping, billing once, cancelling.
 *
 * Extends the order flow's port, so one adapter per ERP serves both flows. Every write has its
 * read: the engine calls it whenever an earlier attempt's outcome is unknown, before anything is
 * sent again.
 */
import type { Order, Shipment } from '../../canonical/index.ts'
import type { ErpOrderPort, ErpRecordRef, ErpWriteCall } from '../order-to-erp/erp-order-port.ts'

/**
 * The ERP's answer to a sales order: placed, or refused for a business reason it states (a credit
 * hold). A refusal is a result, memoized like any other, so a re-entered run does not ask again
 * (the hold may have been lifted meanwhile, and the order has been cancelled elsewhere since).
 */
export type ErpPlacement =
  { kind: 'placed'; id: string } | { kind: 'refused'; code: string; reason: string }

export interface ErpOrderToCashPort extends ErpOrderPort {
  /** The operation names recorded for the saga's ERP writes. */
  readonly cashOperations: {
    readonly placeSalesOrder: string
    readonly recordFulfillment: string
    readonly invoice: string
    readonly cancelSalesOrder: string
  }

  /**
   * Creates the sales order for `customerId`. A refusal the ERP gives for the order's business
   * (credit hold, credit limit) comes back as `refused`; any other error is thrown as usual, so a
   * mapping or configuration fault dead-letters for an operator instead of cancelling the order.
   */
  placeSalesOrder(order: Order, customerId: string, call: ErpWriteCall): Promise<ErpPlacement>

  /** The shipment's business key in the ERP, e.g. `SHOPIFY-IF-<order>-<3PL order id>`. */
  fulfillmentKey(order: Order, shipment: Shipment): string
  /** The ERP's record of this shipment, or null. */
  findFulfillment(
    order: Order,
    shipment: Shipment,
    signal: AbortSignal,
  ): Promise<ErpRecordRef | null>
  /** Records the shipment against the sales order (NetSuite: an item fulfillment). */
  recordFulfillment(
    order: Order,
    salesOrderId: string,
    shipment: Shipment,
    call: ErpWriteCall,
  ): Promise<ErpRecordRef>

  /** The invoice billed from this sales order, or null. */
  findInvoice(salesOrderId: string, signal: AbortSignal): Promise<ErpRecordRef | null>
  /** Bills the sales order, guarded to happen once: an existing invoice is returned instead. */
  invoiceOnce(salesOrderId: string, call: ErpWriteCall): Promise<ErpRecordRef>

  /** The sales order once it is cancelled, else null. */
  findCancelledSalesOrder(order: Order, signal: AbortSignal): Promise<ErpRecordRef | null>
  /** Cancels the sales order (nothing shipped or billed from it yet). */
  cancelSalesOrder(order: Order, salesOrderId: string, call: ErpWriteCall): Promise<ErpRecordRef>
}
