/** @module sandbox/kit/idempotency-store — the "idempotency-honouring" target mode: the first outcome per key is kept and replayed. */

import type { SimResponse } from './sim-response.ts'

/** Stripe's semantics, which the reliability campaign names: stored 24 h, in-flight and mismatch refused. */
export type IdempotencyLookup =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly response: SimResponse }
  | { readonly kind: 'in-flight' }
  | { readonly kind: 'mismatch' }

interface Stored {
  readonly fingerprint: string
  response: SimResponse | null
  storedAt: number
}

export class IdempotencyStore {
  readonly #now: () => number
  readonly #retentionMs: number
  #entries = new Map<string, Stored>()

  constructor(now: () => number, retentionMs = 24 * 60 * 60 * 1000) {
    this.#now = now
    this.#retentionMs = retentionMs
  }

  /** Looks the key up; when it is new, reserves it so a concurrent twin sees `in-flight`. */
  begin(key: string, fingerprint: string): IdempotencyLookup {
    const found = this.#entries.get(key)
    if (found && this.#now() - found.storedAt < this.#retentionMs) {
      if (found.fingerprint !== fingerprint) return { kind: 'mismatch' }
      return found.response === null
        ? { kind: 'in-flight' }
        : { kind: 'replay', response: found.response }
    }
    this.#entries.set(key, { fingerprint, response: null, storedAt: this.#now() })
    return { kind: 'new' }
  }

  complete(key: string, response: SimResponse): void {
    const found = this.#entries.get(key)
    if (found) {
      found.response = response
      found.storedAt = this.#now()
    }
  }

  /** Releases a reservation whose request never produced an outcome, so a retry may run it. */
  abandon(key: string): void {
    if (this.#entries.get(key)?.response === null) this.#entries.delete(key)
  }

  clear(): void {
    this.#entries = new Map()
  }
}
