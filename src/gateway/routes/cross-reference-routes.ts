/** @module gateway/routes/cross-reference-routes — GET /api/v1/cross-references, the sync ledger. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { GatewayDeps } from '../gateway-deps.ts'
import { limitParam, parseRequestPart, textParam } from '../request-validation.ts'

const crossReferenceQuery = z.strictObject({
  businessKey: textParam.optional(),
  entityType: textParam.optional(),
  sourceId: textParam.optional(),
  limit: limitParam,
})

export function registerCrossReferenceRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/api/v1/cross-references', async (request) => {
    const query = parseRequestPart(crossReferenceQuery, request.query, 'query parameter')
    const crossReferences = await deps.crossReferences.find({
      limit: query.limit,
      ...(query.businessKey === undefined ? {} : { businessKey: query.businessKey }),
      ...(query.entityType === undefined ? {} : { entityType: query.entityType }),
      ...(query.sourceId === undefined ? {} : { sourceId: query.sourceId }),
    })
    return { crossReferences }
  })
}
