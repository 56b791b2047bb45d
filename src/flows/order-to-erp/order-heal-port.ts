/** @module flows/order-to-erp/order-heal-port — reconciliation's order repairs as inbox messages for the order flow, so each heal is one run with one idempotent upsert. */
import type { ShopifyAdminClient } from '../../connectors/shopify/shopify-admin-client.ts'
import { shopifyOrderBusinessKey } from '../../connectors/shopify/shopify-mapping.ts'
import type { HubEngine } from '../../engine/hub-engine.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { HealPort } from '../../reconciliation/reconciler.ts'
import { shopifyOrderIdOfKey } from './order-recon-record.ts'
import { orderHealTopic } from './order-to-erp-flow.ts'
import { fetchShopifyOrder } from './shopify-order-side.ts'

/** Only these classes have a Shopify order to write; the others go to a person (the policy says so too). */
const HEALABLE = new Set(['missing_in_target', 'field_mismatch'])

/**
 * Heals a break by fetching the order from Shopify now and ingesting it for `flowName` (the
 * order-to-ERP flow bound to the reconciled ERP) under the order's business key, so the heal
 * queues behind any webhook of the same order and the flow upserts the sales order by external
 * id as it does for a webhook. The message id is the break's: a second heal of the same break
 * (after a crash between ingest and recording the heal) is a duplicate and starts nothing.
 */
export function orderHealPort(options: {
  engine: HubEngine
  shopify: ShopifyAdminClient
  /** The Shopify connection name the order belongs to, as its webhooks carry it. */
  connection: string
  flowName: string
}): HealPort {
  const { engine, flowName } = options
  return {
    async heal(found, signal) {
      const id = shopifyOrderIdOfKey(found.entityKey)
      if (!HEALABLE.has(found.breakClass) || id === undefined) {
        throw HubError.validation(
          `break ${found.id} (${found.breakClass} of ${found.entityKey}) has no Shopify order to write: remove ${found.breakClass} from the heal policy's autoHeal`,
          { code: 'UNHEALABLE_BREAK' },
        )
      }
      const order = await fetchShopifyOrder(options.shopify, found.entityKey, signal)
      if (order === null) {
        throw HubError.validation(
          `Shopify has no order ${id} any more: break ${found.id} needs a person (the ERP's sales order may have to go)`,
          { code: 'SOURCE_GONE' },
        )
      }
      const businessKey = shopifyOrderBusinessKey(id)
      const result = await engine.ingest(
        {
          sourceSystem: 'shopify',
          sourceMessageId: `reconciliation-break-${found.id}`,
          connection: options.connection,
          topic: orderHealTopic(flowName),
          payload: JSON.stringify(order),
          headers: { 'x-syncline-reconciliation-break': found.id },
          triggeredAt: null,
          businessKey,
        },
        { signal },
      )
      const runId = result.runIds[0]
      if (runId !== undefined) return runId
      // A duplicate: the run the first ingest of this break's message started.
      const runs = await engine.store.runList({
        tenantId: engine.tenantId,
        businessKey,
        flowName,
        limit: 100,
      })
      const earlier = runs.find((r) => r.inboxId === result.inboxId)
      if (earlier === undefined) {
        throw new Error(
          `no ${flowName} run took the heal of ${found.entityKey}: is the flow bound in this hub's config?`,
        )
      }
      return earlier.id
    },
  }
}
