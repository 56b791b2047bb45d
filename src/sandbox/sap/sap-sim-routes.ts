/** @module sandbox/sap/sap-sim-routes — SAP's own /__sim routes: clock, sessions and CSRF, events (feed, subscriptions, hold, redeliver), entities, UI edits, materials, extension fields. */

import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { RouteDescription } from '../kit/scenario-router.ts'
import type { SessionStats } from './sap-auth.ts'
import type { DeliveryView, EventSubscription } from './sap-event-dispatcher.ts'
import type { FeedPage } from './sap-event-feed.ts'
import type { ExtensionField } from './sap-model.ts'
import type { BillingMessage } from './sap-billing-soap-route.ts'
import type { CreditAccount, Material } from './sap-store.ts'

export const SAP_SIM_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: '/__sim/credit',
    description:
      "{customer, creditLimit?, blocked?}: the customer's credit account; orders over it save with TotalCreditCheckStatus B",
  },
  {
    method: 'GET',
    path: '/__sim/billing-messages',
    description: 'the SOAP message monitor of BillingDocumentRequest_In (processed or error)',
  },
  {
    method: 'GET',
    path: '/__sim/clock',
    description: "the system's now and its offset from the injected clock",
  },
  {
    method: 'POST',
    path: '/__sim/clock',
    description: '{advanceMs}: move time forward (sessions time out, stamps move)',
  },
  {
    method: 'GET',
    path: '/__sim/sessions',
    description: 'live sessions, sessions opened, CSRF tokens issued and refused',
  },
  {
    method: 'POST',
    path: '/__sim/sessions/expire',
    description: 'end every session: cookies and tokens stop working',
  },
  {
    method: 'POST',
    path: '/__sim/csrf/rotate',
    description: 'invalidate every CSRF token, keep the sessions',
  },
  {
    method: 'POST',
    path: '/__sim/csrf/reject',
    description: '{count}: refuse the next N valid modifying requests with 403 Required',
  },
  {
    method: 'GET',
    path: '/__sim/events?after=&limit=',
    description: 'the business event feed (pull), with lastSeq/oldestSeq/gap',
  },
  {
    method: 'POST',
    path: '/__sim/events/emit',
    description: '{type, key}: publish an event without a change (a no-op save)',
  },
  { method: 'POST', path: '/__sim/events/hold', description: 'hold webhook deliveries back' },
  {
    method: 'POST',
    path: '/__sim/events/release',
    description: '{order:"fifo"|"reverse"}: send what was held',
  },
  {
    method: 'GET|POST',
    path: '/__sim/event-subscriptions',
    description: '{url, types?}: webhook subscribers',
  },
  { method: 'DELETE', path: '/__sim/event-subscriptions/{id}', description: 'remove a subscriber' },
  {
    method: 'GET',
    path: '/__sim/event-deliveries?state=',
    description: 'webhook deliveries with attempts and state',
  },
  {
    method: 'POST',
    path: '/__sim/event-deliveries/{id}/redeliver',
    description: 'send a delivery again, same event id',
  },
  {
    method: 'GET',
    path: '/__sim/entities/{set}[/{key}]',
    description: 'stored entities as OData JSON (no auth, no faults)',
  },
  {
    method: 'POST',
    path: '/__sim/edit',
    description:
      '{set, key, changes}: a user edit in the UI: new ETag, Changed event, no ledger effect',
  },
  {
    method: 'POST',
    path: '/__sim/materials',
    description: '{material, price, description?, unit?, currency?}: add to the catalogue',
  },
  { method: 'GET', path: '/__sim/schema', description: 'extension fields in effect' },
  {
    method: 'POST',
    path: '/__sim/schema/fields',
    description:
      '{entitySet, name:"YY1_…", maxLength?, label?, mandatory?}: a key user adds a field',
  },
]

/** The operations these routes expose; the simulator handle offers the same ones in-process. */
export interface SapSimOperations {
  clock(): { now: string; nowMs: number; offsetMs: number }
  advanceClock(ms: number): { now: string; nowMs: number; offsetMs: number }
  sessions(): SessionStats
  expireSessions(): number
  rotateCsrfTokens(): number
  rejectCsrf(count: number): void
  events(afterSeq?: number, limit?: number): FeedPage
  emitEvent(type: string, key: string): boolean
  holdEvents(): void
  releaseEvents(order: 'fifo' | 'reverse'): number
  eventSubscriptions(): EventSubscription[]
  subscribeEvents(url: string, types?: readonly string[]): EventSubscription
  unsubscribeEvents(id: string): boolean
  eventDeliveries(): DeliveryView[]
  redeliverEvent(deliveryId: string): Promise<DeliveryView | undefined>
  entities(set: string): unknown[] | undefined
  entity(set: string, key: string): unknown
  edit(
    set: string,
    key: string,
    changes: Record<string, unknown>,
  ): { etag: string } | { error: string }
  addMaterial(material: Material): void
  extensions(): readonly ExtensionField[]
  extend(field: ExtensionField): void
  /** Maintains a customer's credit account (limit and block), as credit management does in its UI. */
  setCredit(customer: string, account: CreditAccount): void
  /** The SOAP message monitor of BillingDocumentRequest_In: what each request did. */
  billingMessages(): readonly BillingMessage[]
}

const creditInput = z.strictObject({
  customer: z
    .string()
    .regex(/^[A-Za-z0-9]{1,10}$/, { error: 'customer is an SAP customer number' }),
  creditLimit: z.number().min(0).nullable().optional(),
  blocked: z.boolean().optional(),
})
const advanceInput = z.strictObject({ advanceMs: z.number().int().min(0) })
const countInput = z.strictObject({ count: z.number().int().min(0).max(1_000_000) })
const emitInput = z.strictObject({ type: z.string().min(1), key: z.string().min(1) })
const releaseInput = z.strictObject({ order: z.enum(['fifo', 'reverse']).optional() })
const subscribeInput = z.strictObject({
  url: z.url(),
  types: z.array(z.string()).min(1).optional(),
})
const editInput = z.strictObject({
  set: z.enum(['A_SalesOrder', 'A_BusinessPartner']),
  key: z.string().min(1),
  changes: z.record(z.string(), z.unknown()),
})
const materialInput = z.strictObject({
  material: z.string().min(1).max(40),
  price: z.string().regex(/^\d+(\.\d+)?$/),
  description: z.string().max(40).optional(),
  unit: z.string().min(1).max(3).optional(),
  currency: z.string().min(3).max(5).optional(),
})
const fieldInput = z.strictObject({
  entitySet: z.string().min(1),
  name: z.string().min(1),
  maxLength: z.number().int().min(1).max(255).optional(),
  label: z.string().optional(),
  mandatory: z.boolean().optional(),
})

export function mountSapSimRoutes(app: FastifyInstance, ops: SapSimOperations): void {
  const bad = (error: z.ZodError) => ({ error: z.prettifyError(error) })
  const parse = <T>(schema: z.ZodType<T>, body: unknown) => schema.safeParse(body ?? {})

  app.post('/__sim/credit', (request, reply) => {
    const parsed = parse(creditInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const account = {
      limit: parsed.data.creditLimit ?? null,
      blocked: parsed.data.blocked ?? false,
    }
    ops.setCredit(parsed.data.customer.replace(/^0+(?=\d)/, ''), account)
    return { customer: parsed.data.customer, ...account }
  })
  app.get('/__sim/billing-messages', () => ({ messages: ops.billingMessages() }))
  app.get('/__sim/clock', () => ops.clock())
  app.post('/__sim/clock', (request, reply) => {
    const parsed = parse(advanceInput, request.body)
    return parsed.success
      ? ops.advanceClock(parsed.data.advanceMs)
      : reply.code(400).send(bad(parsed.error))
  })
  app.get('/__sim/sessions', () => ops.sessions())
  app.post('/__sim/sessions/expire', () => ({ expired: ops.expireSessions() }))
  app.post('/__sim/csrf/rotate', () => ({ rotated: ops.rotateCsrfTokens() }))
  app.post('/__sim/csrf/reject', (request, reply) => {
    const parsed = parse(countInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    ops.rejectCsrf(parsed.data.count)
    return { rejecting: parsed.data.count }
  })
  app.get('/__sim/events', (request) => {
    const { after, limit } = request.query as Record<string, string | undefined>
    const a = Number(after ?? 0)
    const l = Number(limit ?? 1000)
    return ops.events(Number.isFinite(a) ? a : 0, l > 0 ? l : 1000)
  })
  app.post('/__sim/events/emit', (request, reply) => {
    const parsed = parse(emitInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return ops.emitEvent(parsed.data.type, parsed.data.key)
      ? reply.code(201).send({ emitted: true })
      : reply.code(404).send({ error: 'unknown event type or no such object' })
  })
  app.post('/__sim/events/hold', () => {
    ops.holdEvents()
    return { holding: true }
  })
  app.post('/__sim/events/release', (request, reply) => {
    const parsed = parse(releaseInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return { released: ops.releaseEvents(parsed.data.order ?? 'fifo') }
  })
  app.get('/__sim/event-subscriptions', () => ({ subscriptions: ops.eventSubscriptions() }))
  app.post('/__sim/event-subscriptions', (request, reply) => {
    const parsed = parse(subscribeInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    return reply.code(201).send(ops.subscribeEvents(parsed.data.url, parsed.data.types))
  })
  app.delete('/__sim/event-subscriptions/:id', (request, reply) =>
    ops.unsubscribeEvents((request.params as { id: string }).id)
      ? reply.code(204).send()
      : reply.code(404).send({ error: 'no such subscription' }),
  )
  app.get('/__sim/event-deliveries', (request) => {
    const { state } = request.query as Record<string, string | undefined>
    return {
      deliveries: ops.eventDeliveries().filter((d) => state === undefined || d.state === state),
    }
  })
  app.post('/__sim/event-deliveries/:id/redeliver', async (request, reply) => {
    const delivery = await ops.redeliverEvent((request.params as { id: string }).id)
    return delivery ? { delivery } : reply.code(404).send({ error: 'no such delivery' })
  })
  app.get('/__sim/entities/:set', (request, reply) => {
    const results = ops.entities((request.params as { set: string }).set)
    return results ? { results } : reply.code(404).send({ error: 'no such entity set' })
  })
  app.get('/__sim/entities/:set/:key', (request, reply) => {
    const { set, key } = request.params as { set: string; key: string }
    return ops.entity(set, key) ?? reply.code(404).send({ error: 'no such entity' })
  })
  app.post('/__sim/edit', (request, reply) => {
    const parsed = parse(editInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const result = ops.edit(parsed.data.set, parsed.data.key, parsed.data.changes)
    return 'error' in result ? reply.code(400).send(result) : result
  })
  app.post('/__sim/materials', (request, reply) => {
    const parsed = parse(materialInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const m = parsed.data
    const material = {
      material: m.material.toUpperCase(),
      price: m.price,
      description: m.description ?? m.material,
      unit: m.unit ?? 'EA',
      currency: m.currency ?? 'USD',
    }
    ops.addMaterial(material)
    return reply.code(201).send(material)
  })
  app.get('/__sim/schema', () => ({ extensions: ops.extensions() }))
  app.post('/__sim/schema/fields', (request, reply) => {
    const parsed = parse(fieldInput, request.body)
    if (!parsed.success) return reply.code(400).send(bad(parsed.error))
    const f = parsed.data
    const field = {
      entitySet: f.entitySet,
      name: f.name,
      maxLength: f.maxLength ?? 20,
      label: f.label ?? f.name,
      mandatory: f.mandatory ?? false,
    }
    try {
      ops.extend(field)
    } catch (error) {
      return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) })
    }
    return reply.code(201).send(field)
  })
}
