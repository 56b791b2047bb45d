/** @module flows/order-to-cash/netsuite-invoice-credit-port — billing and crediting an order in NetSuite: a dated invoice transformed from the sales order, and a credit memo transformed from the invoice. */
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import type { ErpInvoiceCreditPort } from './erp-invoice-credit-port.ts'

export interface NetSuiteInvoiceCreditPortOptions {
  client: NetSuiteClient
  /** The governed target, e.g. `netsuite:1234567`. */
  target: string
}

/**
 * Both writes are the connector's read-before-transform (a transform is not idempotent in
 * NetSuite), so each makes one record per source however often it is repeated. REST has no void
 * for an invoice: the credit memo, applied to it, is how NetSuite takes a bill back.
 */
export function createNetSuiteInvoiceCreditPort(
  options: NetSuiteInvoiceCreditPortOptions,
): ErpInvoiceCreditPort {
  const { client } = options
  const first = async (found: Promise<{ id: string }[]>) => {
    const [record] = await found
    return record === undefined ? null : { id: record.id }
  }
  return {
    target: options.target,
    // The order-to-cash port's invoice operation name, so the business SLIs count both flows'.
    operations: { invoice: 'invoice.create', creditInvoice: 'creditMemo.create' },
    findInvoice: (salesOrderId, signal) =>
      first(client.invoicesFromSalesOrder(salesOrderId, signal)),
    async invoiceDated(salesOrderId, date, { idempotencyKey, signal }) {
      const { id } = await client.transformToInvoice(salesOrderId, {
        signal,
        idempotencyKey,
        tranDate: date,
      })
      return { id }
    },
    findCredit: (invoiceId, signal) => first(client.creditMemosFromInvoice(invoiceId, signal)),
    async creditInvoice(invoiceId, date, { idempotencyKey, signal }) {
      const { id } = await client.transformToCreditMemo(invoiceId, {
        signal,
        idempotencyKey,
        tranDate: date,
      })
      return { id }
    },
  }
}
