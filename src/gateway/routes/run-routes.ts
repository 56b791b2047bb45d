/** @module gateway/routes/run-routes — GET /api/v1/runs and GET /api/v1/runs/:id. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { RUN_STATES } from '../../store/store-contract.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { GatewayHttpError } from '../gateway-errors.ts'
import { idString, limitParam, parseRequestPart, textParam } from '../request-validation.ts'

const runListQuery = z.strictObject({
  businessKey: textParam.optional(),
  flow: textParam.optional(),
  state: z.enum(RUN_STATES, { error: `must be one of ${RUN_STATES.join(', ')}` }).optional(),
  limit: limitParam,
  before: idString.optional(),
})

const runPathParams = z.object({ id: idString })

export function registerRunRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/api/v1/runs', async (request) => {
    const query = parseRequestPart(runListQuery, request.query, 'query parameter')
    const runs = await deps.runs.list({
      limit: query.limit,
      ...(query.businessKey === undefined ? {} : { businessKey: query.businessKey }),
      ...(query.flow === undefined ? {} : { flowName: query.flow }),
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.before === undefined ? {} : { beforeId: query.before }),
    })
    return { runs }
  })

  app.get('/api/v1/runs/:id', async (request) => {
    const { id } = parseRequestPart(runPathParams, request.params, 'path parameter')
    const run = await deps.runs.get(id)
    if (run === undefined) {
      throw new GatewayHttpError(404, 'not_found', `run ${id} not found`)
    }
    return run
  })
}
