/** @module sandbox/shopify/shopify-vendor-routes — the Admin REST routes the Shopify simulator serves, for GET /__sim. */

import type { RouteDescription } from '../kit/scenario-router.ts'

const A = '/admin/api/{version}'

export const SHOPIFY_VENDOR_ROUTES: readonly RouteDescription[] = [
  {
    method: 'GET',
    path: `${A}/orders.json?limit=&since_id=&status=&created_at_min=&updated_at_min=&page_info=`,
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
]
