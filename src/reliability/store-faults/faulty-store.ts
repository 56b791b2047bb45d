/** @module reliability/store-faults/faulty-store — a Store that fails on purpose (the Temporal pattern).
 *
 * Wraps any driver and, at a seeded rate, makes a call fail the way a real database does:
 * connection reset, statement timeout, serialization failure, deadlock, admin shutdown, or a
 * unique violation. Half of the injected faults happen AFTER the real call committed, which is
 * the case that matters: the caller sees an error for work that is already durable.
 */
import type { Store } from '../../store/store-contract.ts'
import { StoreUnavailableError } from '../../store/store-contract.ts'

export const STORE_FAULT_KINDS = [
  'connection_reset',
  'statement_timeout',
  'serialization_failure',
  'deadlock',
  'admin_shutdown',
  'unique_violation',
] as const
export type StoreFaultKind = (typeof STORE_FAULT_KINDS)[number]

export interface StoreFaultOptions {
  /** Probability that a call fails, 0..1. */
  rate: number
  seed: number
  /** Methods left alone (lifecycle calls by default). */
  spare?: readonly (keyof Store)[]
  kinds?: readonly StoreFaultKind[]
}

export interface StoreFaultStats {
  calls: number
  injected: Record<StoreFaultKind, number>
  /** Faults reported after the real call had committed. */
  afterCommit: number
  /** Epoch ms of the latest injected fault: the campaign's "within 120 s of the last fault" clock. */
  lastInjectedAt: number | null
}

const SQLSTATE: Record<StoreFaultKind, string> = {
  connection_reset: 'ECONNRESET',
  statement_timeout: '57014',
  serialization_failure: '40001',
  deadlock: '40P01',
  admin_shutdown: '57P01',
  unique_violation: '23505',
}

/** Errors shaped like the driver's: `code` carries the SQLSTATE or the socket error code. */
function faultError(kind: StoreFaultKind, method: string): Error {
  const cause = Object.assign(new Error(`injected ${kind} in ${method}`), { code: SQLSTATE[kind] })
  // The drivers map connection-class failures to StoreUnavailableError; the rest surface as is.
  if (kind === 'connection_reset' || kind === 'admin_shutdown' || kind === 'statement_timeout') {
    return new StoreUnavailableError(`store unavailable (injected ${kind}) in ${method}`, { cause })
  }
  return cause
}

/** mulberry32: small, seedable, good enough to make a fault schedule reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function withStoreFaults(
  store: Store,
  options: StoreFaultOptions,
): { store: Store; stats: StoreFaultStats } {
  const random = seeded(options.seed)
  const kinds = options.kinds ?? STORE_FAULT_KINDS
  const spare = new Set<string>(options.spare ?? ['migrate', 'durabilityCheck', 'close', 'ping'])
  const stats: StoreFaultStats = {
    calls: 0,
    injected: Object.fromEntries(STORE_FAULT_KINDS.map((k) => [k, 0])) as Record<
      StoreFaultKind,
      number
    >,
    afterCommit: 0,
    lastInjectedAt: null,
  }
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function' || typeof property !== 'string' || spare.has(property)) {
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value
      }
      const method = value as (...args: unknown[]) => Promise<unknown>
      return async (...args: unknown[]): Promise<unknown> => {
        stats.calls += 1
        if (random() >= options.rate) return method.apply(target, args)
        const kind = kinds[Math.floor(random() * kinds.length)] ?? 'connection_reset'
        stats.injected[kind] += 1
        stats.lastInjectedAt = Date.now()
        if (random() < 0.5) throw faultError(kind, property)
        await method.apply(target, args)
        stats.afterCommit += 1
        throw faultError(kind, property)
      }
    },
  })
  return { store: wrapped, stats }
}
