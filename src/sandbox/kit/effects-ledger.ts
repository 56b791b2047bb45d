/** @module sandbox/kit/effects-ledger — what the simulated target actually applied, counted per business key, plus the throttling and concurrency evidence a test asserts on. */

import { FAULT_KINDS } from './fault-script.ts'
import type { FaultKind } from './fault-script.ts'

/** A business key: the record type and the caller-meaningful key (e.g. a NetSuite externalId). */
export interface BusinessKey {
  readonly recordType: string
  readonly key: string
}

export type EffectKind = 'create' | 'update' | 'delete'

export interface LedgerEffect {
  readonly recordType: string
  readonly businessKey: string
  /** Committed mutating requests that created the record. */
  readonly creates: number
  /** Committed mutating requests that changed an existing record. */
  readonly updates: number
  /** Committed mutating requests that deleted the record. */
  readonly deletes: number
  /** All committed mutating requests: creates + updates + deletes. More than one create means a duplicate. */
  readonly writes: number
  /** Requests answered from the idempotency store without touching the record. */
  readonly replays: number
  readonly lastAppliedAt: string | null
  /** The source version of the newest state applied, when writes carry one. */
  readonly lastVersion: string | null
  /** Writes that carried a version older than one already applied: stale state over newer. */
  readonly staleApplications: number
  /** Writes per source version: more than one for a version is a duplicate effect of that version. */
  readonly writesByVersion: Readonly<Record<string, number>>
}

export interface RetryAfterViolation {
  readonly recordType: string
  readonly businessKey: string
  readonly method: string
  readonly path: string
  /** When the Retry-After sent for this key ran out. */
  readonly retryAfterUntil: string
  readonly arrivedAt: string
  readonly earlyByMs: number
}

export interface ConcurrencyStats {
  /** Requests in flight now: from arrival until the response finished or the client went away. */
  readonly current: number
  /** The most ever in flight at once since the last reset. */
  readonly max: number
  readonly limit: number | null
  /** Requests refused because the limit was reached. */
  readonly rejected: number
}

export interface LedgerSnapshot {
  readonly seed: number
  readonly effects: readonly LedgerEffect[]
  readonly totals: {
    readonly creates: number
    readonly updates: number
    readonly deletes: number
    readonly writes: number
  }
  readonly retryAfterViolations: readonly RetryAfterViolation[]
  readonly concurrency: ConcurrencyStats
  /** Counts by final status code, plus `dropped` (socket destroyed) and `client-closed`. */
  readonly requestsByStatus: Readonly<Record<string, number>>
  readonly faultsInjected: Readonly<Record<FaultKind, number>>
}

interface MutableEffect {
  recordType: string
  businessKey: string
  creates: number
  updates: number
  deletes: number
  replays: number
  lastAppliedAt: number | null
  lastVersion: string | null
  staleApplications: number
  writesByVersion: Map<string, number>
}

/**
 * Orders two version markers: as instants when both are timestamps (`updated_at`), as numbers
 * when both are numeric, else as strings.
 */
export function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const [x, y] = [BigInt(a), BigInt(b)]
    return x < y ? -1 : x > y ? 1 : 0
  }
  const [x, y] = [Date.parse(a), Date.parse(b)]
  if (!Number.isNaN(x) && !Number.isNaN(y)) return Math.sign(x - y)
  return a < b ? -1 : a > b ? 1 : 0
}

const mapKey = (k: BusinessKey): string => `${k.recordType}\u0000${k.key}`

export class EffectsLedger {
  readonly #now: () => number
  #effects = new Map<string, MutableEffect>()
  #retryAfter = new Map<string, number>()
  #violations: RetryAfterViolation[] = []
  #statuses = new Map<string, number>()
  #faults = new Map<FaultKind, number>()
  #inFlight = 0
  #maxInFlight = 0
  #rejected = 0

  constructor(now: () => number) {
    this.#now = now
  }

  /**
   * Records one committed mutating request against a business key, with the source version the
   * written state carries when known: a version older than the newest applied is a stale write.
   */
  recordEffect(key: BusinessKey, kind: EffectKind, version?: string): void {
    const effect = this.#entry(key)
    if (kind === 'create') effect.creates += 1
    else if (kind === 'update') effect.updates += 1
    else effect.deletes += 1
    effect.lastAppliedAt = this.#now()
    if (version === undefined) return
    effect.writesByVersion.set(version, (effect.writesByVersion.get(version) ?? 0) + 1)
    if (effect.lastVersion !== null && compareVersions(version, effect.lastVersion) < 0) {
      effect.staleApplications += 1
    } else {
      effect.lastVersion = version
    }
  }

  /** Records a request answered from the idempotency store: it reached the target but changed nothing. */
  recordReplay(key: BusinessKey): void {
    this.#entry(key).replays += 1
  }

  /** Remembers that a 429 told the caller to leave this key alone until `untilMs`. */
  noteRetryAfter(key: BusinessKey, untilMs: number): void {
    const k = mapKey(key)
    this.#retryAfter.set(k, Math.max(this.#retryAfter.get(k) ?? 0, untilMs))
  }

  /** Checks an arriving request against an earlier Retry-After for its key; returns true on a violation. */
  checkArrival(key: BusinessKey, arrivedAtMs: number, method: string, path: string): boolean {
    const until = this.#retryAfter.get(mapKey(key))
    if (until === undefined || arrivedAtMs >= until) return false
    this.#violations.push({
      recordType: key.recordType,
      businessKey: key.key,
      method,
      path,
      retryAfterUntil: new Date(until).toISOString(),
      arrivedAt: new Date(arrivedAtMs).toISOString(),
      earlyByMs: until - arrivedAtMs,
    })
    return true
  }

  requestArrived(): void {
    this.#inFlight += 1
  }

  /** Reports how many requests overlapped one arrival (itself included), for the peak. */
  observeConcurrency(overlapping: number): void {
    this.#maxInFlight = Math.max(this.#maxInFlight, overlapping)
  }

  requestEnded(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1)
  }

  get inFlight(): number {
    return this.#inFlight
  }

  recordConcurrencyRejection(): void {
    this.#rejected += 1
  }

  recordOutcome(label: string): void {
    this.#statuses.set(label, (this.#statuses.get(label) ?? 0) + 1)
  }

  recordFault(kind: FaultKind): void {
    this.#faults.set(kind, (this.#faults.get(kind) ?? 0) + 1)
  }

  /** The counts for one business key, or undefined when nothing was ever applied or replayed for it. */
  effect(recordType: string, businessKey: string): LedgerEffect | undefined {
    const found = this.#effects.get(mapKey({ recordType, key: businessKey }))
    return found && freeze(found)
  }

  snapshot(seed: number, concurrencyLimit: number | null): LedgerSnapshot {
    const effects = [...this.#effects.values()].map(freeze)
    const sum = (pick: (e: LedgerEffect) => number): number =>
      effects.reduce((total, e) => total + pick(e), 0)
    return {
      seed,
      effects,
      totals: {
        creates: sum((e) => e.creates),
        updates: sum((e) => e.updates),
        deletes: sum((e) => e.deletes),
        writes: sum((e) => e.writes),
      },
      retryAfterViolations: [...this.#violations],
      concurrency: {
        current: this.#inFlight,
        max: this.#maxInFlight,
        limit: concurrencyLimit,
        rejected: this.#rejected,
      },
      requestsByStatus: Object.fromEntries(this.#statuses),
      faultsInjected: Object.fromEntries(
        FAULT_KINDS.map((k) => [k, this.#faults.get(k) ?? 0]),
      ) as Record<FaultKind, number>,
    }
  }

  /** Forgets everything except the requests still in flight, which will still end and be counted down. */
  clear(): void {
    this.#effects = new Map()
    this.#retryAfter = new Map()
    this.#violations = []
    this.#statuses = new Map()
    this.#faults = new Map()
    this.#maxInFlight = this.#inFlight
    this.#rejected = 0
  }

  #entry(key: BusinessKey): MutableEffect {
    const k = mapKey(key)
    let effect = this.#effects.get(k)
    if (!effect) {
      effect = {
        recordType: key.recordType,
        businessKey: key.key,
        creates: 0,
        updates: 0,
        deletes: 0,
        replays: 0,
        lastAppliedAt: null,
        lastVersion: null,
        staleApplications: 0,
        writesByVersion: new Map(),
      }
      this.#effects.set(k, effect)
    }
    return effect
  }
}

function freeze(e: MutableEffect): LedgerEffect {
  return {
    recordType: e.recordType,
    businessKey: e.businessKey,
    creates: e.creates,
    updates: e.updates,
    deletes: e.deletes,
    writes: e.creates + e.updates + e.deletes,
    replays: e.replays,
    lastAppliedAt: e.lastAppliedAt === null ? null : new Date(e.lastAppliedAt).toISOString(),
    lastVersion: e.lastVersion,
    staleApplications: e.staleApplications,
    writesByVersion: Object.fromEntries(e.writesByVersion),
  }
}
