/** @module flows/order-to-erp/ensure-customer-delivery — the order's customer made sure of in the ERP.
 *
 * The first delivery of every order flow (order to ERP, order to cash): create the customer if
 * the ERP has none with its key, read it back by that key when in doubt, and record the
 * cross-reference from the source's customer.
 */
import type { Order } from '../../canonical/index.ts'
import type { DeliverySpec } from '../../engine/flow-definition.ts'
import type { ErpOrderPort, ErpRecordRef } from './erp-order-port.ts'

export function ensureCustomerDelivery(
  erp: ErpOrderPort,
  order: Order,
): DeliverySpec<ErpRecordRef> {
  const customer = order.customer
  const customerKey = erp.customerKey(customer)
  return {
    target: erp.target,
    operation: erp.operations.ensureCustomer,
    businessKey: customerKey,
    lookup: ({ signal }) => erp.findCustomer(customerKey, signal),
    perform: (call) => erp.ensureCustomer(customer, call),
    crossReferences: (result) => [
      {
        entityType: 'customer',
        businessKey: `${customer.source.system}:customer:${customer.source.id}`,
        sourceSystem: customer.source.system,
        sourceId: customer.source.id,
        targetSystem: erp.system,
        targetId: result.id,
      },
    ],
  }
}
