/** @module server/hub-cdc-lease — which hub process holds a change-event subscription, when several share one database.
 *
 * A CometD subscription is one long-lived stream per org: two hubs subscribing would each ingest
 * every event. The inbox would drop the second copy, but each copy still costs a commit, so one
 * process subscribes and the others wait to take over. The lease is a row the processes write with
 * compare-and-set on its version (the store's fenced shared-credential copy: the same row semantics
 * as a token refresh, under a key of its own), so two writers can never both win a round. It names
 * its holder and an expiry on the database clock; a holder that dies stops renewing and another
 * process takes it after `ttlMs`.
 */
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'

export interface CdcLeaseOptions {
  store: Pick<SharedTokenStore, 'tokenGet' | 'tokenPut'>
  /** One per subscription, e.g. `cdc-lease/customer-master`. */
  key: string
  /** This process, unique among those sharing the database. */
  holder: string
  clock: Clock
  ttlMs: number
}

export class CdcLease {
  readonly #options: CdcLeaseOptions
  #version: number | null = null

  constructor(options: CdcLeaseOptions) {
    this.#options = options
  }

  get held(): boolean {
    return this.#version !== null
  }

  /**
   * Takes the lease when it is free, expired or already this process's; renews it when held.
   * False when another live process holds it, or when a renewal lost a race (someone took it over
   * after it expired): the caller must then stop subscribing.
   */
  async acquire(): Promise<boolean> {
    const { store, key, holder, clock, ttlMs } = this.#options
    const now = clock.now()
    const current = await store.tokenGet({ credentialKey: key })
    const mine = current !== null && current.sealed === holder && current.version === this.#version
    if (current !== null && !mine && current.expiresAt > now) {
      this.#version = null
      return false
    }
    this.#version = await store.tokenPut({
      credentialKey: key,
      sealed: holder,
      expiresAt: now + ttlMs,
      now,
      expectedVersion: current?.version ?? null,
    })
    return this.#version !== null
  }

  /** Gives the lease up at once (a clean stop), so another process need not wait for the expiry. */
  async release(): Promise<void> {
    const version = this.#version
    if (version === null) return
    this.#version = null
    const { store, key, holder, clock } = this.#options
    const now = clock.now()
    await store.tokenPut({
      credentialKey: key,
      sealed: holder,
      expiresAt: now,
      now,
      expectedVersion: version,
    })
  }
}
