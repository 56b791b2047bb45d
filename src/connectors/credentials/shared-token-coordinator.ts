/** @module connectors/credentials/shared-token-coordinator — one token refresh at a time per credential, across every hub process on the store.
 *
 * Within a process, callers share one in-flight refresh. That refresh first takes the copy another
 * process left in the shared store; failing that it takes the credential's refresh lock, reads
 * again (the previous holder has just written), and only then asks the vendor, sealing the new
 * token into the store for everyone else. So after an expiry, however many processes and callers
 * ask at once, one request reaches the token endpoint.
 */
import { createHash } from 'node:crypto'
import { systemClock } from '../../clock/clock.ts'
import type { Clock } from '../../clock/clock.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { Secret } from '../../secrets/secret-value.ts'
import type { SharedTokenStore } from './shared-token-port.ts'
import type { TokenCodec } from './token-codec.ts'
import { createTokenSealer } from './token-sealer.ts'
import type { TokenSealer } from './token-sealer.ts'
import { waitUnlessAborted } from '../wire/abortable-wait.ts'

export interface SingleFlightTokensOptions<T> {
  /** Names the credential in the store, e.g. `netsuite/erp-main`; also binds its sealed copies. */
  credentialKey: string
  /** The credential's own secret (e.g. the OAuth client secret): the sealing key is derived from it. */
  sealingSecret: Secret
  /** The real token request. `signal` aborts when the refresh lock is cut off or lost. */
  fetchToken: (signal: AbortSignal) => Promise<T>
  codec: TokenCodec<T>
  /** Without it, refreshes are single-flight within this process only. */
  shared?: SharedTokenStore
  clock?: Clock
  /** Longest hold of the refresh lock; longer than the token request's own timeout. Default 60 s. */
  lockHoldMs?: number
  /** Longest wait for the lock; longer than the hold, so a waiter outlasts a hung holder. Default 90 s. */
  lockWaitMs?: number
}

export interface SingleFlightTokenStats {
  /** Requests this process sent to the token endpoint. */
  fetched: number
  /** Tokens taken from the shared store instead. */
  adopted: number
  /** Shared copies that did not unseal (secret rotated, or altered) and were refreshed over. */
  unreadable: number
  /** Fresh tokens that could not be written to the shared store (used locally all the same). */
  shareFailures: number
}

interface SharedRead<T> {
  token: T | undefined
  /** The version of the copy read, usable or not; null when there was none. */
  version: number | null
}

export class SingleFlightTokens<T> {
  readonly #options: SingleFlightTokensOptions<T>
  readonly #clock: Clock
  readonly #sealer: TokenSealer
  readonly #lock: { waitMs: number; holdMs: number }
  readonly #stats: SingleFlightTokenStats = {
    fetched: 0,
    adopted: 0,
    unreadable: 0,
    shareFailures: 0,
  }
  #cached: T | undefined
  #inflight: Promise<T> | undefined
  /** Digest of the last token a server refused: never taken from the store again. */
  #rejected: string | undefined

  constructor(options: SingleFlightTokensOptions<T>) {
    const holdMs = options.lockHoldMs ?? 60_000
    const waitMs = options.lockWaitMs ?? holdMs + 30_000
    if (!(holdMs > 0) || !(waitMs > holdMs)) {
      throw new RangeError(`lockWaitMs (${waitMs}) must exceed lockHoldMs (${holdMs}) > 0`)
    }
    this.#options = options
    this.#lock = { waitMs, holdMs }
    this.#clock = options.clock ?? systemClock
    this.#sealer = createTokenSealer(options.sealingSecret, options.credentialKey)
  }

  get stats(): Readonly<SingleFlightTokenStats> {
    return { ...this.#stats }
  }

  /**
   * A valid token: the cached one, or the one refresh in flight. The caller's `signal` stops only
   * its own wait, never the shared refresh other callers (and processes) depend on.
   */
  async get(signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted()
    const cached = this.#cached
    if (cached !== undefined && this.#clock.now() < this.#options.codec.refreshAt(cached)) {
      return cached
    }
    this.#inflight ??= this.#refresh().finally(() => {
      this.#inflight = undefined
    })
    return waitUnlessAborted(this.#inflight, signal)
  }

  /**
   * After the server refused `token` (401): drops it here, and the next refresh skips the shared
   * copy only if it is this same token, so a token another process already renewed is taken
   * without a request. A no-op on the cache if it already moved on, so N requests failing with one
   * stale token cause one refresh between them.
   */
  invalidate(token: T): void {
    this.#rejected = this.#digest(token)
    if (this.#cached === token) this.#cached = undefined
  }

  async #refresh(): Promise<T> {
    const { shared } = this.#options
    if (shared === undefined) return this.#fetch(new AbortController().signal, undefined)
    const first = await this.#readShared(shared)
    if (first.token !== undefined) return this.#adopt(first.token)

    // The work's own failures (the vendor's answer, a store read) pass through as they are; any
    // other rejection is the lock's: not obtained in time, cut off, or lost with its session.
    const outcome: { workError: unknown; workFailed: boolean } = {
      workError: undefined,
      workFailed: false,
    }
    try {
      return await shared.refreshLock(
        { credentialKey: this.#options.credentialKey, ...this.#lock },
        async (signal) => {
          try {
            const again = await this.#readShared(shared)
            if (again.token !== undefined) return this.#adopt(again.token)
            return await this.#fetch(signal, { shared, expectedVersion: again.version })
          } catch (error) {
            outcome.workFailed = true
            outcome.workError = error
            throw error
          }
        },
      )
    } catch (error) {
      if (outcome.workFailed && outcome.workError === error) throw error
      throw HubError.retryable(
        `token refresh of credential ${this.#options.credentialKey}: the refresh lock failed`,
        { cause: error },
      )
    }
  }

  async #readShared(shared: SharedTokenStore): Promise<SharedRead<T>> {
    const { credentialKey, codec } = this.#options
    let copy
    try {
      copy = await shared.tokenGet({ credentialKey })
    } catch (cause) {
      throw HubError.retryable(`the shared token of credential ${credentialKey} is unreadable`, {
        cause,
      })
    }
    if (copy === null) return { token: undefined, version: null }
    const now = this.#clock.now()
    const stale = { token: undefined, version: copy.version }
    if (copy.expiresAt <= now) return stale
    let token: T
    try {
      token = codec.decode(this.#sealer.unseal(copy.sealed))
    } catch {
      this.#stats.unreadable++
      return stale
    }
    if (codec.refreshAt(token) <= now || this.#digest(token) === this.#rejected) return stale
    return { token, version: copy.version }
  }

  #adopt(token: T): T {
    this.#stats.adopted++
    this.#cached = token
    return token
  }

  async #fetch(
    signal: AbortSignal,
    share: { shared: SharedTokenStore; expectedVersion: number | null } | undefined,
  ): Promise<T> {
    this.#stats.fetched++
    const { codec, credentialKey } = this.#options
    const token = await this.#options.fetchToken(signal)
    this.#cached = token
    if (share === undefined) return token
    try {
      // Null (another writer got there first) only happens after this holder lost its lock; its
      // token is still good, so it is used here either way.
      await share.shared.tokenPut({
        credentialKey,
        sealed: this.#sealer.seal(codec.encode(token)),
        expiresAt: Math.floor(codec.refreshAt(token)),
        now: Math.floor(this.#clock.now()),
        expectedVersion: share.expectedVersion,
      })
    } catch {
      // Sharing failed, the token did not: the other processes will fetch their own.
      this.#stats.shareFailures++
    }
    return token
  }

  /** Compares tokens without keeping a refused one around in clear. */
  #digest(token: T): string {
    return createHash('sha256').update(this.#options.codec.encode(token)).digest('base64url')
  }
}
