/** @module sandbox/threepl/threepl-sim-routes — the warehouse's own /__sim routes: the clock, the progression, moving and shipping orders, stock adjustments, the event log, API keys. */

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { RouteDescription } from '../kit/scenario-router.ts'
import type { ClockView } from '../kit/sim-clock.ts'
import type { EventView } from './threepl-events.ts'
import type { InventoryRow } from './threepl-inventory.ts'
import { ORDER_STATUSES } from './threepl-orders.ts'
import type { OrderStatus } from './threepl-orders.ts'
import type { Adjustment, Outcome, Transition } from './threepl-warehouse.ts'

export const THREEPL_SIM_ROUTES: readonly RouteDescription[] = [
  { method: 'GET', path: '/__sim/clock', description: "the warehouse's clock and its offset" },
  {
    method: 'POST',
    path: '/__sim/clock',
    description:
      '{advanceMs} or {to: ISO time}, forward only: due progression runs and due webhook retries go at once; returns {clock, transitions}',
  },
  {
    method: 'POST',
    path: '/__sim/progress/run',
    description: 'apply the status changes that are due now: {transitions}',
  },
  {
    method: 'GET',
    path: '/__sim/fulfillment_orders',
    description: 'every order, as the API shows it',
  },
  {
    method: 'POST',
    path: '/__sim/fulfillment_orders/{id}/advance',
    description:
      '{to?: allocated|picked|shipped}: move on now whatever the dwell times (409 when stock is short)',
  },
  {
    method: 'POST',
    path: '/__sim/fulfillment_orders/{id}/ship',
    description:
      '{carrier?, tracking_number?}: allocate, pick and ship now; fires shipment.confirmed',
  },
  { method: 'GET', path: '/__sim/inventory', description: 'every SKU and warehouse' },
  {
    method: 'POST',
    path: '/__sim/inventory/adjust',
    description:
      '{sku, warehouse, reason: cycle_count+counted | damage+quantity | receipt+quantity | correction+delta}; fires inventory.adjusted (delta 0 for a count that matches)',
  },
  { method: 'GET', path: '/__sim/events?after=', description: 'the event log with sequences' },
  {
    method: 'POST',
    path: '/__sim/api-keys/rotate',
    description: '{apiKey?}: a new API key; the old one answers 401 from now on',
  },
]

export type AdjustInput = z.output<typeof adjustInput>

/** The simulator operations these routes expose; the same ones are typed accessors in-process. */
export interface ThreePlWarehouseOperations {
  clock(): ClockView
  /** Moves the clock forward (`ms`) or to an instant (`to`), then runs the progression. */
  moveClock(move: { readonly ms: number } | { readonly to: number }): {
    clock: ClockView
    transitions: Transition[]
  }
  runProgression(): Transition[]
  orders(): Record<string, unknown>[]
  advanceOrder(id: string, to?: OrderStatus): Outcome<Record<string, unknown>>
  shipOrder(
    id: string,
    given: { carrier?: string | undefined; trackingNumber?: string | undefined },
  ): Outcome<Record<string, unknown>>
  inventory(): InventoryRow[]
  adjustInventory(input: AdjustInput): Outcome<Adjustment>
  events(afterSequence?: number): EventView[]
  rotateApiKey(next?: string): { apiKey: string }
}

const sku = z.string().min(1)
const warehouse = z.string().min(1)
const adjustInput = z.discriminatedUnion('reason', [
  z.strictObject({ sku, warehouse, reason: z.literal('cycle_count'), counted: z.int().min(0) }),
  z.strictObject({ sku, warehouse, reason: z.literal('damage'), quantity: z.int().min(1) }),
  z.strictObject({ sku, warehouse, reason: z.literal('receipt'), quantity: z.int().min(1) }),
  z.strictObject({ sku, warehouse, reason: z.literal('correction'), delta: z.int() }),
])
const clockInput = z.union([
  z.strictObject({ advanceMs: z.int().min(0) }),
  z.strictObject({ to: z.iso.datetime({ offset: true }) }),
])
const advanceInput = z.strictObject({ to: z.enum(ORDER_STATUSES).optional() })
const shipInput = z.strictObject({
  carrier: z.string().min(1).optional(),
  tracking_number: z.string().min(1).optional(),
})
const rotateInput = z.strictObject({ apiKey: z.string().min(16).optional() })

/** 404 for what does not exist, 409 for a move the order's state does not allow. */
const statusOf = (code: string): number =>
  code === 'not_found' || code === 'unknown_sku' || code === 'unknown_warehouse' ? 404 : 409

export function mountThreePlSimRoutes(app: FastifyInstance, ops: ThreePlWarehouseOperations): void {
  const bad = (error: z.ZodError) => ({ error: z.prettifyError(error) })
  const idOf = (params: unknown): string => (params as { id: string }).id

  app.get('/__sim/clock', () => ops.clock())
  app.post('/__sim/clock', (request, reply) => {
    const parsed = clockInput.safeParse(request.body ?? {})
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const move =
      'advanceMs' in parsed.data
        ? { ms: parsed.data.advanceMs }
        : { to: Date.parse(parsed.data.to) }
    try {
      return ops.moveClock(move)
    } catch (error) {
      return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) })
    }
  })
  app.post('/__sim/progress/run', () => ({ transitions: ops.runProgression() }))
  app.get('/__sim/fulfillment_orders', () => ({ orders: ops.orders() }))
  app.post('/__sim/fulfillment_orders/:id/advance', (request, reply) => {
    const parsed = advanceInput.safeParse(request.body ?? {})
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const moved = ops.advanceOrder(idOf(request.params), parsed.data.to)
    return moved.ok ? moved.value : reply.code(statusOf(moved.code)).send(moved)
  })
  app.post('/__sim/fulfillment_orders/:id/ship', (request, reply) => {
    const parsed = shipInput.safeParse(request.body ?? {})
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const { carrier, tracking_number: trackingNumber } = parsed.data
    const shipped = ops.shipOrder(idOf(request.params), { carrier, trackingNumber })
    return shipped.ok ? shipped.value : reply.code(statusOf(shipped.code)).send(shipped)
  })
  app.get('/__sim/inventory', () => ({ inventory: ops.inventory() }))
  app.post('/__sim/inventory/adjust', (request, reply) => {
    const parsed = adjustInput.safeParse(request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const adjusted = ops.adjustInventory(parsed.data)
    return adjusted.ok ? adjusted.value : reply.code(statusOf(adjusted.code)).send(adjusted)
  })
  app.get('/__sim/events', (request) => {
    const after = Number((request.query as { after?: string }).after ?? 0)
    return { events: ops.events(Number.isFinite(after) ? after : 0) }
  })
  app.post('/__sim/api-keys/rotate', (request, reply) => {
    const parsed = rotateInput.safeParse(request.body ?? {})
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return ops.rotateApiKey(parsed.data.apiKey)
  })
}
