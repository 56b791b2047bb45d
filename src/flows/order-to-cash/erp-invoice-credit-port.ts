/** @module flows/order-to-cash/erp-invoice-credit-port — what the order fulfilment saga needs from an ERP to bill an order on its own date and to take that bill back.
 *
 * Every write has its read: the engine calls it whenever an earlier attempt's outcome is unknown,
 * before anything is sent again.
 */
import type { ErpRecordRef, ErpWriteCall } from '../order-to-erp/erp-order-port.ts'

export interface ErpInvoiceCreditPort {
  /** The governed target, shared with the ERP's order port. */
  readonly target: string
  readonly operations: { readonly invoice: string; readonly creditInvoice: string }

  /** The invoice billed from this sales order, or null. */
  findInvoice(salesOrderId: string, signal: AbortSignal): Promise<ErpRecordRef | null>
  /**
   * Bills the sales order once, dated `date` (`YYYY-MM-DD`): the date picks the posting period,
   * and the ERP refuses a period that is closed (a validation error).
   */
  invoiceDated(salesOrderId: string, date: string, call: ErpWriteCall): Promise<ErpRecordRef>

  /** The credit note that took this invoice back, or null. */
  findCredit(invoiceId: string, signal: AbortSignal): Promise<ErpRecordRef | null>
  /**
   * Takes the invoice back in full, once (NetSuite: a credit memo applied to it), dated `date`:
   * the invoice's own, so the reversal lands in the period the bill did.
   */
  creditInvoice(invoiceId: string, date: string, call: ErpWriteCall): Promise<ErpRecordRef>
}
