/** @module store-postgres/advisory-credential-lock — a credential's refresh lock across hub processes: a PostgreSQL advisory lock on a session of its own. */
import pg from 'pg'
import type { CrossProcessLock, HeldLock } from '../store-sql/credential-lock.ts'
import { toStoreError } from '../store-sql/sql-error-policy.ts'
import { CredentialLockTimeoutError, StoreUnavailableError } from '../store/store-contract.ts'

/** lock_not_available: `lock_timeout` passed while waiting. */
const LOCK_TIMEOUT_SQLSTATE = '55P03'

/**
 * Seed of `hashtextextended`, so credential locks do not share hash values with another user of
 * single-key advisory locks that hashes the same text. (The migration lock uses the two-key form,
 * a separate key space.)
 */
const LOCK_SEED = 0x53594e43

const CONNECT_TIMEOUT_MS = 10_000

export interface AdvisoryCredentialLockOptions {
  connectionString: string
}

/**
 * Why a session of its own rather than a pooled one: the holder's refresh writes through the pool
 * while it holds the lock, so a pool of one (or one exhausted by waiters) would wait on itself;
 * and two callers in one process sharing a pooled session would both "hold" a session-level lock,
 * which is re-entrant. A refresh happens once per token lifetime, so the connection set-up costs
 * nothing that matters. If the session dies (holder crashed, server restarted), PostgreSQL
 * releases the lock with it, so a crashed hub never blocks the others.
 */
export function createAdvisoryCredentialLock(
  options: AdvisoryCredentialLockOptions,
): CrossProcessLock {
  const sessions = new Set<pg.Client>()
  let closed = false

  return {
    async acquire(lockKey, waitMs) {
      if (closed) throw new StoreUnavailableError('the store is closed')
      const wait = Math.max(1, Math.ceil(waitMs))
      const client = new pg.Client({
        connectionString: options.connectionString,
        connectionTimeoutMillis: Math.min(CONNECT_TIMEOUT_MS, wait),
        application_name: 'syncline-credential-lock',
        // lock_timeout bounds the wait on the server, so no timer has to cancel a waiting backend.
        options: `-c lock_timeout=${wait}`,
      })
      const lost = new AbortController()
      let released = false
      const onGone = (error?: unknown): void => {
        if (!released) lost.abort(error ?? new Error('the lock session ended'))
      }
      client.on('error', onGone)
      client.on('end', () => onGone())
      sessions.add(client)
      try {
        await client.connect()
        await client.query('select pg_advisory_lock(hashtextextended($1, $2))', [
          lockKey,
          LOCK_SEED,
        ])
      } catch (error) {
        released = true
        sessions.delete(client)
        await client.end().catch(() => undefined)
        if ((error as { code?: unknown } | null)?.code === LOCK_TIMEOUT_SQLSTATE) {
          throw new CredentialLockTimeoutError(
            `waited ${wait} ms for the refresh lock of ${lockKey}; another hub process held it`,
            'wait',
            { cause: error },
          )
        }
        throw toStoreError('credentialTokenLock', error)
      }
      const held: HeldLock = {
        lost: lost.signal,
        async release() {
          if (released) return
          released = true
          sessions.delete(client)
          try {
            await client.query('select pg_advisory_unlock(hashtextextended($1, $2))', [
              lockKey,
              LOCK_SEED,
            ])
          } finally {
            // Ending the session would release the lock too; the unlock just says so at once.
            await client.end().catch(() => undefined)
          }
        },
      }
      return held
    },

    async close() {
      closed = true
      await Promise.all([...sessions].map((client) => client.end().catch(() => undefined)))
      sessions.clear()
    },
  }
}
