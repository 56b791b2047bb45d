/** @module flows/order-to-erp/sap-order-port — the order flow's ERP port, bound to an SAP S/4HANA Cloud system. */
import type { Customer, Order } from '../../canonical/index.ts'
import type { SapClient } from '../../connectors/sap/sap-client.ts'
import {
  canonicalOrderToSapSalesOrder,
  sapBusinessPartnerKey,
  sapSalesOrderReference,
} from '../../connectors/sap/sap-mapping.ts'
import {
  createSalesOrderOnce,
  ensureBusinessPartner,
  findBusinessPartnerByKey,
  findSalesOrderByReference,
} from '../../connectors/sap/sap-operations.ts'
import type { SapBusinessPartnerRef } from '../../connectors/sap/sap-operations.ts'
import { sapGovernanceTarget } from '../../connectors/sap/sap-spec.ts'
import type { SapConnectionConfig } from '../../connectors/sap/sap-spec.ts'
import type { ErpOrderPort, ErpRecordRef } from './erp-order-port.ts'

/**
 * SAP has no idempotency key (the engine's key is not sent: nothing would read it), so every
 * create is guarded by a query of the hub's business key, and that query is also the in-doubt
 * read: `BusinessPartnerIdByExtSystem` for customers, `PurchaseOrderByCustomer` for orders.
 *
 * Order updates are not propagated. The standard `A_SalesOrder` has no field for the source's
 * version (`CustomerPurchaseOrderDate` is a date, not an instant, and header texts are a separate
 * entity), so `findSalesOrder` cannot tell an older version from this one and ignores
 * `minimumVersion`: an order SAP holds counts as present, and `upsertSalesOrder` returns it
 * unchanged. An order edited at the source after it reached SAP is changed in SAP by its users
 * (or by a flow using `salesOrder.update` with the order's ETag), not by this port.
 */
export function createSapOrderPort(client: SapClient, config: SapConnectionConfig): ErpOrderPort {
  return {
    system: 'sap',
    target: sapGovernanceTarget(config),
    operations: { ensureCustomer: 'businessPartner.ensure', upsertSalesOrder: 'salesOrder.create' },

    customerKey: (customer: Customer) => sapBusinessPartnerKey(customer),
    async findCustomer(key, signal) {
      const found = await findBusinessPartnerByKey(client, key, signal)
      return found === null ? null : customerRef(found)
    },
    // An existing partner is left alone: the customer master is governed in SAP.
    async ensureCustomer(customer, { signal }) {
      return customerRef(await ensureBusinessPartner(client, customer, signal))
    },

    salesOrderKey: (order: Order) => sapSalesOrderReference(order),
    async findSalesOrder(order, _minimumVersion, signal) {
      const found = await findSalesOrderByReference(client, sapSalesOrderReference(order), signal)
      return found === null ? null : { id: found.salesOrder }
    },
    async upsertSalesOrder(order, customerId, { signal }) {
      const body = canonicalOrderToSapSalesOrder(order, customerId, config)
      const result = await createSalesOrderOnce(client, body, signal)
      return { id: result.salesOrder }
    },
  }
}

/** The sold-to party is the customer number; the partner number rides along for the cross-reference. */
function customerRef(partner: SapBusinessPartnerRef): ErpRecordRef {
  return { id: partner.customer, businessPartner: partner.businessPartner }
}
