/** @module sandbox/threepl/threepl-vendor-routes — the /v1 API the 3PL simulator serves, for GET /__sim, and what its route handlers share. */

import type { EffectsLedger } from '../kit/effects-ledger.ts'
import type { RouteDescription } from '../kit/scenario-router.ts'
import type { EventLog } from './threepl-events.ts'
import type { InventoryStore } from './threepl-inventory.ts'
import type { OrderStore } from './threepl-orders.ts'
import type { Warehouse } from './threepl-warehouse.ts'
import type { WebhookDispatcher } from './threepl-webhook-dispatcher.ts'
import type { WebhookEndpoints } from './threepl-webhook-endpoints.ts'

export interface ThreePlRouteDeps {
  readonly ledger: EffectsLedger
  readonly warehouse: Warehouse
  readonly orders: OrderStore
  readonly inventory: InventoryStore
  readonly events: EventLog
  readonly endpoints: WebhookEndpoints
  readonly dispatcher: WebhookDispatcher
  readonly baseUrl: () => string
  readonly now: () => number
}

const FO = '/v1/fulfillment_orders'

export const THREEPL_VENDOR_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: FO,
    description:
      '{external_reference, ship_to:{name,address1,city,postal_code,country_code,...}, lines:[{sku,quantity}]} → 201 + Location; Idempotency-Key honoured; 409 {existing_id} for a used external_reference; 422 with field paths',
  },
  { method: 'GET', path: `${FO}/{id}`, description: 'one fulfillment order' },
  {
    method: 'GET',
    path: `${FO}?external_reference=&status=&limit=&cursor=`,
    description: 'orders, oldest first: {data, has_more, next_cursor}; read-by-business-key',
  },
  {
    method: 'POST',
    path: `${FO}/{id}/cancel`,
    description: '{reason?}: cancels before shipping (releases stock); 409 once shipped',
  },
  {
    method: 'GET',
    path: '/v1/inventory?sku=A,B&warehouse=&limit=&cursor=',
    description:
      'per SKU and warehouse: on_hand, allocated, available; {data, has_more, next_cursor, as_of, as_of_sequence}',
  },
  {
    method: 'POST',
    path: '/v1/webhooks',
    description:
      '{url, events:[shipment.confirmed|inventory.adjusted|fulfillment_order.backordered], description?, secret?} → 201 with the whsec_ secret',
  },
  { method: 'GET', path: '/v1/webhooks', description: 'webhook endpoints' },
  { method: 'GET', path: '/v1/webhooks/{id}', description: 'one endpoint (without its secret)' },
  { method: 'GET', path: '/v1/webhooks/{id}/secret', description: "the endpoint's signing secret" },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/rotate_secret',
    description:
      '{secret?}: new secret; the old one keeps signing beside it for the rotation window',
  },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/enable',
    description: 're-enable an endpoint disabled after failures or a 410',
  },
  { method: 'DELETE', path: '/v1/webhooks/{id}', description: 'delete an endpoint' },
]
