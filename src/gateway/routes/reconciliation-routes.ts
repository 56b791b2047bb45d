/** @module gateway/routes/reconciliation-routes — reconciliation for operators: start a run and follow it; list, assign and close breaks. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { BreakMoveOutcome } from '../../reconciliation/break-operations.ts'
import { BREAK_STATES } from '../../store/store-contract.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { GatewayHttpError } from '../gateway-errors.ts'
import { auditActor, idString, limitParam, parseRequestPart } from '../request-validation.ts'

const listQuery = z.strictObject({
  limit: limitParam,
  before: idString.optional(),
  runId: idString.optional(),
  state: z.enum(BREAK_STATES, { error: `must be one of ${BREAK_STATES.join(', ')}` }).optional(),
})

const breakPath = z.strictObject({ id: idString })

const text = (field: string) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(2_000, { error: `${field} must be at most 2,000 characters` })

const assignBody = z.strictObject(
  { assignee: text('assignee'), note: text('note').optional() },
  { error: 'must be a JSON object: { "assignee": "who owns the break" }' },
)
const closeBody = z.strictObject(
  { note: text('note') },
  { error: 'must be a JSON object: { "note": "what was done to the systems" }' },
)

const runBody = z.strictObject(
  {
    domain: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'must name a policy domain, e.g. "orderLifecycle"' }),
  },
  { error: 'must be a JSON object: { "domain": "orderLifecycle" }' },
)

const runPath = z.strictObject({ id: idString })

/** Which states a move may start from, for the 409's fix. */
const ALLOWED_FROM = { assign: 'open or healing', close: 'assigned' } as const

function answer(id: string, verb: 'assign' | 'close', result: BreakMoveOutcome) {
  if (result.outcome === 'not_found') {
    throw new GatewayHttpError(404, 'not_found', `no reconciliation break ${id}`)
  }
  if (result.outcome === 'not_allowed') {
    throw new GatewayHttpError(
      409,
      'conflict',
      `reconciliation break ${id} is ${result.break.state}; only an ${ALLOWED_FROM[verb]} break can be ${verb === 'assign' ? 'assigned' : 'closed'}`,
    )
  }
  return { break: result.break }
}

export function registerReconciliationRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  // 202: the compare goes on in the background; GET …/runs/:id follows it to `finished`.
  app.post('/api/v1/reconciliation/runs', async (request, reply) => {
    const body = parseRequestPart(runBody, request.body, 'body field')
    const runs = deps.reconciliationRuns
    const known = runs?.domains ?? []
    const result = runs
      ? await runs.start(body.domain, auditActor(request))
      : { outcome: 'unknown_domain' as const }
    if (result.outcome === 'unknown_domain') {
      throw new GatewayHttpError(
        404,
        'not_found',
        `no reconciliation job for domain "${body.domain}" in this hub; ${known.length === 0 ? 'none is bound (bind an order flow to NetSuite, or a threepl-inventory flow, under flows)' : `bound: ${known.join(', ')}`}`,
      )
    }
    if (result.outcome !== 'started') {
      throw new GatewayHttpError(
        409,
        'conflict',
        `reconciliation run ${result.run.id} of ${body.domain} is ${result.run.state}; follow it at /api/v1/reconciliation/runs/${result.run.id} and start another once it has finished`,
      )
    }
    return reply.code(202).send({ run: result.run })
  })

  app.get('/api/v1/reconciliation/runs/:id', async (request) => {
    const { id } = parseRequestPart(runPath, request.params, 'path parameter')
    const found = await deps.reconciliationRuns?.get(id)
    if (found === undefined || found === null) {
      throw new GatewayHttpError(404, 'not_found', `no reconciliation run ${id}`)
    }
    return found
  })

  app.get('/api/v1/reconciliation/breaks', async (request) => {
    const query = parseRequestPart(listQuery, request.query, 'query parameter')
    const breaks = await deps.reconciliation.listBreaks({
      limit: query.limit,
      ...(query.before === undefined ? {} : { beforeId: query.before }),
      ...(query.runId === undefined ? {} : { runId: query.runId }),
      ...(query.state === undefined ? {} : { state: query.state }),
    })
    return { breaks }
  })

  app.post('/api/v1/reconciliation/breaks/:id/assign', async (request) => {
    const { id } = parseRequestPart(breakPath, request.params, 'path parameter')
    const body = parseRequestPart(assignBody, request.body, 'body field')
    const result = await deps.reconciliation.assign({
      breakId: id,
      assignee: body.assignee,
      ...(body.note === undefined ? {} : { note: body.note }),
      audit: auditActor(request),
    })
    return answer(id, 'assign', result)
  })

  app.post('/api/v1/reconciliation/breaks/:id/close', async (request) => {
    const { id } = parseRequestPart(breakPath, request.params, 'path parameter')
    const body = parseRequestPart(closeBody, request.body, 'body field')
    const result = await deps.reconciliation.close({
      breakId: id,
      note: body.note,
      audit: auditActor(request),
    })
    return answer(id, 'close', result)
  })
}
