/** @module sandbox/kit/scenario-router — the /__sim control API every simulator shares, and the holder of its current fault script. */

import type { FastifyInstance } from 'fastify'
import type { LedgerSnapshot } from './effects-ledger.ts'
import { FaultScript, parseScenario } from './fault-script.ts'
import type { Scenario, ScenarioCapabilities, ScenarioParse } from './fault-script.ts'
import type { RequestLogEntry } from './request-log.ts'

export interface RouteDescription {
  readonly method: string
  readonly path: string
  readonly description: string
}

/** The current scenario, reported with how far its fault stream has been consumed. */
export interface ScenarioState extends Scenario {
  readonly decided: number
}

/** Owns the simulator's fault script; POST /__sim/scenario swaps it, reset goes back to the defaults. */
export class ScenarioControl {
  readonly #defaults: Scenario
  readonly #caps: ScenarioCapabilities
  #script: FaultScript

  constructor(defaults: Scenario, caps: ScenarioCapabilities) {
    const checked = parseScenario({}, defaults, caps)
    if (!checked.ok) throw new Error(`invalid default scenario: ${checked.error}`)
    this.#defaults = checked.scenario
    this.#caps = caps
    this.#script = new FaultScript(checked.scenario)
  }

  get script(): FaultScript {
    return this.#script
  }

  state(): ScenarioState {
    return { ...this.#script.scenario, decided: this.#script.decided }
  }

  /** Replaces the script (missing fields take the defaults); the PRNG restarts from the seed. */
  replace(input: unknown): ScenarioParse {
    const parsed = parseScenario(input, this.#defaults, this.#caps)
    if (parsed.ok) this.#script = new FaultScript(parsed.scenario)
    return parsed
  }

  reset(): void {
    this.#script = new FaultScript(this.#defaults)
  }
}

export interface ScenarioHost {
  readonly name: string
  readonly control: ScenarioControl
  /** The vendor routes and the simulator's own extra /__sim routes, for GET /__sim. */
  readonly vendorRoutes: readonly RouteDescription[]
  readonly extraRoutes: readonly RouteDescription[]
  ledger(): LedgerSnapshot
  requests(afterSeq: number, limit: number): RequestLogEntry[]
  reset(): void
}

const SHARED_ROUTES: readonly RouteDescription[] = [
  { method: 'GET', path: '/__sim', description: 'this description' },
  {
    method: 'GET',
    path: '/__sim/scenario',
    description: 'the current fault script, with its seed and how many decisions were drawn',
  },
  {
    method: 'POST',
    path: '/__sim/scenario',
    description:
      'replace the fault script: {seed, faults:{http5xx,rateLimit,requestLimit,timeout,commitThenDrop,resetBeforeHeaders,malformed}, sequence, statuses, retryAfterSeconds:{min,max}, latencyMs:{min,max}, timeout:{delayMs,commit}, malformedCommits, concurrencyLimit, idempotency:"naive"|"honour", faultMethods}; omitted fields take the defaults',
  },
  {
    method: 'GET',
    path: '/__sim/ledger',
    description:
      'effects per business key, Retry-After violations, max concurrency, requests by status, faults injected',
  },
  {
    method: 'GET',
    path: '/__sim/requests?after=&limit=',
    description: 'the request log, oldest first',
  },
  {
    method: 'POST',
    path: '/__sim/reset',
    description: 'data back to the seed, default scenario, ledger and log cleared',
  },
]

export function mountScenarioRoutes(app: FastifyInstance, host: ScenarioHost): void {
  app.get('/__sim', () => ({
    simulator: host.name,
    vendorRoutes: host.vendorRoutes,
    simRoutes: [...SHARED_ROUTES, ...host.extraRoutes],
  }))
  app.get('/__sim/scenario', () => host.control.state())
  app.post('/__sim/scenario', (request, reply) => {
    const parsed = host.control.replace(request.body)
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error })
    return host.control.state()
  })
  app.get('/__sim/ledger', () => host.ledger())
  app.get('/__sim/requests', (request) => {
    const query = request.query as Record<string, string | undefined>
    const after = Number(query.after ?? 0)
    const limit = Number(query.limit ?? Number.POSITIVE_INFINITY)
    return {
      requests: host.requests(
        Number.isFinite(after) ? after : 0,
        limit > 0 ? limit : Number.POSITIVE_INFINITY,
      ),
    }
  })
  app.post('/__sim/reset', () => {
    host.reset()
    return { reset: true, scenario: host.control.state() }
  })
}
