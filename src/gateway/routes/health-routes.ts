/** @module gateway/routes/health-routes — liveness and readiness probes.
 *
 * Liveness answers from the process alone, so an orchestrator never restarts the hub because the
 * database blipped; readiness asks the deps, so traffic stops while the store is unreachable.
 */
import type { FastifyInstance } from 'fastify'
import type { GatewayDeps } from '../gateway-deps.ts'
import type { ErrorBody } from '../gateway-errors.ts'

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: GatewayDeps,
  readyTimeoutMs: number,
): void {
  // The pid lets a supervisor (or a test) confirm it reached the process it started, not another
  // one that took the port in between.
  app.get('/healthz', () => ({ status: 'ok', pid: process.pid }))

  app.get('/readyz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined
    // A probe that hangs is worse than one that fails: bound the wait for ready().
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`readiness check took longer than ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      )
    })
    try {
      await Promise.race([deps.ready(), timeout])
      return { status: 'ready' }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      request.log.warn({ reason: message }, 'not ready')
      return reply.code(503).send({ error: 'not_ready', message } satisfies ErrorBody)
    } finally {
      clearTimeout(timer)
    }
  })
}
