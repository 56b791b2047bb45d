/** @module gateway/routes/sandbox-routes — GET /api/v1/sandbox: where the vendor simulators run. */
import type { FastifyInstance } from 'fastify'
import type { GatewayDeps } from '../gateway-deps.ts'

export function registerSandboxRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/api/v1/sandbox', () => ({ simulators: deps.sandbox() }))
}
