/** @module flows/order-to-erp/netsuite-order-port — the order flow's ERP port, bound to a NetSuite account. */
import type { Customer, Order } from '../../canonical/index.ts'
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
  NETSUITE_SOURCE_VERSION_FIELD,
} from '../../connectors/netsuite/netsuite-mapping.ts'
import type { ErpOrderPort } from './erp-order-port.ts'
import { sourceVersionOrdinal } from './source-version.ts'

export interface NetSuiteOrderPortOptions {
  client: NetSuiteClient
  /** The governed target, e.g. `netsuite:1234567`. */
  target: string
  /** Written into cross-references; default `netsuite`. */
  system?: string
}

/**
 * NetSuite's native idempotent write is the upsert by external id (`PUT …/eid:{externalId}`), so a
 * request repeated after an unknown outcome cannot make a second record; the idempotency key rides
 * along as `X-NetSuite-Idempotency-Key` as well.
 */
export function createNetSuiteOrderPort(options: NetSuiteOrderPortOptions): ErpOrderPort {
  const { client } = options
  return {
    system: options.system ?? 'netsuite',
    target: options.target,
    // The names the first flow recorded since the spine: kept, so runs in flight across an
    // upgrade replay their memoized steps instead of sending again.
    operations: { ensureCustomer: 'customer.ensure', upsertSalesOrder: 'salesOrder.create' },

    customerKey: (customer: Customer) => netsuiteCustomerExternalId(customer),
    async findCustomer(key, signal) {
      const found = await client.getByExternalId('customer', key, signal)
      return found === null ? null : { id: found.id }
    },
    // "Ensure" creates a missing customer and leaves an existing one alone: the customer master is
    // governed on its own, an order must not overwrite it.
    async ensureCustomer(customer, { idempotencyKey, signal }) {
      const key = netsuiteCustomerExternalId(customer)
      const existing = await client.getByExternalId('customer', key, signal)
      if (existing !== null) return { id: existing.id }
      const body = canonicalCustomerToNetSuite(customer)
      return client.upsertByExternalId('customer', key, { ...body }, { signal, idempotencyKey })
    },

    salesOrderKey: (order: Order) => netsuiteSalesOrderExternalId(order),
    async findSalesOrder(order, minimumVersion, signal) {
      const found = await client.getByExternalId(
        'salesOrder',
        netsuiteSalesOrderExternalId(order),
        signal,
      )
      if (found === null) return null
      // An existing order proves an update applied only if it carries this version or newer.
      if (minimumVersion !== undefined) {
        const stored = sourceVersionOrdinal(found.record[NETSUITE_SOURCE_VERSION_FIELD])
        if (stored === undefined || stored < minimumVersion) return null
      }
      return { id: found.id }
    },
    upsertSalesOrder: (order, customerId, { idempotencyKey, signal }) =>
      client.upsertByExternalId(
        'salesOrder',
        netsuiteSalesOrderExternalId(order),
        { ...canonicalOrderToNetSuiteSalesOrder(order, customerId) },
        { signal, idempotencyKey },
      ),
  }
}
