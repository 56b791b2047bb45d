/** @module gateway/routes/stats-routes — GET /api/v1/stats: store counts plus the live summary. */
import type { FastifyInstance } from 'fastify'
import type { GatewayDeps } from '../gateway-deps.ts'

export function registerStatsRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/api/v1/stats', () => deps.stats())
}
