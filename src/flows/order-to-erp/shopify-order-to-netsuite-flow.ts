/** @module flows/order-to-erp/shopify-order-to-netsuite-flow — the first flow: a Shopify order
 * becomes a NetSuite sales order, its customer ensured first, both cross-referenced. Creations and
 * edits (`orders/create`, `orders/updated`) take the same path: an upsert of the whole order,
 * guarded by the order's `updated_at`, so duplicates and late arrivals never roll it back.
 */
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
  NETSUITE_SOURCE_VERSION_FIELD,
} from '../../connectors/netsuite/netsuite-mapping.ts'
import { mapShopifyOrder } from './shopify-order-map-step.ts'
import { defineFlow, type FlowDefinition } from '../../engine/flow-definition.ts'
import type { JsonValue } from '../../store/store-contract.ts'

export const SHOPIFY_ORDER_TO_NETSUITE = 'shopify-order-to-netsuite'

export interface OrderToNetSuiteDeps {
  netsuite: NetSuiteClient
  /** The governed target: every flow calling this NetSuite account shares its slots. */
  netsuiteTarget: string
  netsuiteSystem?: string
}

export interface OrderToNetSuiteOutput {
  [key: string]: JsonValue
  salesOrderId: string
  customerId: string
}

/**
 * Shopify's `updated_at` as epoch ms, the ordinal the version guard compares. Undefined when the
 * payload has none (then nothing is guarded, as before versions were known).
 */
function sourceVersionOrdinal(version: unknown): number | undefined {
  if (typeof version !== 'string') return undefined
  const ms = Date.parse(version)
  return Number.isNaN(ms) ? undefined : ms
}

export function createShopifyOrderToNetSuiteFlow(deps: OrderToNetSuiteDeps): FlowDefinition {
  const targetSystem = deps.netsuiteSystem ?? 'netsuite'
  return defineFlow({
    name: SHOPIFY_ORDER_TO_NETSUITE,
    trigger: { sourceSystem: 'shopify', topics: ['orders/create', 'orders/updated'] },
    async run(ctx, message): Promise<OrderToNetSuiteOutput> {
      const order = await mapShopifyOrder(ctx, message)
      const customerEid = netsuiteCustomerExternalId(order.customer)
      const customer = await ctx.deliver('ensure-customer', {
        target: deps.netsuiteTarget,
        operation: 'customer.ensure',
        businessKey: customerEid,
        lookup: async ({ signal }) => {
          const found = await deps.netsuite.getByExternalId('customer', customerEid, signal)
          return found === null ? null : { id: found.id }
        },
        // "Ensure" creates a missing customer and leaves an existing one alone: the customer
        // master is governed on its own, an order must not overwrite it.
        perform: async ({ idempotencyKey, signal }) => {
          const existing = await deps.netsuite.getByExternalId('customer', customerEid, signal)
          if (existing !== null) return { id: existing.id }
          const body = canonicalCustomerToNetSuite(order.customer)
          return deps.netsuite.upsertByExternalId(
            'customer',
            customerEid,
            { ...body },
            { signal, idempotencyKey },
          )
        },
        crossReferences: (result) => [
          {
            entityType: 'customer',
            businessKey: `shopify:customer:${order.customer.source.id}`,
            sourceSystem: order.customer.source.system,
            sourceId: order.customer.source.id,
            targetSystem,
            targetId: result.id,
          },
        ],
      })

      const salesOrderEid = netsuiteSalesOrderExternalId(order)
      const version = sourceVersionOrdinal(order.source.version)
      const salesOrder = await ctx.deliver('create-sales-order', {
        target: deps.netsuiteTarget,
        operation: 'salesOrder.create',
        businessKey: salesOrderEid,
        ...(order.source.version === undefined ? {} : { version: order.source.version }),
        ...(version === undefined ? {} : { entityVersion: version }),
        lookup: async ({ signal }) => {
          const found = await deps.netsuite.getByExternalId('salesOrder', salesOrderEid, signal)
          if (found === null) return null
          // An existing order proves an update applied only if it carries this version or newer.
          if (version !== undefined) {
            const stored = sourceVersionOrdinal(found.record[NETSUITE_SOURCE_VERSION_FIELD])
            if (stored === undefined || stored < version) return null
          }
          return { id: found.id }
        },
        // Upsert by external id: even a request repeated after an unknown outcome cannot make a
        // second sales order.
        perform: ({ idempotencyKey, signal }) =>
          deps.netsuite.upsertByExternalId(
            'salesOrder',
            salesOrderEid,
            { ...canonicalOrderToNetSuiteSalesOrder(order, customer.id) },
            { signal, idempotencyKey },
          ),
        crossReferences: (result) => [
          {
            entityType: 'order',
            businessKey: ctx.businessKey,
            sourceSystem: order.source.system,
            sourceId: order.source.id,
            targetSystem,
            targetId: result.id,
          },
        ],
      })
      return { salesOrderId: salesOrder.id, customerId: customer.id }
    },
  })
}
