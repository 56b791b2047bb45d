/** @module gateway/routes/metrics-routes — GET /metrics, the Prometheus scrape endpoint. */
import type { FastifyInstance } from 'fastify'
import type { GatewayDeps } from '../gateway-deps.ts'

export function registerMetricsRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/metrics', async (_request, reply) => {
    const body = await deps.metrics.metrics()
    return reply.header('content-type', deps.metrics.contentType).send(body)
  })
}
