/** @module connectors/credentials/shared-token-port — what a connector needs from the hub's store to share a credential's token between processes.
 *
 * Connectors never import the store (the dependency rule); the composition root adapts the
 * `Store` to this port, binding the tenant:
 *
 *   tokenGet: (p) => store.credentialTokenGet({ tenantId, ...p }),
 *   tokenPut: (p) => store.credentialTokenPut({ tenantId, ...p }),
 *   refreshLock: (p, work) => store.credentialTokenLock({ tenantId, ...p }, work),
 */

/** The shared copy as the store keeps it: sealed, so the database never holds the token in clear. */
export interface SharedTokenCopy {
  sealed: string
  /** Epoch ms (hub clock) after which no process hands the token out. */
  expiresAt: number
  /** Raised by every write; a write names the version it read. */
  version: number
}

export interface SharedTokenStore {
  tokenGet(params: { credentialKey: string }): Promise<SharedTokenCopy | null>
  /**
   * Writes only over `expectedVersion` (null: no copy yet); resolves with the new version, or null
   * when another process wrote first.
   */
  tokenPut(params: {
    credentialKey: string
    sealed: string
    expiresAt: number
    now: number
    expectedVersion: number | null
  }): Promise<number | null>
  /**
   * Runs `work` while no other process (nor caller in this one) holds the same credential's lock.
   * Rejects after `waitMs` without it; after `holdMs` the lock is released and `signal` aborted.
   * Always released when `work` settles.
   */
  refreshLock<T>(
    params: { credentialKey: string; waitMs: number; holdMs: number },
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T>
}
