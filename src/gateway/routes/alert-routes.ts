/** @module gateway/routes/alert-routes — GET /api/v1/alerts: the consistency policies' alerts, firing or not, as last evaluated. */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { POLICY_DOMAINS } from '../../policies/consistency-policy-schema.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { booleanParam, parseRequestPart } from '../request-validation.ts'

const listQuery = z.strictObject({
  domain: z
    .enum(POLICY_DOMAINS, { error: `must be one of ${POLICY_DOMAINS.join(', ')}` })
    .optional(),
  /** true: only the firing alerts; false: only the quiet ones. */
  firing: booleanParam.optional(),
})

export function registerAlertRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  const alerts = deps.alerts
  if (alerts === undefined) return
  app.get('/api/v1/alerts', (request) => {
    const query = parseRequestPart(listQuery, request.query, 'query parameter')
    return {
      alerts: alerts
        .list()
        .filter(
          (a) =>
            (query.domain === undefined || a.domain === query.domain) &&
            (query.firing === undefined || a.firing === query.firing),
        ),
    }
  })
}
