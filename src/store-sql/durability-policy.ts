/** @module store-sql/durability-policy — decides whether the database's settings keep acknowledged commits. */
import { sql, type Kysely } from 'kysely'
import type { DurabilityReport } from '../store/store-contract.ts'
import type { Database } from './database-schema.ts'

export interface DurabilitySettings {
  fsync: string
  synchronousCommit: string
}

const OVERRIDE = 'or pass --allow-unsafe-durability to start anyway'

export async function readDurabilitySettings(db: Kysely<Database>): Promise<DurabilitySettings> {
  const fsync = await sql<{ fsync: string }>`show fsync`.execute(db)
  const commit = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db)
  return {
    fsync: fsync.rows[0]?.fsync ?? 'unknown',
    synchronousCommit: commit.rows[0]?.synchronous_commit ?? 'unknown',
  }
}

/**
 * Pure, so the decision is testable without a server configured unsafely.
 *
 * The hub acknowledges a webhook only after its inbox row commits; if the commit can vanish, the
 * sender believes we have an event we lost. 'local' and 'remote_write' flush the WAL on this server,
 * so they are durable here and only a note (a failover may lose the newest commits).
 */
export function assessDurability(
  driver: 'postgres' | 'embedded',
  settings: DurabilitySettings,
): DurabilityReport {
  const problems: string[] = []
  const notes: string[] = []
  const commit = settings.synchronousCommit.toLowerCase()
  const fsync = settings.fsync.toLowerCase()

  if (driver === 'embedded') {
    if (commit !== 'on') {
      problems.push(
        `synchronous_commit is '${settings.synchronousCommit}' in the embedded database, but the ` +
          'store sets it to on when it opens, so something changed it: a commit could be ' +
          `acknowledged before it is written. Remove whatever sets it, ${OVERRIDE}.`,
      )
    }
    notes.push(
      'Embedded mode (PGlite) does not fsync by design: each commit is written to the data folder ' +
        'before it is acknowledged, so committed data survives a crash or kill of the hub process, ' +
        'but not a power loss or operating-system crash. Use the PostgreSQL driver where that matters.',
    )
    return { ok: problems.length === 0, problems, notes }
  }

  if (fsync !== 'on') {
    problems.push(
      `fsync is '${settings.fsync}': a power loss or operating-system crash can lose or corrupt ` +
        `committed data. Set fsync = on in postgresql.conf and reload PostgreSQL, ${OVERRIDE}.`,
    )
  }
  if (commit === 'local' || commit === 'remote_write') {
    notes.push(
      `synchronous_commit is '${commit}': commits are durable on this server, but a failover to a ` +
        'standby may lose the newest ones. Set synchronous_commit = on (or remote_apply) if the hub ' +
        'must survive failover.',
    )
  } else if (commit !== 'on' && commit !== 'remote_apply') {
    problems.push(
      `synchronous_commit is '${settings.synchronousCommit}': PostgreSQL acknowledges commits ` +
        'before they reach disk, so a crash can lose messages the hub already acknowledged. Set ' +
        'synchronous_commit = on in postgresql.conf (or ALTER ROLE <hub role> SET ' +
        `synchronous_commit = on), ${OVERRIDE}.`,
    )
  }
  return { ok: problems.length === 0, problems, ...(notes.length > 0 ? { notes } : {}) }
}
