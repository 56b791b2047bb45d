/** @module sandbox/kit/request-log — every vendor request as the target saw it, and the tracking that feeds the ledger's in-flight count. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { BusinessKey, EffectsLedger } from './effects-ledger.ts'
import type { FaultKind } from './fault-script.ts'

/** `dropped`: the simulator destroyed the socket on purpose; `client-closed`: the caller went away first. */
export type RequestOutcome = 'pending' | 'responded' | 'dropped' | 'client-closed'

export interface RequestLogEntry {
  readonly seq: number
  readonly method: string
  readonly path: string
  readonly recordType: string | null
  readonly businessKey: string | null
  /** The status sent, or null when no response line was ever written. */
  readonly status: number | null
  readonly startedAt: string
  readonly endedAt: string | null
  readonly fault: FaultKind | 'none'
  readonly outcome: RequestOutcome
  readonly retryAfterViolation: boolean
}

interface LiveEntry {
  seq: number
  method: string
  path: string
  recordType: string | null
  businessKey: string | null
  status: number | null
  startedAt: number
  endedAt: number | null
  fault: FaultKind | 'none'
  outcome: RequestOutcome
  retryAfterViolation: boolean
  dropped: boolean
  abort: AbortController
  onEnd: (() => void)[]
}

export class RequestLog {
  readonly #capacity: number
  #entries: LiveEntry[] = []
  #seq = 0

  /** Keeps the newest `capacity` entries so that a long soak does not grow without bound. */
  constructor(capacity = 20_000) {
    this.#capacity = capacity
  }

  start(method: string, path: string, at: number): LiveEntry {
    this.#seq += 1
    const entry: LiveEntry = {
      seq: this.#seq,
      method,
      path,
      recordType: null,
      businessKey: null,
      status: null,
      startedAt: at,
      endedAt: null,
      fault: 'none',
      outcome: 'pending',
      retryAfterViolation: false,
      dropped: false,
      abort: new AbortController(),
      onEnd: [],
    }
    this.#entries.push(entry)
    if (this.#entries.length > this.#capacity) {
      this.#entries.splice(0, this.#entries.length - this.#capacity)
    }
    return entry
  }

  /** Entries after `afterSeq`, oldest first, at most `limit` of them. */
  entries(afterSeq = 0, limit = Number.POSITIVE_INFINITY): RequestLogEntry[] {
    return this.#entries
      .filter((e) => e.seq > afterSeq)
      .slice(0, limit)
      .map((e) => ({
        seq: e.seq,
        method: e.method,
        path: e.path,
        recordType: e.recordType,
        businessKey: e.businessKey,
        status: e.status,
        startedAt: new Date(e.startedAt).toISOString(),
        endedAt: e.endedAt === null ? null : new Date(e.endedAt).toISOString(),
        fault: e.fault,
        outcome: e.outcome,
        retryAfterViolation: e.retryAfterViolation,
      }))
  }

  clear(): void {
    this.#entries = []
  }
}

/** Per-request handle used by the fault gate and the simulators' guards. */
export interface TrackedRequest {
  readonly arrivedAt: number
  readonly method: string
  readonly path: string
  /** Aborted when the caller closes the connection (or the simulator stops) before the response ends. */
  readonly signal: AbortSignal
  setKey(key: BusinessKey | null): void
  setFault(kind: FaultKind): void
  markViolation(): void
  /** Marks the socket as deliberately destroyed, so the log says `dropped` rather than `client-closed`. */
  markDropped(): void
  /** Runs once when the request is over, however it ended. */
  onEnd(fn: () => void): void
}

export interface RequestTracker {
  get(request: FastifyRequest): TrackedRequest | undefined
}

export interface TrackingOptions {
  readonly ledger: EffectsLedger
  readonly log: RequestLog
  readonly now: () => number
  /** Which URLs are vendor API calls; the /__sim routes are not tracked. */
  readonly isVendorPath: (path: string) => boolean
}

/** Registers the hooks that open a log entry on arrival and close it when the response ends or the client leaves. */
export function trackRequests(app: FastifyInstance, options: TrackingOptions): RequestTracker {
  const { ledger, log, now } = options
  const live = new WeakMap<IncomingMessage, LiveEntry>()
  const inFlight = new Set<LiveEntry>()
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0] ?? request.url
    if (!options.isVendorPath(path)) return done()
    const entry = log.start(request.method, path, now())
    live.set(request.raw, entry)
    const others = [...inFlight]
    inFlight.add(entry)
    ledger.requestArrived()
    // The peak is settled one timer turn later. A caller that times out closes its socket and
    // sends its next request at once; both can reach us in the same I/O batch, new request first.
    // Requests whose caller closed by then ended no later than this arrival, so they do not
    // count against it; answers we sent meanwhile do, since we were still working on them.
    let observed = false
    const observe = (): void => {
      if (observed) return
      observed = true
      ledger.observeConcurrency(others.filter((o) => o.outcome !== 'client-closed').length + 1)
    }
    setTimeout(observe, 0).unref()
    // 'close' fires both after a finished response and when the connection dies first.
    reply.raw.once('close', () => {
      // A quick answer may beat the timer; observe before the caller can read the ledger.
      observe()
      inFlight.delete(entry)
      entry.endedAt = now()
      if (reply.raw.writableFinished) {
        entry.outcome = 'responded'
        entry.status = reply.raw.statusCode
      } else {
        entry.outcome = entry.dropped ? 'dropped' : 'client-closed'
        if (!entry.abort.signal.aborted) entry.abort.abort(new Error(`request ${entry.outcome}`))
      }
      ledger.requestEnded()
      ledger.recordOutcome(entry.status === null ? entry.outcome : String(entry.status))
      for (const fn of entry.onEnd.splice(0)) fn()
    })
    done()
  })
  return {
    get(request) {
      const entry = live.get(request.raw)
      if (!entry) return undefined
      return {
        arrivedAt: entry.startedAt,
        method: entry.method,
        path: entry.path,
        signal: entry.abort.signal,
        setKey: (key) => {
          entry.recordType = key?.recordType ?? null
          entry.businessKey = key?.key ?? null
        },
        setFault: (kind) => {
          entry.fault = kind
        },
        markViolation: () => {
          entry.retryAfterViolation = true
        },
        markDropped: () => {
          entry.dropped = true
        },
        onEnd: (fn) => {
          if (entry.endedAt !== null) fn()
          else entry.onEnd.push(fn)
        },
      }
    },
  }
}
