/** @module sandbox/threepl/threepl-sim-operations — the 3PL simulator's scenario operations over its parts: what /__sim routes call and what tests call in-process. */

import { randomBytes } from 'node:crypto'
import type { SimClock } from '../kit/sim-clock.ts'
import type { EventLog } from './threepl-events.ts'
import type { InventoryRow, InventoryStore } from './threepl-inventory.ts'
import { orderView } from './threepl-orders.ts'
import type { FulfillmentOrder, OrderStore } from './threepl-orders.ts'
import type { EndpointDetail, ThreePlWebhookOperations } from './threepl-sim-webhook-routes.ts'
import type { ThreePlWarehouseOperations } from './threepl-sim-routes.ts'
import type { Outcome, Warehouse } from './threepl-warehouse.ts'
import type { WebhookDispatcher } from './threepl-webhook-dispatcher.ts'
import { endpointView } from './threepl-webhook-endpoints.ts'
import type { WebhookEndpoint, WebhookEndpoints } from './threepl-webhook-endpoints.ts'
import { parseWebhookFaults, WebhookFaultScript } from './threepl-webhook-faults.ts'
import type { WebhookFaultScenario } from './threepl-webhook-faults.ts'

/** A value the simulator owns and replaces (on rotation, on reset). */
export interface Slot<T> {
  get(): T
  set(value: T): void
}

export interface SimParts {
  readonly clock: SimClock
  readonly warehouse: Warehouse
  readonly orders: OrderStore
  readonly inventory: InventoryStore
  readonly events: EventLog
  readonly endpoints: WebhookEndpoints
  readonly dispatcher: WebhookDispatcher
  readonly apiKey: Slot<string>
  readonly webhookFaults: Slot<WebhookFaultScript>
  /** What a POST of the webhook fault script falls back to for the fields it omits. */
  readonly webhookDefaults: WebhookFaultScenario
}

export function simOperations(parts: SimParts): {
  warehouseOps: ThreePlWarehouseOperations
  webhookOps: ThreePlWebhookOperations
} {
  const { clock, warehouse, orders, inventory, events, endpoints, dispatcher } = parts
  const { apiKey, webhookFaults, webhookDefaults } = parts
  const viewed = (outcome: Outcome<FulfillmentOrder>): Outcome<Record<string, unknown>> =>
    outcome.ok ? { ok: true, value: orderView(outcome.value) } : outcome
  const detail = (e: WebhookEndpoint): EndpointDetail => ({
    ...endpointView(e),
    secret: e.secret,
    previous_secrets: e.previous
      .filter((p) => p.until > clock.now())
      .map((p) => ({ secret: p.secret, valid_until: new Date(p.until).toISOString() })),
  })

  const warehouseOps: ThreePlWarehouseOperations = {
    clock: () => clock.view(),
    moveClock: (move) => {
      if ('ms' in move) clock.advance(move.ms)
      else clock.set(move.to)
      return { clock: clock.view(), transitions: warehouse.run() }
    },
    runProgression: () => warehouse.run(),
    orders: () => {
      warehouse.run()
      return orders.list().map(orderView)
    },
    advanceOrder: (id, to) => viewed(warehouse.advance(id, to)),
    shipOrder: (id, given) => viewed(warehouse.ship(id, given)),
    inventory: () => {
      warehouse.run()
      return inventory.skus().flatMap((sku): InventoryRow[] => {
        const row = inventory.row(sku)
        return row ? [row] : []
      })
    },
    adjustInventory: (input) => {
      const change =
        input.reason === 'cycle_count'
          ? { counted: input.counted }
          : {
              delta:
                input.reason === 'correction'
                  ? input.delta
                  : input.reason === 'damage'
                    ? -input.quantity
                    : input.quantity,
            }
      return warehouse.adjust(input.sku, input.warehouse, input.reason, change)
    },
    events: (after) => events.list(after),
    rotateApiKey: (next) => {
      apiKey.set(next ?? `tpl_live_${randomBytes(18).toString('base64url')}`)
      return { apiKey: apiKey.get() }
    },
  }
  const webhookOps: ThreePlWebhookOperations = {
    webhookEndpoints: () => endpoints.list().map(detail),
    addWebhookSubscriber: (spec) => detail(endpoints.addConfig(spec)),
    rotateWebhookSecret: (endpointId, secret) => {
      const endpoint = endpoints.get(endpointId)
      if (!endpoint) return undefined
      const rotated = endpoints.rotate(endpoint, secret)
      return {
        secret: rotated.secret,
        previousValidUntil: new Date(rotated.previousValidUntil).toISOString(),
      }
    },
    deliveries: () => dispatcher.list(),
    redeliver: async (deliveryId) => {
      const found = dispatcher.list().find((d) => d.deliveryId === deliveryId)
      if (!found) return undefined
      const endpoint = endpoints.get(found.endpointId)
      if (!endpoint || endpoint.disabled !== null) return 'disabled'
      return dispatcher.redeliver(deliveryId)
    },
    webhookFaults: () => ({
      ...webhookFaults.get().scenario,
      decided: webhookFaults.get().decided,
    }),
    setWebhookFaults: (input) => {
      const parsed = parseWebhookFaults(input, webhookDefaults)
      if (!parsed.ok) throw new Error(`invalid webhook faults: ${parsed.error}`)
      webhookFaults.set(new WebhookFaultScript(parsed.scenario))
      return { ...parsed.scenario, decided: 0 }
    },
  }
  return { warehouseOps, webhookOps }
}
