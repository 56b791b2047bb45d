/** @module sandbox/shopify/shopify-vendor-routes — the Admin REST and GraphQL routes the Shopify simulator serves, for GET /__sim. */

import type { RouteDescription } from '../kit/scenario-router.ts'

const A = '/admin/api/{version}'

export const SHOPIFY_VENDOR_ROUTES: readonly RouteDescription[] = [
  {
    method: 'GET',
    path: `${A}/orders.json?limit=&since_id=&ids=&status=&created_at_min=&updated_at_min=&page_info=`,
    description: 'orders (status=open by default), Link header for the next page',
  },
  {
    method: 'POST',
    path: `${A}/orders.json`,
    description: '{"order":{...}} → 201; fires orders/create',
  },
  { method: 'GET', path: `${A}/orders/count.json`, description: '{"count":N}' },
  { method: 'GET', path: `${A}/orders/{id}.json`, description: 'one order' },
  {
    method: 'PUT',
    path: `${A}/orders/{id}.json`,
    description: 'edit email, note, tags, phone, shipping_address; fires orders/updated',
  },
  { method: 'GET', path: `${A}/customers.json?limit=&since_id=`, description: 'customers' },
  {
    method: 'POST',
    path: `${A}/customers.json`,
    description: '{"customer":{...}} → 201; fires customers/create',
  },
  { method: 'GET', path: `${A}/customers/{id}.json`, description: 'one customer' },
  {
    method: 'PUT',
    path: `${A}/customers/{id}.json`,
    description: 'edit a customer; fires customers/update',
  },
  {
    method: 'GET',
    path: `${A}/webhooks.json?topic=&address=`,
    description: 'Admin API webhook subscriptions',
  },
  {
    method: 'POST',
    path: `${A}/webhooks.json`,
    description: '{"webhook":{"topic","address","format":"json"}} → 201',
  },
  { method: 'GET', path: `${A}/webhooks/{id}.json`, description: 'one subscription' },
  { method: 'DELETE', path: `${A}/webhooks/{id}.json`, description: 'delete a subscription' },
  {
    method: 'GET',
    path: `${A}/orders/{id}/fulfillment_orders.json`,
    description: "the order's fulfillment orders, with each line's fulfillable_quantity",
  },
  {
    method: 'GET',
    path: `${A}/fulfillment_orders/{id}.json`,
    description: 'one fulfillment order',
  },
  {
    method: 'GET',
    path: `${A}/orders/{id}/fulfillments.json`,
    description:
      "the order's fulfillments with tracking numbers (also count.json and {fulfillmentId}.json)",
  },
  {
    method: 'POST',
    path: `${A}/fulfillments.json`,
    description:
      '{"fulfillment":{line_items_by_fulfillment_order, tracking_info}} → 201; no idempotency key: a repeat with nothing left is 422; fires fulfillments/create and orders/(partially_)fulfilled',
  },
  {
    method: 'GET',
    path: `${A}/orders/{id}/transactions.json`,
    description: "the order's payment transactions (checkout's authorization or sale first)",
  },
  {
    method: 'POST',
    path: `${A}/orders/{id}/transactions.json`,
    description:
      '{"transaction":{kind: capture, parent_id?, amount?} | {kind: sale, source: external}} → 201; no idempotency key: a capture beyond what is left is 422; fires orders/paid once paid',
  },
  {
    method: 'POST',
    path: `${A}/orders/{id}/cancel.json`,
    description:
      '{reason?: customer|declined|fraud|inventory|staff|other}: voids or refunds, closes the fulfillment orders; 422 when already cancelled or fulfilled; fires orders/cancelled',
  },
  { method: 'GET', path: `${A}/locations.json`, description: 'the two locations (also {id}.json)' },
  {
    method: 'GET',
    path: `${A}/inventory_levels.json?inventory_item_ids=&location_ids=`,
    description: 'inventory levels (one filter required, ≤ 50 ids each)',
  },
  {
    method: 'POST',
    path: `${A}/inventory_levels/set.json`,
    description:
      '{location_id, inventory_item_id, available}: absolute, connects the item first if needed',
  },
  {
    method: 'POST',
    path: `${A}/inventory_levels/adjust.json`,
    description:
      '{location_id, inventory_item_id, available_adjustment}: relative; 422 where not stocked',
  },
  {
    method: 'POST',
    path: `${A}/graphql.json`,
    description:
      '{query, variables}: orders, fulfillment orders, inventory; fulfillmentCreate, inventorySetQuantities, inventoryAdjustQuantities; extensions.cost and THROTTLED (HTTP 200) from a cost bucket',
  },
]
