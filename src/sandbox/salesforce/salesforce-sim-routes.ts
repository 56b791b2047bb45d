/** @module sandbox/salesforce/salesforce-sim-routes — Salesforce's own /__sim routes: UI edits and seeding, the clock, the daily allocation, sessions, the change-event bus, schema drift and validation rules. */

import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { ApiLimits } from './salesforce-api-limits.ts'
import { ALL_CHANGE_EVENTS } from './salesforce-cdc-log.ts'
import { GAP_CHANGE_TYPES } from './salesforce-cdc-events.ts'
import type { SalesforceClock } from './salesforce-clock.ts'
import { FIELD_TYPES, SOBJECT_TYPES, sobjectTypeOf } from './salesforce-fields.ts'
import type { SObjectType } from './salesforce-fields.ts'
import type {
  SalesforceCdcAccess,
  SalesforceRecordAccess,
  SalesforceSchemaAccess,
} from './salesforce-sim-ops.ts'
import { SaveRefusedError } from './salesforce-sim-ops.ts'

export interface SimRouteOps {
  readonly records: SalesforceRecordAccess
  readonly cdc: SalesforceCdcAccess
  readonly schema: SalesforceSchemaAccess
  readonly clock: SalesforceClock
  readonly limits: ApiLimits
  readonly expireTokens: () => number
  readonly revokeToken: (token: string) => boolean
}

const value = z.union([z.string(), z.number(), z.boolean(), z.null()])
const ruleInput = z.strictObject({
  name: z.string().min(1),
  sobject: z.enum(SOBJECT_TYPES),
  field: z.string().min(1),
  condition: z.union([
    z.enum(['blank', 'notBlank']),
    z.strictObject({ equals: value }),
    z.strictObject({ notMatches: z.string() }),
  ]),
  message: z.string().min(1),
  errorDisplayField: z.boolean().optional(),
})
const fieldInput = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/),
  type: z.enum(FIELD_TYPES).exclude(['id', 'address']),
  label: z.string().optional(),
  length: z.number().int().min(0).max(131072).optional(),
  required: z.boolean().optional(),
  externalId: z.boolean().optional(),
  unique: z.boolean().optional(),
  picklistValues: z.array(z.string()).optional(),
  restrictedPicklist: z.boolean().optional(),
})
const gapInput = z.strictObject({
  entity: z.enum(SOBJECT_TYPES),
  changeType: z.enum(GAP_CHANGE_TYPES),
  recordIds: z.array(z.string()).min(1),
})

export function mountSalesforceSimRoutes(app: FastifyInstance, ops: SimRouteOps): void {
  const typeOf = (params: unknown, reply: FastifyReply): SObjectType | null => {
    const type = sobjectTypeOf((params as { type: string }).type)
    if (!type) {
      void reply.code(404).send({ error: `type must be one of ${SOBJECT_TYPES.join(', ')}` })
    }
    return type
  }
  const param = (params: unknown, name: string): string =>
    (params as Record<string, string>)[name] ?? ''
  const refused = (reply: FastifyReply, error: unknown): FastifyReply => {
    if (error instanceof SaveRefusedError) return reply.code(400).send(error.refusal.errors)
    return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) })
  }

  app.get('/__sim/records/:type', (request, reply) => {
    const type = typeOf(request.params, reply)
    if (!type) return reply
    const deleted = (request.query as Record<string, string | undefined>).deleted === 'true'
    return { records: ops.records.list(type, deleted) }
  })
  app.get('/__sim/records/:type/:id', (request, reply) => {
    const type = typeOf(request.params, reply)
    if (!type) return reply
    return (
      ops.records.get(type, param(request.params, 'id')) ??
      reply.code(404).send({ error: 'no such record' })
    )
  })
  app.post('/__sim/records/:type', (request, reply) => {
    const type = typeOf(request.params, reply)
    if (!type) return reply
    const events = (request.query as Record<string, string | undefined>).events !== 'false'
    const body = request.body
    try {
      if (Array.isArray(body)) {
        const ids = ops.records.seed(type, body as Record<string, unknown>[], { events })
        return reply.code(201).send({ ids })
      }
      if (typeof body !== 'object' || body === null) {
        throw new Error('body must be a JSON object or array')
      }
      return reply
        .code(201)
        .send(ops.records.put(type, body as Record<string, unknown>, { events }))
    } catch (error) {
      return refused(reply, error)
    }
  })
  app.delete('/__sim/records/:type/:id', (request, reply) => {
    const type = typeOf(request.params, reply)
    if (!type) return reply
    return ops.records.remove(type, param(request.params, 'id'))
      ? reply.code(204).send()
      : reply.code(404).send({ error: 'no live record' })
  })
  for (const action of ['undelete', 'touch'] as const) {
    app.post(`/__sim/records/:type/:id/${action}`, (request, reply) => {
      const type = typeOf(request.params, reply)
      if (!type) return reply
      const done = ops.records[action](type, param(request.params, 'id'))
      return done ? { [action]: true } : reply.code(404).send({ error: `nothing to ${action}` })
    })
  }

  const clockView = () => ({
    now: new Date(ops.clock.now()).toISOString(),
    offsetMs: ops.clock.offsetMs,
  })
  app.get('/__sim/clock', clockView)
  app.post('/__sim/clock', (request, reply) => {
    const body = z
      .union([
        z.strictObject({ advanceMs: z.number().int() }),
        z.strictObject({ set: z.iso.datetime({ offset: true }) }),
      ])
      .safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    if ('advanceMs' in body.data) ops.clock.advance(body.data.advanceMs)
    else ops.clock.set(Date.parse(body.data.set))
    return clockView()
  })

  const limitsView = () => ({
    dailyApiRequests: ops.limits.max,
    used: ops.limits.used(),
    header: ops.limits.header(),
  })
  app.get('/__sim/limits', limitsView)
  app.post('/__sim/limits', (request, reply) => {
    const body = z
      .strictObject({
        dailyApiRequests: z.number().int().min(0).optional(),
        used: z.number().int().min(0).optional(),
      })
      .safeParse(request.body ?? {})
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    ops.limits.configure(body.data.dailyApiRequests, body.data.used)
    return limitsView()
  })
  app.post('/__sim/tokens/expire', () => ({ expired: ops.expireTokens() }))
  app.post('/__sim/tokens/revoke', (request, reply) => {
    const body = z.strictObject({ token: z.string().min(1) }).safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    return { revoked: ops.revokeToken(body.data.token) }
  })

  app.get('/__sim/cdc/events', (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    const read = ops.cdc.events(
      q.channel ?? ALL_CHANGE_EVENTS,
      Number(q.replayId ?? -2),
      q.limit === undefined ? undefined : Number(q.limit),
    )
    if (!read.ok) return reply.code(400).send({ error: read.message })
    return { latestReplayId: ops.cdc.latestReplayId, events: read.events }
  })
  app.post('/__sim/cdc/gap', (request, reply) => {
    const body = gapInput.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    return reply.code(201).send(ops.cdc.gap(body.data))
  })
  app.post('/__sim/cdc/overflow', (request, reply) => {
    const body = z.strictObject({ entity: z.enum(SOBJECT_TYPES) }).safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    return reply.code(201).send(ops.cdc.overflow(body.data.entity))
  })
  app.post('/__sim/cdc/redeliver', (request, reply) => {
    const body = z.strictObject({ fromReplayId: z.number().int() }).safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    return { queued: ops.cdc.redeliver(body.data.fromReplayId) }
  })
  app.post('/__sim/cdc/disconnect', () => ({ dropped: ops.cdc.dropClients() }))
  app.get('/__sim/cdc/clients', () => ({ clients: ops.cdc.clients() }))

  app.post('/__sim/schema/:type/fields', (request, reply) => {
    const type = typeOf(request.params, reply)
    if (!type) return reply
    const body = fieldInput.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    const { picklistValues, ...spec } = body.data
    try {
      const added = ops.schema.addField(type, {
        ...spec,
        ...(picklistValues === undefined
          ? {}
          : { picklistValues: picklistValues.map((v) => ({ value: v, active: true })) }),
      })
      return reply.code(201).send(added)
    } catch (error) {
      return refused(reply, error)
    }
  })
  app.delete('/__sim/schema/:type/fields/:field/picklist-values/:value', (request, reply) => {
    const type = typeOf(request.params, reply)
    if (!type) return reply
    const done = ops.schema.deactivatePicklistValue(
      type,
      param(request.params, 'field'),
      param(request.params, 'value'),
    )
    return done
      ? reply.code(204).send()
      : reply.code(404).send({ error: 'no such active picklist value' })
  })
  app.get('/__sim/validation-rules', () => ({ rules: ops.schema.validationRules() }))
  app.post('/__sim/validation-rules', (request, reply) => {
    const body = ruleInput.safeParse(request.body)
    if (!body.success) return reply.code(400).send({ error: z.prettifyError(body.error) })
    const { errorDisplayField, ...rule } = body.data
    ops.schema.addValidationRule({
      ...rule,
      ...(errorDisplayField === undefined ? {} : { errorDisplayField }),
    })
    return reply.code(201).send({ rules: ops.schema.validationRules() })
  })
}
