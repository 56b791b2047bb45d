/** @module flows/order-to-erp/shopify-order-saga-flow — a Shopify order placed in NetSuite in five
 * writes, undone if the last one is refused: the saga example, and benchmark workload W5's flow.
 *
 * 1. upsert the customer             undo: make it inactive
 * 2. upsert the sales order (pending approval)       undo: cancel it
 * 3. link the customer to its last order             undo: clear the link
 * 4. approve the sales order (pending fulfilment)    undo: back to pending approval
 * 5. upsert the ship-to customer (needs a name: NetSuite refuses one without, USER_ERROR)
 *
 * A refused step 5 fails the run for good, so the engine applies undos 4, 3, 2, 1 in that order
 * and the run ends `compensated`: no approved order is left waiting for a shipment that has no
 * addressee. It is not bound by the hub's config; a deployment adds it like the order flow.
 * The customer is upserted, not ensured: the flow assumes a customer record per order (as the
 * benchmark sends), since the undo deactivates it.
 */
import type { Order } from '../../canonical/index.ts'
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
} from '../../connectors/netsuite/netsuite-mapping.ts'
import { mapShopifyOrder } from './shopify-order-map-step.ts'
import {
  defineFlow,
  type CompensationSpec,
  type FlowDefinition,
} from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import type { JsonValue } from '../../store/store-contract.ts'

export const SHOPIFY_ORDER_SAGA = 'shopify-order-saga'

/** NetSuite's salesOrder `orderStatus` ids the saga moves between. */
export const ORDER_STATUS = { pendingApproval: 'A', pendingFulfillment: 'B', cancelled: 'C' }

/** The customer body field that points at the customer's latest order. */
export const LAST_ORDER_FIELD = 'custentity_syncline_last_order'

export interface OrderSagaDeps {
  netsuite: NetSuiteClient
  /** The governed target: every flow calling this NetSuite account shares its slots. */
  netsuiteTarget: string
}

export interface OrderSagaOutput {
  [key: string]: JsonValue
  customerId: string
  salesOrderId: string
  shipToId: string
}

type RecordId = { id: string }
type Fields = Record<string, unknown>

/** `SHOPIFY-ST-<order id>`: the ship-to customer of one order. */
export function shipToExternalId(order: Order): string {
  return `${netsuiteSalesOrderExternalId(order).replace('-O-', '-ST-')}`
}

function statusOf(fields: Fields): unknown {
  const status = fields.orderStatus
  return typeof status === 'object' && status !== null ? (status as Fields).id : undefined
}

export function createShopifyOrderSagaFlow(deps: OrderSagaDeps): FlowDefinition {
  const ns = deps.netsuite
  const target = deps.netsuiteTarget

  /** A write of `body` onto the record `type`/`eid`, read back as applied when `applied` holds. */
  const write = (
    type: string,
    eid: string,
    operation: string,
    body: object,
    applied: (fields: Fields) => boolean = () => true,
  ): CompensationSpec<RecordId> => ({
    target,
    operation,
    businessKey: eid,
    perform: ({ idempotencyKey, signal }) =>
      ns.upsertByExternalId(type, eid, body, { idempotencyKey, signal }),
    lookup: async ({ signal }) => {
      const found = await ns.getByExternalId(type, eid, signal)
      return found !== null && applied(found.record) ? { id: found.id } : null
    },
  })

  return defineFlow({
    name: SHOPIFY_ORDER_SAGA,
    domain: 'orderLifecycle' satisfies PolicyDomain,
    trigger: { sourceSystem: 'shopify', topics: ['orders/create'] },
    async run(ctx, message): Promise<OrderSagaOutput> {
      const order = await mapShopifyOrder(ctx, message)
      const customerEid = netsuiteCustomerExternalId(order.customer)
      const orderEid = netsuiteSalesOrderExternalId(order)
      const { pendingApproval, pendingFulfillment, cancelled } = ORDER_STATUS

      const customer = await ctx.deliver('upsert-customer', {
        ...write('customer', customerEid, 'customer.upsert', {
          ...canonicalCustomerToNetSuite(order.customer),
        }),
        compensate: () =>
          write('customer', customerEid, 'customer.deactivate', { isInactive: true }, (f) => {
            return f.isInactive === true
          }),
      })

      const salesOrder = await ctx.deliver('upsert-sales-order', {
        ...write('salesOrder', orderEid, 'salesOrder.upsert', {
          ...canonicalOrderToNetSuiteSalesOrder(order, customer.id),
          orderStatus: { id: pendingApproval },
        }),
        compensate: () =>
          write(
            'salesOrder',
            orderEid,
            'salesOrder.cancel',
            { orderStatus: { id: cancelled } },
            (f) => statusOf(f) === cancelled,
          ),
      })

      const link = { [LAST_ORDER_FIELD]: { id: salesOrder.id } }
      await ctx.deliver('link-customer', {
        ...write('customer', customerEid, 'customer.linkLastOrder', link, (f) => {
          const linked = f[LAST_ORDER_FIELD] as Fields | null | undefined
          return linked?.id === salesOrder.id
        }),
        // Read back only when in doubt, and only after the link was made: no link means undone.
        compensate: () =>
          write(
            'customer',
            customerEid,
            'customer.unlinkLastOrder',
            { [LAST_ORDER_FIELD]: null },
            (f) => {
              return f[LAST_ORDER_FIELD] == null
            },
          ),
      })

      await ctx.deliver('approve-sales-order', {
        ...write(
          'salesOrder',
          orderEid,
          'salesOrder.approve',
          { orderStatus: { id: pendingFulfillment } },
          (f) => statusOf(f) === pendingFulfillment,
        ),
        compensate: () =>
          write(
            'salesOrder',
            orderEid,
            'salesOrder.unapprove',
            { orderStatus: { id: pendingApproval } },
            (f) => statusOf(f) === pendingApproval,
          ),
      })

      // The addressee's name is what NetSuite requires; an order shipped to an address without
      // one is refused here (USER_ERROR, a validation error), which is what undoes the saga.
      const shipTo = order.shippingAddress
      const shipToEid = shipToExternalId(order)
      const shipToRecord = await ctx.deliver(
        'upsert-ship-to',
        write('customer', shipToEid, 'customer.upsertShipTo', {
          externalId: shipToEid,
          isPerson: false,
          ...(shipTo?.name === undefined ? {} : { companyName: shipTo.name }),
          ...(shipTo?.line1 === undefined ? {} : { defaultAddress: shipTo.line1 }),
          custentity_syncline_ship_to_of: { id: customer.id },
        }),
      )
      return { customerId: customer.id, salesOrderId: salesOrder.id, shipToId: shipToRecord.id }
    },
  })
}
