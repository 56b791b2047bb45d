/** @module sandbox/kit/sim-clock-routes — `GET`/`POST /__sim/clock` for a simulator whose clock needs nothing more than moving (token expiry, timestamps, Retry-After deadlines). */
import type { FastifyInstance } from 'fastify'
import type { RouteDescription } from './scenario-router.ts'
import { moveClock, parseClockMove } from './sim-clock.ts'
import type { SimClock } from './sim-clock.ts'

export const SIM_CLOCK_ROUTES: readonly RouteDescription[] = [
  { method: 'GET', path: '/__sim/clock', description: "the simulator's now and its offset" },
  {
    method: 'POST',
    path: '/__sim/clock',
    description: '{advanceMs} or {to: ISO time}, forward only; reset puts it back',
  },
]

export function mountSimClockRoutes(app: FastifyInstance, clock: SimClock): void {
  app.get('/__sim/clock', () => clock.view())
  app.post('/__sim/clock', (request, reply) => {
    const move = parseClockMove(request.body)
    if (typeof move === 'string') return reply.code(400).send({ error: move })
    try {
      return moveClock(clock, move)
    } catch (error) {
      return reply.code(400).send({ error: error instanceof Error ? error.message : String(error) })
    }
  })
}
