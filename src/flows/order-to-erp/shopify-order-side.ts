/** @module flows/order-to-erp/shopify-order-side — Shopify's orders as reconciliation's golden source: orders.json read in ascending id pages, each order in the comparison form. */
import { setTimeout as sleep } from 'node:timers/promises'
import type {
  ShopifyAdminClient,
  ShopifyRecord,
} from '../../connectors/shopify/shopify-admin-client.ts'
import { shopifyOrderToCanonical } from '../../connectors/shopify/shopify-mapping.ts'
import { HubError } from '../../errors/hub-error.ts'
import { digestOf } from '../../reconciliation/field-hash.ts'
import type { ReconciliationSide, ReconRecord } from '../../reconciliation/reconciliation-port.ts'
import { expectedSalesOrderRecord, shopifyOrderIdOfKey } from './order-recon-record.ts'

/** orders.json serves at most 250 orders a page. */
export const SHOPIFY_ORDERS_PAGE_LIMIT = 250

/** Throttled calls waited out before the side gives up (a full compare is hundreds of calls). */
const MAX_THROTTLED = 20

/**
 * A call made again after each 429, no earlier than its Retry-After: reconciliation shares the
 * shop's REST bucket (40 calls, 2 a second on a standard plan) with everything else, so it waits
 * its turn instead of failing a run half-read.
 */
export async function withShopifyThrottle<T>(
  signal: AbortSignal,
  call: () => Promise<T>,
): Promise<T> {
  for (let throttled = 0; ; throttled += 1) {
    try {
      return await call()
    } catch (error) {
      if (!HubError.is(error) || error.type !== 'throttled' || throttled >= MAX_THROTTLED) {
        throw error
      }
      await sleep(error.retryAfterMs ?? 1_000, undefined, { signal })
    }
  }
}

function recordOf(order: ShopifyRecord): ReconRecord {
  try {
    return expectedSalesOrderRecord(shopifyOrderToCanonical(order))
  } catch (cause) {
    // The order flow dead-letters such an order too; reconciliation names it instead of guessing.
    throw HubError.validation(
      `Shopify order ${String(order.id)} cannot be mapped for reconciliation: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, code: 'UNMAPPABLE_ORDER' },
    )
  }
}

/**
 * Every order of the shop, any status, from `since_id=0` (ascending ids, so an order created
 * while the pages are read is either on a later page or not at all, never skipped mid-list),
 * then by the `page_info` cursor Shopify links to.
 */
export function shopifyOrderSide(admin: ShopifyAdminClient): ReconciliationSide {
  async function* pages(pageSize: number, signal: AbortSignal): AsyncGenerator<ShopifyRecord[]> {
    const limit = Math.min(pageSize, SHOPIFY_ORDERS_PAGE_LIMIT)
    let page = await withShopifyThrottle(signal, () =>
      admin.listOrders({ status: 'any', sinceId: '0', limit }, signal),
    )
    yield page.items
    while (page.nextPageInfo !== undefined) {
      const pageInfo = page.nextPageInfo
      page = await withShopifyThrottle(signal, () => admin.listOrders({ pageInfo, limit }, signal))
      yield page.items
    }
  }
  return {
    system: 'shopify',
    maxPageSize: SHOPIFY_ORDERS_PAGE_LIMIT,
    async count(signal) {
      const body = await withShopifyThrottle(signal, () =>
        admin.rest.call('GET', 'orders/count.json', { query: { status: 'any' }, signal }),
      )
      const count = (body as { count?: unknown } | null)?.count
      if (typeof count !== 'number') {
        throw HubError.validation('Shopify orders/count.json answered without a count', {
          code: 'UNEXPECTED_SHAPE',
        })
      }
      return count
    },
    async *digests(pageSize, signal) {
      for await (const orders of pages(pageSize, signal)) {
        yield orders.map((o) => digestOf(recordOf(o)))
      }
    },
    async fetch(keys, signal) {
      const ids = keys.flatMap((k) => shopifyOrderIdOfKey(k) ?? [])
      const out: ReconRecord[] = []
      // The orders as they are now, by `ids`, a page's worth per request.
      for (let i = 0; i < ids.length; i += SHOPIFY_ORDERS_PAGE_LIMIT) {
        const chunk = ids.slice(i, i + SHOPIFY_ORDERS_PAGE_LIMIT)
        const page = await withShopifyThrottle(signal, () =>
          admin.listOrders({ status: 'any', ids: chunk, limit: SHOPIFY_ORDERS_PAGE_LIMIT }, signal),
        )
        out.push(...page.items.map(recordOf))
      }
      return out
    },
  }
}

/** The order as Shopify has it now, for a heal; null when it is gone. */
export function fetchShopifyOrder(
  admin: ShopifyAdminClient,
  key: string,
  signal: AbortSignal,
): Promise<ShopifyRecord | null> {
  const id = shopifyOrderIdOfKey(key)
  if (id === undefined) {
    throw HubError.validation(`${JSON.stringify(key)} is not a Shopify order's sales order key`, {
      code: 'UNHEALABLE_BREAK',
    })
  }
  return withShopifyThrottle(signal, () => admin.getOrder(id, signal))
}
