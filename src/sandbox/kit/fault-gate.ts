/** @module sandbox/kit/fault-gate — wraps a vendor route so the scenario's faults happen around (or instead of) its effect. */

import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { BusinessKey, EffectsLedger } from './effects-ledger.ts'
import type { FaultDecision, FaultScript } from './fault-script.ts'
import type { IdempotencyStore } from './idempotency-store.ts'
import type { RequestTracker, TrackedRequest } from './request-log.ts'
import { sendSim } from './sim-response.ts'
import type { SimResponse } from './sim-response.ts'

/** Vendor-shaped bodies for the faults: each simulator answers the way its vendor does. */
export interface FaultRenderer {
  readonly serverError: (status: 500 | 502 | 503 | 504) => SimResponse
  readonly rateLimited: (retryAfterSeconds: number) => SimResponse
  readonly malformed: () => SimResponse
  /** Only for vendors that have it (NetSuite); the scenario refuses the fault elsewhere. */
  readonly requestLimit?: () => SimResponse
  /** Only for simulators that honour an idempotency key. */
  readonly idempotencyConflict?: (reason: 'in-flight' | 'mismatch') => SimResponse
}

export interface GateContext {
  readonly now: () => number
  /** The current script; read per request because POST /__sim/scenario replaces it. */
  readonly script: () => FaultScript
  readonly ledger: EffectsLedger
  readonly tracker: RequestTracker
  readonly render: FaultRenderer
  /** Aborted when the simulator stops, so held-back responses do not keep it alive. */
  readonly closing: AbortSignal
  /** Lower-case header name of the vendor's idempotency key, honoured when the scenario says `honour`. */
  readonly idempotency?: { readonly header: string; readonly store: IdempotencyStore }
  /** A key for the whole API (Shopify's per-app bucket): every request is checked against its Retry-After. */
  readonly scopeKey?: BusinessKey
}

export interface GatedRoute {
  /** The business key the request acts on, for the ledger, the log and Retry-After checks. */
  key?(request: FastifyRequest): BusinessKey | null
  /** Vendor checks that come before any scripted fault (concurrency cap, auth, rate limit). */
  guard?(
    request: FastifyRequest,
    tracked: TrackedRequest,
  ): SimResponse | null | Promise<SimResponse | null>
  /** Applies the request's effect and returns the vendor's answer. */
  handle(request: FastifyRequest): SimResponse | Promise<SimResponse>
}

const NO_FAULT: FaultDecision = { kind: 'none' }

/** Builds the Fastify handler for one vendor route. */
export function gated(
  ctx: GateContext,
  route: GatedRoute,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    const tracked = ctx.tracker.get(request)
    if (!tracked) throw new Error(`gated route ${request.url} is outside the tracked vendor paths`)
    const key = route.key?.(request) ?? null
    tracked.setKey(key)
    for (const k of [ctx.scopeKey, key]) {
      if (k && ctx.ledger.checkArrival(k, tracked.arrivedAt, tracked.method, tracked.path)) {
        tracked.markViolation()
      }
    }
    const refused = await route.guard?.(request, tracked)
    if (refused) return sendSim(reply, refused)

    const script = ctx.script()
    // Decided before the latency pause so the fault sequence follows arrival order.
    const decision = script.applies(request.method) ? script.decide() : NO_FAULT
    if (decision.kind !== 'none') {
      tracked.setFault(decision.kind)
      ctx.ledger.recordFault(decision.kind)
    }
    const signal = AbortSignal.any([ctx.closing, tracked.signal])
    if (!(await pause(script.latencyMs(), signal))) return abandon(request, reply)

    const execute = (): Promise<SimResponse> => runOnce(ctx, route, request, key)
    switch (decision.kind) {
      case 'none':
        return sendSim(reply, await execute())
      case 'http5xx':
        return sendSim(reply, ctx.render.serverError(decision.status))
      case 'rateLimit': {
        const noted = key ?? ctx.scopeKey
        if (noted) ctx.ledger.noteRetryAfter(noted, ctx.now() + decision.retryAfterSeconds * 1000)
        return sendSim(reply, ctx.render.rateLimited(decision.retryAfterSeconds))
      }
      case 'requestLimit':
        return sendSim(reply, required(ctx.render.requestLimit, 'requestLimit')())
      case 'resetBeforeHeaders':
        return drop(request, reply, tracked, true)
      case 'commitThenDrop':
        await execute()
        return drop(request, reply, tracked, false)
      case 'malformed':
        if (decision.commit) await execute()
        return sendSim(reply, ctx.render.malformed())
      case 'timeout': {
        // With commit the effect lands now and only the answer is late, like a target that
        // finishes the work after the caller's timeout fired; without it the edge gives up (504).
        const response = decision.commit ? await execute() : ctx.render.serverError(504)
        if (!(await pause(decision.delayMs, signal))) return abandon(request, reply)
        return sendSim(reply, response)
      }
    }
  }
}

/** Runs the route's effect, or replays the stored outcome when the idempotency key was seen before. */
async function runOnce(
  ctx: GateContext,
  route: GatedRoute,
  request: FastifyRequest,
  key: BusinessKey | null,
): Promise<SimResponse> {
  const idem = ctx.idempotency
  const header = idem ? request.headers[idem.header] : undefined
  if (!idem || typeof header !== 'string' || ctx.script().scenario.idempotency !== 'honour') {
    return route.handle(request)
  }
  const fingerprint = `${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`
  const lookup = idem.store.begin(header, fingerprint)
  switch (lookup.kind) {
    case 'replay':
      if (key) ctx.ledger.recordReplay(key)
      return lookup.response
    case 'in-flight':
    case 'mismatch':
      return required(ctx.render.idempotencyConflict, 'idempotencyConflict')(lookup.kind)
    case 'new':
      break
  }
  try {
    const response = await route.handle(request)
    // Stripe keeps an outcome only once the endpoint began executing: a request refused by
    // validation changed nothing, so a retry with the same key (say, after the missing item was
    // created) is judged afresh instead of being answered the stale refusal for 24 h.
    if (response.status >= 400 && response.status < 500) idem.store.abandon(header)
    else idem.store.complete(header, response)
    return response
  } catch (error) {
    idem.store.abandon(header)
    throw error
  }
}

/** Unreachable when the scenario was parsed with the simulator's capabilities; loud if not. */
function required<T>(render: T | undefined, name: string): T {
  if (render === undefined) throw new Error(`this simulator cannot render ${name}`)
  return render
}

/** Sleeps, returning false when the caller left or the simulator is stopping. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false
  if (ms <= 0) return true
  try {
    await sleep(ms, undefined, { signal })
    return true
  } catch {
    return false
  }
}

/** Destroys the socket before a single response byte; `reset` sends a TCP RST instead of a FIN. */
function drop(
  request: FastifyRequest,
  reply: FastifyReply,
  tracked: TrackedRequest,
  reset: boolean,
): FastifyReply {
  tracked.markDropped()
  reply.hijack()
  const socket = request.raw.socket
  if (reset) socket.resetAndDestroy()
  else socket.destroy()
  return reply
}

/** Gives up on a request whose caller is gone (or whose simulator is stopping) without answering. */
function abandon(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack()
  request.raw.socket.destroy()
  return reply
}
