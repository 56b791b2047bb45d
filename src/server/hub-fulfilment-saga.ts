/** @module server/hub-fulfilment-saga — binds the order fulfilment saga to its configured connections.
 *
 * It reuses the order-to-cash bindings' warehouse and shop (one 3PL client and governor per
 * connection, whichever flow calls it) and the ERP connection's one NetSuite client, so the saga
 * and the other order flows share each account's limits.
 */
import type { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { ErpOrderToCashPort } from '../flows/order-to-cash/erp-order-to-cash-port.ts'
import { createNetSuiteInvoiceCreditPort } from '../flows/order-to-cash/netsuite-invoice-credit-port.ts'
import {
  createOrderFulfilmentSagaFlow,
  ORDER_FULFILMENT_SAGA,
} from '../flows/order-to-cash/order-fulfilment-saga-flow.ts'
import type { FlowBinding } from './hub-config.ts'
import type { OrderToCashBindings } from './hub-order-to-cash.ts'

type FulfilmentSagaBinding = Extract<FlowBinding, { flow: 'shopify-order-fulfilment-saga' }>

export function fulfilmentSagaFlow(
  binding: FulfilmentSagaBinding,
  parts: { cash: OrderToCashBindings; erp: ErpOrderToCashPort; netsuite: NetSuiteClient },
): FlowDefinition {
  const { cash, erp } = parts
  return createOrderFulfilmentSagaFlow({
    name: binding.name ?? ORDER_FULFILMENT_SAGA,
    erp,
    billing: createNetSuiteInvoiceCreditPort({ client: parts.netsuite, target: erp.target }),
    threepl: cash.warehouse(binding.threeplConnection),
    shopify: cash.shop(binding.shopifyConnection),
  })
}
